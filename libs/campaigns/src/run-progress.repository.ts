import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RunProgressRow } from './run-progress.util';
import { dueNowSql, earliestWaitSql } from './recipient.repository';

/**
 * Name the statements in Postgres's logs and activity: the hub's read of every watched run once a tick, and the read
 * of one run when a watcher connects.
 */
export const RUN_PROGRESS_TICK_SQL = '/* herald:run-progress tick */';
export const RUN_PROGRESS_OPEN_SQL = '/* herald:run-progress open */';

/**
 * Runs with everything their live figures need, in one statement for any number of runs: the run, its counter
 * buckets (a few rows a run), and — for a running run only — whether a recipient is due now and, only when none is,
 * the earliest deferred one (its reason and time): that scan runs only for runs that are waiting.
 */
const SELECT_RUNS = `SELECT r.id, r.campaign_id, c.kind, r.status, r.recipients, r.started_at, r.completed_at, r.failure_reason,
       COALESCE((SELECT jsonb_object_agg(b.bucket, b.n)
                   FROM (SELECT bucket, sum(n) AS n FROM campaign_run_counts k WHERE k.run_id = r.id GROUP BY bucket HAVING sum(n) <> 0) b),
                '{}'::jsonb) AS buckets,
       d.due_now, w.reason AS waiting_reason, w.until AS waiting_until
  FROM campaign_runs r
  JOIN campaigns c ON c.id = r.campaign_id
  CROSS JOIN LATERAL (SELECT CASE WHEN r.status = 'running' THEN ${dueNowSql('r.id')} END AS due_now) d
  LEFT JOIN LATERAL (${earliestWaitSql('r.id', 'd.due_now = false')}) w ON true`;

/** Reads of runs for their live progress (campaign_runs, campaign_run_counts, campaign_recipients: this library's). */
@Injectable()
export class RunProgressRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The watched runs, all in one statement: what the progress hub reads once a tick. */
  async runs(runIds: readonly string[]): Promise<RunProgressRow[]> {
    if (runIds.length === 0) return [];
    return this.db.query(`${RUN_PROGRESS_TICK_SQL}\n${SELECT_RUNS}\n WHERE r.id = ANY($1::uuid[])`, [runIds]);
  }

  /** A run of the workspace by its id alone, a campaign's or a blast's (undefined when there is none). */
  async run(workspaceId: string, runId: string): Promise<RunProgressRow | undefined> {
    const rows: RunProgressRow[] = await this.db.query(
      `${RUN_PROGRESS_OPEN_SQL}\n${SELECT_RUNS}\n WHERE r.workspace_id = $1 AND r.id = $2`,
      [workspaceId, runId],
    );
    return rows[0];
  }

  /** A campaign's run in the workspace (undefined when there is none). */
  async campaignRun(workspaceId: string, campaignId: string, runId: string): Promise<RunProgressRow | undefined> {
    const rows: RunProgressRow[] = await this.db.query(
      `${RUN_PROGRESS_OPEN_SQL}\n${SELECT_RUNS}\n WHERE r.workspace_id = $1 AND r.campaign_id = $2 AND r.id = $3`,
      [workspaceId, campaignId, runId],
    );
    return rows[0];
  }

  /** A blast's run in the workspace (a blast is one run; undefined when there is no such blast). */
  async blastRun(workspaceId: string, blastId: string): Promise<RunProgressRow | undefined> {
    const rows: RunProgressRow[] = await this.db.query(
      `${RUN_PROGRESS_OPEN_SQL}\n${SELECT_RUNS}\n WHERE r.workspace_id = $1 AND r.campaign_id = $2 AND c.kind = 'blast' ORDER BY r.created_at DESC LIMIT 1`,
      [workspaceId, blastId],
    );
    return rows[0];
  }
}
