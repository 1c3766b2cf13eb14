import { Injectable } from '@nestjs/common';
import { CallbackOutbox, type CallbackEventInput } from '@herald/callbacks';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CampaignButton, CampaignVariable } from './campaign-message.util';
import type { CampaignCategory, CampaignKind, TemplateSource } from './campaign.entity';
import type { TemplateParams } from './recipient-params.util';
import { foldCounts } from './run-figures.util';
import { unfinishedSql } from './recipient.repository';
import type { RunStatus } from './campaign-run.entity';
import { runExpiredSql } from './run-validity.util';
import type { SendWindow } from '@herald/sending';

export interface CampaignRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  title: string;
  message: string;
  body: string;
  variables: CampaignVariable[];
  img_url: string | null;
  buttons: CampaignButton[];
  template_type: CampaignCategory;
  kind: CampaignKind;
  template_source: TemplateSource;
  template_params: TemplateParams | null;
  language_code: string;
  send_window: SendWindow | null;
  track_links: boolean | null;
  link_utm: Record<string, string> | null;
  template_name: string;
  template_id: string | null;
  template_status: string;
  template_reason: string | null;
  /** Messenger and Instagram: the tag its sends carry. */
  messaging_tag: string | null;
  input_group_pk: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  request_id: string | null;
}

export interface RunRow {
  id: string;
  workspace_id: string;
  campaign_id: string;
  audiences: string[];
  status: RunStatus;
  time_to_run: Date;
  started_at: Date | null;
  completed_at: Date | null;
  recipients: number | null;
  chunk_count: number | null;
  failure_reason: string | null;
  validity_seconds: number | null;
  ignore_quiet_hours: boolean;
  tags: string[];
  search_spec: Record<string, unknown> | null;
  track_links: boolean | null;
  link_utm: Record<string, string> | null;
  created_at: Date;
  updated_at: Date;
}

export type NewCampaign = Omit<
  CampaignRow,
  | 'id'
  | 'template_id'
  | 'template_reason'
  | 'created_at'
  | 'updated_at'
  | 'deleted_at'
  | 'template_name'
  | 'kind'
  | 'template_source'
  | 'template_params'
  | 'track_links'
  | 'link_utm'
  | 'messaging_tag'
  | 'request_id'
> & {
  request_id?: string | null;
  messaging_tag?: string | null;
  track_links?: boolean | null;
  link_utm?: Record<string, string> | null;
  id: string;
  template_name: string;
  kind?: CampaignKind;
  template_source?: TemplateSource;
  template_params?: TemplateParams | null;
  /** The provider's id of a template the business already had. */
  template_id?: string | null;
};

/** A run to write: audiences or a searchSpec choose its recipients. */
export interface NewRun {
  workspaceId: string;
  campaignId: string;
  audiences: string[];
  searchSpec?: Record<string, unknown> | null;
  timeToRun: Date;
  validitySeconds: number | null;
  ignoreQuietHours: boolean;
  tags?: readonly string[];
  trackLinks?: boolean | null;
  utm?: Record<string, string> | null;
  requestId?: string | null;
}

/** How a run paused because its template was paused or disabled says why (its waiting reason is read from it). */
export const TEMPLATE_PAUSED = 'template_paused';
const TEMPLATE_STOPPED = ['PAUSED', 'DISABLED'];

const ACTIVE = `('scheduled', 'waiting_for_template', 'running', 'paused')`;

