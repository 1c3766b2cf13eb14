import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock, HeraldError, isUuid } from '@herald/common';
import { RunProgressRepository } from './run-progress.repository';
import { figuresKey, toRunProgress, type RunProgress, type RunProgressRow, type SendSample } from './run-progress.util';

/** How often the hub reads the watched runs: a watcher sees a change at most this late, and never more often. */
export const RUN_PROGRESS_TICK_MS = 1_000;

/** Someone following a run's figures. */
export interface RunWatcher {
  /** The figures changed (the last call, with `final`, once the run has ended). */
  progress(progress: RunProgress): void;
  /** The hub stopped following the run before it ended: the run is gone, or the API is shutting down. */
  end(): void;
}

/** Which run to follow: a campaign's run, a blast (one run), or any run of the workspace by its id alone. */
export type RunTarget = { campaignId: string; runId: string } | { blastId: string } | { runId: string };

interface Followed {
  /** Each watcher, with the figures it was last told (to tell it only changes). */
  readonly watchers: Map<RunWatcher, string>;
  samples: SendSample[];
}

/**
 * One in-process hub for the live progress of runs. However many people watch, it reads every watched run in ONE
 * statement a tick (RUN_PROGRESS_TICK_MS) and hands each watcher the figures that changed since it was last told:
 * Postgres pays per watched run and second, not per watcher. It stops reading a run when its last watcher leaves or
 * the run ends, and stops ticking when no run is watched.
 */
@Injectable()
export class RunProgressHub implements OnModuleDestroy {
  private readonly logger = new Logger(RunProgressHub.name);
  private readonly runs = new Map<string, Followed>();
  private timer: NodeJS.Timeout | null = null;
  private reading = false;

  constructor(
    private readonly repository: RunProgressRepository,
    private readonly clock: Clock,
  ) {}

  /** The run's figures now, read for a watcher about to connect; 404 when the workspace has no such run. */
  async current(workspaceId: string, target: RunTarget): Promise<RunProgress> {
    let row: RunProgressRow | undefined;
    if ('blastId' in target) {
      row = isUuid(target.blastId) ? await this.repository.blastRun(workspaceId, target.blastId) : undefined;
      if (!row)
        throw new HeraldError('not_found', 'blast_not_found', `No blast with id "${target.blastId}" exists in this workspace.`);
    } else if ('campaignId' in target) {
      const known = isUuid(target.campaignId) && isUuid(target.runId);
      row = known ? await this.repository.campaignRun(workspaceId, target.campaignId, target.runId) : undefined;
      if (!row) throw HeraldError.notFound('run', target.runId);
    } else {
      row = isUuid(target.runId) ? await this.repository.run(workspaceId, target.runId) : undefined;
      if (!row) throw HeraldError.notFound('run', target.runId);
    }
    // A read off the tick does not join the run's samples: its pace stays measured over whole ticks.
    return toRunProgress(row, this.clock.now().toJSDate(), this.runs.get(row.id)?.samples).progress;
  }

  /**
   * Follows a run for `watcher`, told from now on whenever the figures differ from `seen` (what it already has).
   * Returns the function that stops it; calling it after the run ended does nothing.
   */
  watch(seen: RunProgress, watcher: RunWatcher): () => void {
    let followed = this.runs.get(seen.runId);
    if (!followed) {
      followed = { watchers: new Map(), samples: [] };
      this.runs.set(seen.runId, followed);
    }
    followed.watchers.set(watcher, figuresKey(seen));
    this.timer ??= setInterval(() => void this.tick(), RUN_PROGRESS_TICK_MS).unref();
    return () => this.leave(seen.runId, watcher);
  }

  /** How many runs and watchers the hub follows now. */
  size(): { runs: number; watchers: number } {
    let watchers = 0;
    for (const f of this.runs.values()) watchers += f.watchers.size;
    return { runs: this.runs.size, watchers };
  }

  onModuleDestroy(): void {
    const all = [...this.runs.values()].flatMap((f) => [...f.watchers.keys()]);
    this.runs.clear();
    this.stopIfIdle();
    for (const w of all) this.tell(() => w.end());
  }

  /** Reads every watched run in one statement and tells each watcher what changed. Skipped while a read is slow. */
  async tick(): Promise<void> {
    if (this.reading || this.runs.size === 0) return;
    this.reading = true;
    try {
      const ids = [...this.runs.keys()];
      let rows: RunProgressRow[];
      try {
        rows = await this.repository.runs(ids);
      } catch (error) {
        // Watchers keep their streams (and heartbeats); the next tick tries again.
        this.logger.warn(`could not read the progress of ${ids.length} run(s): ${(error as Error).message}`);
        return;
      }
      const now = this.clock.now().toJSDate();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const followed = this.runs.get(id);
        if (!followed) continue; // its last watcher left during the read
        const row = byId.get(id);
        if (!row) {
          this.runs.delete(id);
          for (const w of followed.watchers.keys()) this.tell(() => w.end());
          continue;
        }
        const { progress, samples } = toRunProgress(row, now, followed.samples);
        followed.samples = samples;
        const key = figuresKey(progress);
        if (progress.final) this.runs.delete(id);
        for (const [w, told] of [...followed.watchers]) {
          // The last figures go to every watcher: after them the hub forgets the run.
          if (told === key && !progress.final) continue;
          followed.watchers.set(w, key);
          this.tell(() => w.progress(progress));
        }
      }
    } finally {
      this.reading = false;
      this.stopIfIdle();
    }
  }

  /** One watcher's failure (a closed socket, say) must not keep the others from being told. */
  private tell(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.warn(`a progress watcher failed: ${(error as Error).message}`);
    }
  }

  private leave(runId: string, watcher: RunWatcher): void {
    const followed = this.runs.get(runId);
    if (!followed?.watchers.delete(watcher)) return;
    if (followed.watchers.size === 0) this.runs.delete(runId);
    this.stopIfIdle();
  }

  private stopIfIdle(): void {
    if (this.runs.size > 0 || this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }
}
