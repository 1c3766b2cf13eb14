import { Injectable } from '@nestjs/common';
import { Clock } from '@herald/common';
import { ClickRecorder } from './click-recorder.service';
import { isLinkPreviewFetch, storedUserAgent } from './link-click.util';
import { isLinkCode } from './link-code.util';
import { LinkRepository } from './link.repository';
import type { LinkTarget } from './links.types';
import { LruCache } from './lru-cache.util';

/**
 * Codes whose target is kept in memory. Links never change once created, so an entry is never stale. About 400
 * bytes each (a destination with UTM parameters is ~150 characters): 20,000 are ~8 MB. A campaign's links are one
 * per recipient, so the cache serves repeat clicks and bursts on the same links; first clicks read Postgres (one
 * primary-key lookup).
 */
export const LINK_CACHE_SIZE = 20_000;
/** Most codes one lookup reads. */
const LOOKUP_BATCH_MAX = 500;

/** What a visitor's request tells about the click. */
export interface LinkVisit {
  readonly userAgent?: string;
  /** False for requests that are not clicks (HEAD: link checkers). */
  readonly isClick: boolean;
}

/**
 * The redirect's side of tracked links: where a code goes, from memory or Postgres, and the click handed to the
 * ClickRecorder (written later, in a batch), so the answer never waits for a write.
 */
@Injectable()
export class LinkRedirects {
  private readonly cache = new LruCache<string, LinkTarget>(LINK_CACHE_SIZE);
  /**
   * Codes to read from Postgres with the next lookup, and those being read: concurrent clicks on codes not in memory
   * share one `code = ANY(…)` statement, and concurrent clicks on one code one read of it. Most clicks are first
   * clicks (one link per recipient), so this is the common path: batched, a click read from Postgres cost a third
   * of the CPU of one statement per click (BENCHMARKS.md, tracked-link redirects).
   */
  private next?: Map<string, Deferred>;
  private readonly loading = new Map<string, Promise<LinkTarget | null>>();

  constructor(
    private readonly links: LinkRepository,
    private readonly clicks: ClickRecorder,
    private readonly clock: Clock,
  ) {}

  /**
   * The destination of `code`, the click recorded; null when the code is malformed or no link has it. Rejects only
   * when Postgres cannot be read (a code not in memory).
   */
  async follow(code: string, visit: LinkVisit): Promise<string | null> {
    if (!isLinkCode(code)) return null;
    const target = this.cache.get(code) ?? (await this.load(code));
    if (!target) return null;
    if (visit.isClick && !isLinkPreviewFetch(visit.userAgent)) {
      this.clicks.record({
        code,
        workspaceId: target.workspaceId,
        sendRef: target.sendRef,
        runId: target.runId,
        clickedAt: this.clock.now().toJSDate(),
        userAgent: storedUserAgent(visit.userAgent),
        destination: target.destination,
      });
    }
    return target.destination;
  }

  private load(code: string): Promise<LinkTarget | null> {
    const loading = this.loading.get(code);
    if (loading) return loading;
    if (!this.next) {
      this.next = new Map();
      setImmediate(() => this.lookUp());
    }
    const deferred = new Deferred();
    this.next.set(code, deferred);
    this.loading.set(code, deferred.promise);
    if (this.next.size >= LOOKUP_BATCH_MAX) this.lookUp();
    return deferred.promise;
  }

  /** Reads the codes waiting for a lookup, in one statement. */
  private lookUp(): void {
    const batch = this.next;
    if (!batch) return;
    this.next = undefined;
    this.links.targets([...batch.keys()]).then(
      (found) => {
        for (const [code, deferred] of batch) {
          this.loading.delete(code);
          const target = found.get(code) ?? null;
          if (target) this.cache.set(code, target);
          deferred.resolve(target);
        }
      },
      (error: unknown) => {
        for (const [code, deferred] of batch) {
          this.loading.delete(code);
          deferred.reject(error);
        }
      },
    );
  }
}

class Deferred {
  resolve!: (target: LinkTarget | null) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<LinkTarget | null>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}