/** Campaigns, runs and run counters in SQL. */
@Injectable()
export class CampaignRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: CallbackOutbox,
  ) {}

  /**
   * `run.status` events of runs that just changed status, written to the callback outbox in `manager`'s
   * transaction when their workspace listens: the run's status, why, and its counts. One query to ask who listens;
   * two more only when someone does.
   */
  private async runEvents(manager: EntityManager, moved: ReadonlyArray<{ id: string; workspace_id: string }>): Promise<void> {
    if (moved.length === 0) return;
    const listening = await this.outbox.subscribed(new Set(moved.map((m) => m.workspace_id)), 'run.status', manager);
    const ids = moved.filter((m) => listening.has(m.workspace_id)).map((m) => m.id);
    if (ids.length === 0) return;
    const runs: Array<RunRow & { kind: CampaignKind }> = await manager.query(
      'SELECT x.*, c.kind FROM campaign_runs x JOIN campaigns c ON c.id = x.campaign_id WHERE x.id = ANY($1::uuid[])',
      [ids],
    );
    const counts = await this.counts(ids, manager);
    const events: CallbackEventInput[] = runs.map((r) => ({
      workspaceId: r.workspace_id,
      type: 'run.status',
      occurredAt: r.updated_at,
      data: {
        runId: r.id,
        campaignId: r.kind === 'blast' ? null : r.campaign_id,
        blastId: r.kind === 'blast' ? r.campaign_id : null,
        status: r.status,
        reason: r.failure_reason,
        tags: r.tags,
        timeToRun: r.time_to_run,
        startedAt: r.started_at,
        completedAt: r.completed_at,
        recipients: r.recipients,
        counts: foldCounts(counts.get(r.id) ?? {}).counts,
      },
    }));
    // Handed to the delivery workers when the caller's transaction commits (the outbox hooks the commit).
    await this.outbox.record(manager, events);
  }

  /** `work` in the caller's transaction, or in one of its own. */
  private inTransaction<T>(manager: EntityManager | DataSource, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return manager instanceof DataSource ? manager.transaction(work) : work(manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Writes a campaign. Undefined when its `request_id` is already the workspace's (another create with that key got
   * there first: this one waited for it to commit, then wrote nothing).
   */
  async insertCampaign(manager: EntityManager, c: NewCampaign): Promise<CampaignRow | undefined> {
    const rows: CampaignRow[] = await manager.query(
      `INSERT INTO campaigns (id, workspace_id, channel_id, title, message, body, variables, img_url, buttons, template_type, language_code, send_window,
                              template_name, template_status, input_group_pk, kind, template_source, template_params, template_id, track_links, link_utm, messaging_tag,
                              request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10, $11, $12::jsonb, $13, $14, $15, $16, $17, $18::jsonb, $19, $20, $21::jsonb, $22, $23)
       ON CONFLICT (workspace_id, request_id) WHERE request_id IS NOT NULL DO NOTHING RETURNING *`,
      [
        c.id,
        c.workspace_id,
        c.channel_id,
        c.title,
        c.message,
        c.body,
        JSON.stringify(c.variables),
        c.img_url,
        JSON.stringify(c.buttons),
        c.template_type,
        c.language_code,
        c.send_window === null ? null : JSON.stringify(c.send_window),
        c.template_name,
        c.template_status,
        c.input_group_pk,
        c.kind ?? 'campaign',
        c.template_source ?? 'registered',
        c.template_params ? JSON.stringify(c.template_params) : null,
        c.template_id ?? null,
        c.track_links ?? null,
        c.link_utm ? JSON.stringify(c.link_utm) : null,
        c.messaging_tag ?? null,
        c.request_id ?? null,
      ],
    );
    return rows[0];
  }

  async findCampaign(workspaceId: string, id: string): Promise<CampaignRow | undefined> {
    const rows: CampaignRow[] = await this.db.query(
      'SELECT * FROM campaigns WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL',
      [workspaceId, id],
    );
    return rows[0];
  }

  /**
   * The workspace's campaign or blast made with this requestId (deleted or not), and the run its create made, if it
   * made one: written in the same transaction, so with the same `created_at` (the transaction's `now()`). A run started
   * later by `POST …/runs` is not the create's.
   */
  async byRequestId(workspaceId: string, requestId: string): Promise<{ campaign: CampaignRow; run: RunRow | null } | undefined> {
    const rows: CampaignRow[] = await this.db.query('SELECT * FROM campaigns WHERE workspace_id = $1 AND request_id = $2', [workspaceId, requestId]);
    const campaign = rows[0];
    if (!campaign) return undefined;
    // Compared in SQL: a JS Date keeps milliseconds, the columns microseconds.
    const runs: RunRow[] = await this.db.query(
      'SELECT r.* FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id WHERE r.campaign_id = $1 AND r.created_at = c.created_at ORDER BY r.id LIMIT 1',
      [campaign.id],
    );
    return { campaign, run: runs[0] ?? null };
  }

  async campaignById(id: string): Promise<CampaignRow | undefined> {
    const rows: CampaignRow[] = await this.db.query('SELECT * FROM campaigns WHERE id = $1', [id]);
    return rows[0];
  }

  /** Newest first, of one kind; `active`: only campaigns with (true) or without (false) a scheduled, running or paused run. */
  async listCampaigns(
    workspaceId: string,
    active: boolean | undefined,
    limit: number,
    after?: { createdAt: string; id: string },
    kind: CampaignKind = 'campaign',
  ): Promise<CampaignRow[]> {
    const params: unknown[] = [workspaceId, kind];
    const where = ['c.workspace_id = $1', 'c.deleted_at IS NULL', 'c.kind = $2'];
    if (active !== undefined) {
      where.push(
        `${active ? '' : 'NOT '}EXISTS (SELECT 1 FROM campaign_runs r WHERE r.campaign_id = c.id AND r.status IN ${ACTIVE})`,
      );
    }
    if (after) {
      params.push(after.createdAt, after.id);
      where.push(`(c.created_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    return this.db.query(
      `SELECT c.* FROM campaigns c WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Holds the campaign against a delete until the transaction ends (FOR SHARE: a delete's FOR UPDATE waits); false
   * when it is deleted. A run written without it could land on a campaign a delete had just checked for active runs.
   */
  async holdLive(manager: EntityManager, campaignId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM campaigns WHERE id = $1 AND deleted_at IS NULL FOR SHARE', [campaignId]);
    return rows.length > 0;
  }

  /** Soft-deletes the campaign unless a run is active; 'active' when one is. */
  async deleteCampaign(workspaceId: string, id: string): Promise<'deleted' | 'active' | 'not_found'> {
    return this.transaction(async (manager) => {
      const rows: Array<{ id: string }> = await manager.query(
        'SELECT id FROM campaigns WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE',
        [workspaceId, id],
      );
      if (rows.length === 0) return 'not_found';
      const active: unknown[] = await manager.query(
        `SELECT 1 FROM campaign_runs WHERE campaign_id = $1 AND status IN ${ACTIVE} LIMIT 1`,
        [id],
      );
      if (active.length > 0) return 'active';
      await manager.query('UPDATE campaigns SET deleted_at = now(), updated_at = now() WHERE id = $1', [id]);
      return 'deleted';
    });
  }

  async setTemplate(campaignId: string, state: { id?: string | null; status: string; reason?: string | null }): Promise<void> {
    await this.db.query(
      `UPDATE campaigns SET template_id = COALESCE($2, template_id), template_status = $3, template_reason = $4, updated_at = now() WHERE id = $1`,
      [campaignId, state.id ?? null, state.status, state.reason ?? null],
    );
  }

  /** Campaigns whose template is still under review (or was never submitted), last looked at over `seconds` ago. */
  async pendingTemplates(seconds: number, limit = 100): Promise<CampaignRow[]> {
    return this.db.query(
      `SELECT * FROM campaigns WHERE template_status = 'PENDING' AND deleted_at IS NULL AND updated_at < now() - make_interval(secs => $1)
        ORDER BY updated_at LIMIT $2`,
      [seconds, limit],
    );
  }

  async touchCampaign(id: string): Promise<void> {
    await this.db.query('UPDATE campaigns SET updated_at = now() WHERE id = $1', [id]);
  }

  /**
   * Inserts a run; when the campaign has a run of the same `requestId` already (also one a concurrent request is
   * committing: the insert waits for it), answers that one instead, `created: false`. Without a requestId, always a
   * new run.
   */
  async insertRun(manager: EntityManager, run: NewRun): Promise<{ run: RunRow; created: boolean }> {
    const rows: RunRow[] = await manager.query(
      `INSERT INTO campaign_runs (workspace_id, campaign_id, audiences, status, time_to_run, validity_seconds, ignore_quiet_hours, tags, search_spec,
                                  track_links, link_utm, request_id)
       VALUES ($1, $2, $3::jsonb, 'scheduled', $4, $5, $6, $7::text[], $8::jsonb, $9, $10::jsonb, $11)
       ON CONFLICT (campaign_id, request_id) WHERE request_id IS NOT NULL DO NOTHING RETURNING *`,
      [
        run.workspaceId,
        run.campaignId,
        JSON.stringify(run.audiences),
        run.timeToRun,
        run.validitySeconds,
        run.ignoreQuietHours,
        run.tags ?? [],
        run.searchSpec ? JSON.stringify(run.searchSpec) : null,
        run.trackLinks ?? null,
        run.utm ? JSON.stringify(run.utm) : null,
        run.requestId ?? null,
      ],
    );
    if (rows.length === 0) {
      // The insert waited for the run of this requestId and then did nothing: this statement's snapshot sees it.
      const made: RunRow[] = await manager.query('SELECT * FROM campaign_runs WHERE campaign_id = $1 AND request_id = $2', [run.campaignId, run.requestId]);
      return { run: made[0]!, created: false };
    }
    await this.runEvents(manager, rows);
    return { run: rows[0]!, created: true };
  }

  async findRun(workspaceId: string, campaignId: string, runId: string): Promise<RunRow | undefined> {
    const rows: RunRow[] = await this.db.query(
      'SELECT * FROM campaign_runs WHERE workspace_id = $1 AND campaign_id = $2 AND id = $3',
      [workspaceId, campaignId, runId],
    );
    return rows[0];
  }

  async runById(id: string, manager: EntityManager | DataSource = this.db, lock = false): Promise<RunRow | undefined> {
    const rows: RunRow[] = await manager.query(`SELECT * FROM campaign_runs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0];
  }

  async runsOf(campaignIds: readonly string[]): Promise<RunRow[]> {
    if (campaignIds.length === 0) return [];
    return this.db.query('SELECT * FROM campaign_runs WHERE campaign_id = ANY($1::uuid[]) ORDER BY created_at DESC', [
      campaignIds,
    ]);
  }

  /**
   * Moves runs from one of `from` to `to` (with the columns given). Returns whether any moved: a run not in
   * `from` (another request or worker moved it first) is left alone.
   */
  async transition(
    runIds: string | readonly string[],
    from: readonly RunStatus[],
    to: RunStatus,
    extra: {
      startedAt?: boolean;
      completedAt?: boolean;
      failureReason?: string;
      recipients?: number;
      chunkCount?: number;
    } = {},
    manager: EntityManager | DataSource = this.db,
  ): Promise<boolean> {
    return this.inTransaction(manager, async (m) => {
      const rows: Array<{ id: string; workspace_id: string }> = await m.query(
      `WITH moved AS (
         UPDATE campaign_runs SET status = $3, updated_at = now(),
                started_at = CASE WHEN $4 THEN COALESCE(started_at, now()) ELSE started_at END,
                completed_at = CASE WHEN $5 THEN now() ELSE completed_at END,
                failure_reason = COALESCE($6, failure_reason),
                recipients = COALESCE($7, recipients),
                chunk_count = COALESCE($8, chunk_count)
          WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[]) RETURNING id, workspace_id)
       SELECT id, workspace_id FROM moved`,
      [
        typeof runIds === 'string' ? [runIds] : runIds,
        from,
        to,
        extra.startedAt ?? false,
        extra.completedAt ?? false,
        extra.failureReason ?? null,
        extra.recipients ?? null,
        extra.chunkCount ?? null,
      ],
      );
      await this.runEvents(m, rows);
      return rows.length > 0;
    });
  }

  /**
   * A paused run going again, its reason forgotten: a run that had started goes back to `running` (its chunks are
   * queued again), one paused before its start to `scheduled` (its start job fans it out). Which one is decided by
   * the UPDATE itself: deciding from a `started_at` read before it let a resume race a start and a pause put a run
   * that had already fanned out back to `scheduled`, and its start job fan it out — send it — a second time.
   * Returns where it went, or undefined when it was not paused (or, with `reasonPrefix`, not paused for that).
   */
  async resumeRun(runId: string, reasonPrefix?: string): Promise<'scheduled' | 'running' | undefined> {
    return this.db.transaction(async (manager) => {
      const rows: Array<{ id: string; workspace_id: string; status: 'scheduled' | 'running' }> = await manager.query(
        `WITH resumed AS (
           UPDATE campaign_runs SET status = CASE WHEN started_at IS NULL THEN 'scheduled' ELSE 'running' END,
                  failure_reason = NULL, updated_at = now()
            WHERE id = $1 AND status = 'paused' ${reasonPrefix === undefined ? '' : 'AND failure_reason LIKE $2'}
            RETURNING id, workspace_id, status)
         SELECT id, workspace_id, status FROM resumed`,
        reasonPrefix === undefined ? [runId] : [runId, `${reasonPrefix}%`],
      );
      await this.runEvents(manager, rows);
      return rows[0]?.status;
    });
  }

  /** Runs in these states (for the reconciler). */
  async runsIn(statuses: readonly RunStatus[], limit = 1_000): Promise<RunRow[]> {
    return this.db.query('SELECT * FROM campaign_runs WHERE status = ANY($1::text[]) ORDER BY time_to_run LIMIT $2', [
      statuses,
      limit,
    ]);
  }

  /**
   * Running runs with nothing queued or in flight: done. Returns their ids. With `pastValidity` (the default validity
   * seconds), paused runs whose validity ran out too: nothing of theirs can be sent any more (what was left expired),
   * so they are over; left paused, they stayed "active" for ever (listed so, not deletable) until someone resumed them.
   *
   * Two statements: the candidates are locked first, and only a later statement — whose snapshot is taken after
   * the locks are held — decides that nothing is left. One UPDATE deciding both read its recipients in a snapshot
   * taken before it waited for a retry-failed holding the run: once that committed, the UPDATE completed the run
   * over the recipients the retry had just put back, and they stayed `queued` in a completed run for ever.
   */
  async completeFinished(runIds?: readonly string[], pastValidity?: { default: number; authentication: number }): Promise<string[]> {
    return this.db.transaction(async (manager) => {
      const params: unknown[] = [];
      const param = (value: unknown) => `$${params.push(value)}`;
      const only = runIds ? `AND r.id = ANY(${param(runIds)}::uuid[])` : '';
      const over = pastValidity
        ? `OR (r.status = 'paused' AND ${runExpiredSql('r', 'c', param(pastValidity.default), param(pastValidity.authentication))})`
        : '';
      const unfinished = `EXISTS (SELECT 1 FROM campaign_recipients x WHERE x.run_id = r.id AND ${unfinishedSql('x')})`;
      const which = `(r.status = 'running' ${over}) ${only} AND NOT ${unfinished}`;
      const candidates: Array<{ id: string }> = await manager.query(
        `SELECT r.id FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id WHERE ${which} ORDER BY r.id FOR UPDATE OF r`,
        params,
      );
      if (candidates.length === 0) return [];
      const rows: Array<{ id: string; workspace_id: string }> = await manager.query(
        `WITH done AS (
           UPDATE campaign_runs r SET status = 'completed', completed_at = now(), updated_at = now()
             FROM campaigns c WHERE c.id = r.campaign_id AND r.id = ANY(${param(candidates.map((x) => x.id))}::uuid[]) AND ${which}
           RETURNING r.id, r.workspace_id)
         SELECT id, workspace_id FROM done`,
        params,
      );
      await this.runEvents(manager, rows);
      return rows.map((r) => r.id);
    });
  }

  /** Per-run counters by bucket (the sum of the bucket's shards). */
  async counts(runIds: readonly string[], manager: EntityManager | DataSource = this.db): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    if (runIds.length === 0) return out;
    const rows: Array<{ run_id: string; bucket: string; n: string }> = await manager.query(
      'SELECT run_id, bucket, sum(n) AS n FROM campaign_run_counts WHERE run_id = ANY($1::uuid[]) GROUP BY 1, 2 HAVING sum(n) <> 0',
      [runIds],
    );
    for (const r of rows) {
      const counts = out.get(r.run_id) ?? {};
      counts[r.bucket] = Number(r.n);
      out.set(r.run_id, counts);
    }
    return out;
  }

  /** Audience ids → primary keys (ids that do not exist are absent from the map). */
  async audiencePks(
    workspaceId: string,
    ids: readonly string[],
    manager: EntityManager | DataSource = this.db,
  ): Promise<Map<string, string>> {
    const rows: Array<{ id: string; pk: string }> = await manager.query(
      'SELECT id, pk FROM audiences WHERE workspace_id = $1 AND id = ANY($2::text[])',
      [workspaceId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.pk]));
  }

  /** Variable groups by id: their primary key and fields (ids that do not exist are absent from the map). */
  async variableGroups(
    workspaceId: string,
    ids: readonly string[],
    manager: EntityManager | DataSource = this.db,
  ): Promise<Map<string, { pk: string; fields: string[] }>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; pk: string; fields: string[] }> = await manager.query(
      'SELECT id, pk, fields FROM variable_groups WHERE workspace_id = $1 AND id = ANY($2::text[])',
      [workspaceId, [...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, { pk: r.pk, fields: r.fields }]));
  }

  /**
   * Template status changes (message_template_status_update) for the campaigns that use the template. A template
   * PAUSED or DISABLED by Meta pauses the campaigns' running and scheduled runs (reason `template_paused`), in the same
   * transaction; they resume when it is APPROVED again (`templatePausedRuns`, after the commit).
   */
  async applyTemplateStatuses(
    manager: EntityManager,
    updates: ReadonlyArray<{ workspaceId: string; templateId: string; status: string; reason: string | null }>,
  ): Promise<string[]> {
    if (updates.length === 0) return [];
    const rows = (await manager.query(
      `WITH u AS (
         UPDATE campaigns c SET template_status = u.status, template_reason = u.reason, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(workspace_id, template_id, status, reason)
          WHERE c.template_id = u.template_id AND c.workspace_id = u.workspace_id
         RETURNING c.id, u.status),
       paused AS (
         UPDATE campaign_runs r SET status = 'paused', failure_reason = $6 || ': the template is ' || u.status, updated_at = now()
           FROM u WHERE r.campaign_id = u.id AND u.status = ANY($5::text[]) AND r.status IN ('running', 'scheduled', 'waiting_for_template')
         RETURNING r.id, r.workspace_id)
       SELECT DISTINCT id, NULL::uuid AS run_id, NULL::uuid AS workspace_id FROM u
       UNION ALL SELECT NULL, id, workspace_id FROM paused`,
      [
        updates.map((u) => u.workspaceId),
        updates.map((u) => u.templateId),
        updates.map((u) => u.status),
        updates.map((u) => u.reason),
        TEMPLATE_STOPPED,
        TEMPLATE_PAUSED,
      ],
    )) as Array<{ id: string | null; run_id: string | null; workspace_id: string | null }>;
    await this.runEvents(manager, rows.flatMap((r) => (r.run_id === null ? [] : [{ id: r.run_id, workspace_id: r.workspace_id! }])));
    return rows.flatMap((r) => (r.id === null ? [] : [r.id]));
  }

  /** Runs of a campaign paused because its template was paused or disabled. */
  async templatePausedRuns(campaignId: string): Promise<RunRow[]> {
    return this.db.query(`SELECT * FROM campaign_runs WHERE campaign_id = $1 AND status = 'paused' AND failure_reason LIKE $2`, [
      campaignId,
      `${TEMPLATE_PAUSED}%`,
    ]);
  }

  /** Variable group ids by primary key. */
  async variableGroupIds(pks: readonly string[]): Promise<Map<string, string>> {
    if (pks.length === 0) return new Map();
    const rows: Array<{ pk: string; id: string }> = await this.db.query(
      'SELECT pk, id FROM variable_groups WHERE pk = ANY($1::bigint[])',
      [pks],
    );
    return new Map(rows.map((g) => [g.pk, g.id]));
  }


}
