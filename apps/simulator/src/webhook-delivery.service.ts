import { Pool } from 'undici';
import type { SimulatorStats, WebhookKind } from './simulator-stats.service';
import type { RuntimeConfig, StatusName } from './simulator.types';
import { signatureOf } from './webhook-payload.util';

export interface WebhookPost {
  url: string;
  appSecret: string;
  payload: unknown;
  kind: WebhookKind;
  /** The statuses the payload carries, for the counts. */
  statuses: StatusName[];
  /**
   * Headers beside content-type, replacing the Meta ones (Telegram: no signature, its secret token header).
   * With `headers` set, no X-Hub-Signature-256 is computed.
   */
  headers?: Record<string, string>;
}

interface Attempt {
  post: WebhookPost;
  target: URL;
  body: Buffer;
  headers: Record<string, string>;
  number: number;
  generation: number;
}

/** Logs the first failures and then every 100th, so a dead receiver does not flood the log. */
const LOG_EVERY = 100;
/**
 * POSTs in flight, queued for a connection or waiting to be retried, at most. A receiver that hangs would
 * otherwise let them pile up without bound (a batch of 100 statuses is ~30 KB); beyond this new ones are given up.
 */
export const MAX_PENDING_POSTS = 2000;

/**
 * Posts signed webhooks (X-Hub-Signature-256 over the exact bytes sent) through one keep-alive undici Pool per
 * origin. A POST that fails (error, timeout, non-2xx) is retried after `retryDelayMs`, doubling, up to
 * `maxAttempts`, then given up and counted. Nothing here throws or rejects: a broken receiver never stops the
 * simulator.
 */
export class WebhookDelivery {
  private readonly pools = new Map<string, Pool>();
  private readonly urls = new Map<string, URL>();
  private inFlight = 0;
  private retrying = 0;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly stats: SimulatorStats,
    private readonly settings: () => RuntimeConfig['webhooks'],
    /** Runs `task` after `delayMs` (the simulator's timer wheel). */
    private readonly later: (delayMs: number, task: () => void) => void,
    private readonly log: (line: string) => void,
    private readonly maxPendingPosts = MAX_PENDING_POSTS,
  ) {}

  /** POSTs in flight or waiting for a retry. */
  get pending(): number {
    return this.inFlight + this.retrying;
  }

  post(post: WebhookPost): void {
    if (this.closed) return;
    const target = this.urlOf(post.url);
    if (!target) {
      this.stats.webhookAttempt(this.stats.generation, false, `invalid webhook URL ${post.url}`);
      this.stats.webhookGaveUp(this.stats.generation, post.statuses.length);
      return;
    }
    if (this.pending >= this.maxPendingPosts) {
      this.stats.webhookGaveUp(this.stats.generation, post.statuses.length);
      this.noteGivenUp(`${this.pending} POSTs already pending for slow or hanging receivers (${post.url})`, 0);
      return;
    }
    const body = Buffer.from(JSON.stringify(post.payload));
    const headers = post.headers ?? {
      'user-agent': 'facebookexternalua',
      'x-hub-signature-256': signatureOf(body, post.appSecret),
    };
    this.send({ post, target, body, headers, number: 1, generation: this.stats.generation });
  }

  /** Stops posting; waits up to `graceMs` for POSTs in flight, then drops the connections. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    const graceful = Promise.allSettled(pools.map((pool) => pool.close()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const outcome = await Promise.race([graceful.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'late') await Promise.allSettled(pools.map((pool) => pool.destroy()));
  }

  private urlOf(url: string): URL | undefined {
    let target = this.urls.get(url);
    if (target) return target;
    try {
      target = new URL(url);
    } catch {
      return undefined;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return undefined;
    if (this.urls.size > 1000) this.urls.clear();
    this.urls.set(url, target);
    return target;
  }

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: this.settings().connections, keepAliveTimeout: 10_000, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private send(attempt: Attempt): void {
    if (this.closed) return;
    const { timeoutMs } = this.settings();
    const pool = this.poolFor(attempt.target.origin);
    this.inFlight += 1;
    pool
      .request({
        method: 'POST',
        path: `${attempt.target.pathname}${attempt.target.search}`,
        headers: { 'content-type': 'application/json', ...attempt.headers },
        body: attempt.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      .then(async (response) => {
        await response.body.dump();
        return response.statusCode;
      })
      .then(
        (status) => this.settle(attempt, status >= 200 && status < 300, `HTTP ${status} from ${attempt.post.url}`),
        (error: unknown) =>
          this.settle(attempt, false, `${error instanceof Error ? error.message : String(error)} (${attempt.post.url})`),
      )
      .catch((error: unknown) => this.log(`webhook bookkeeping failed: ${String(error)}`))
      .finally(() => {
        this.inFlight -= 1;
      });
  }

  private settle(attempt: Attempt, ok: boolean, error: string): void {
    this.stats.webhookAttempt(attempt.generation, ok, ok ? undefined : error);
    if (ok) {
      this.stats.webhookDeliveredPost(attempt.generation, attempt.post.kind, attempt.post.statuses);
      return;
    }
    const { maxAttempts, retryDelayMs } = this.settings();
    // A reset starts afresh: what failed before it is not retried into the new run.
    if (attempt.generation !== this.stats.generation) return;
    if (attempt.number < maxAttempts && !this.closed) {
      this.stats.webhookRetry(attempt.generation);
      const delay = retryDelayMs * 2 ** (attempt.number - 1);
      this.retrying += 1;
      this.later(delay, () => {
        this.retrying -= 1;
        if (attempt.generation === this.stats.generation) this.send({ ...attempt, number: attempt.number + 1 });
      });
      return;
    }
    this.stats.webhookGaveUp(attempt.generation, attempt.post.statuses.length);
    this.noteGivenUp(error, attempt.number);
  }

  private noteGivenUp(reason: string, attempts: number): void {
    this.failures += 1;
    if (this.failures <= 3 || this.failures % LOG_EVERY === 0) {
      this.log(`webhook POST given up after ${attempts} attempt(s): ${reason} [${this.failures} given up so far]`);
    }
  }
}
