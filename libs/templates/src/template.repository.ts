import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** A template as the provider reported it, ready to store. */
export interface TemplateUpsert {
  readonly providerTemplateId: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: string;
  readonly providerStatus: string;
  readonly qualityScore: string | null;
  readonly reason: string | null;
  readonly parameterFormat: 'positional' | 'named';
  readonly components: readonly unknown[];
}

export interface TemplateRow {
  id: string;
  workspace_id: string;
  waba_id: string;
  provider_template_id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  provider_status: string;
  quality_score: string | null;
  reason: string | null;
  parameter_format: string;
  components: unknown[];
  synced_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateFilter {
  readonly wabaIds?: readonly string[];
  readonly status?: string;
  readonly category?: string;
  readonly name?: string;
  readonly language?: string;
}

/** A change a provider event reports for one template, by the provider's id. */
export type TemplateChange =
  | { readonly kind: 'status'; readonly workspaceId: string; readonly providerTemplateId: string; readonly status: string; readonly providerStatus: string; readonly reason: string | null }
  | { readonly kind: 'quality'; readonly workspaceId: string; readonly providerTemplateId: string; readonly qualityScore: string }
  | { readonly kind: 'category'; readonly workspaceId: string; readonly providerTemplateId: string; readonly category: string };

const COLUMNS = `id, workspace_id, waba_id, provider_template_id, name, language, category, status, provider_status, quality_score,
                 reason, parameter_format, components, synced_at, created_at, updated_at`;

/** The templates library's tables: `templates` and `template_syncs`. Set-based; one statement per batch. */
@Injectable()
export class TemplateRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores an account's whole template list as read from the provider: each one inserted or updated, and the
   * account's templates it no longer lists removed (deleted at the provider). One transaction.
   */
  async replaceAll(workspaceId: string, wabaId: string, templates: readonly TemplateUpsert[], now: Date): Promise<{ stored: number; removed: number }> {
    return this.db.transaction(async (m) => {
      const rows = JSON.stringify(
        templates.map((t) => ({
          provider_template_id: t.providerTemplateId,
          name: t.name,
          language: t.language,
          category: t.category,
          status: t.status,
          provider_status: t.providerStatus,
          quality_score: t.qualityScore,
          reason: t.reason,
          parameter_format: t.parameterFormat,
          components: t.components,
        })),
      );
      const stored = (await m.query(
        `WITH v AS (
           SELECT DISTINCT ON (name, language) * FROM json_to_recordset($3::json) AS v(provider_template_id text, name text, language text, category text,
                  status text, provider_status text, quality_score text, reason text, parameter_format text, components jsonb)
            ORDER BY name, language),
         up AS (
           INSERT INTO templates (workspace_id, waba_id, provider_template_id, name, language, category, status, provider_status,
                                  quality_score, reason, parameter_format, components, synced_at)
           SELECT $1, $2, provider_template_id, name, language, category, status, provider_status, quality_score, reason,
                  parameter_format, COALESCE(components, '[]'::jsonb), $4 FROM v
           ON CONFLICT (workspace_id, waba_id, name, language) DO UPDATE SET
             provider_template_id = EXCLUDED.provider_template_id, category = EXCLUDED.category, status = EXCLUDED.status,
             provider_status = EXCLUDED.provider_status, quality_score = COALESCE(EXCLUDED.quality_score, templates.quality_score),
             reason = EXCLUDED.reason, parameter_format = EXCLUDED.parameter_format, components = EXCLUDED.components,
             synced_at = EXCLUDED.synced_at, updated_at = now()
           RETURNING 1)
         SELECT count(*)::int AS n FROM up`,
        [workspaceId, wabaId, rows, now],
      )) as Array<{ n: number }>;
      const removed = (await m.query(
        `WITH d AS (DELETE FROM templates WHERE workspace_id = $1 AND waba_id = $2 AND synced_at < $3 RETURNING 1) SELECT count(*)::int AS n FROM d`,
        [workspaceId, wabaId, now],
      )) as Array<{ n: number }>;
      await this.recordSync(m, workspaceId, wabaId, { syncedAt: now, error: null, templates: stored[0]!.n });
      return { stored: stored[0]!.n, removed: removed[0]!.n };
    });
  }

  /** Records a sync that failed: the templates Herald has are kept as they were. */
  async syncFailed(workspaceId: string, wabaId: string, error: string, now: Date): Promise<void> {
    await this.recordSync(this.db.manager, workspaceId, wabaId, { syncedAt: null, error, templates: null, attemptedAt: now });
  }

  private async recordSync(
    m: EntityManager,
    workspaceId: string,
    wabaId: string,
    s: { syncedAt: Date | null; error: string | null; templates: number | null; attemptedAt?: Date },
  ): Promise<void> {
    await m.query(
      `INSERT INTO template_syncs (workspace_id, waba_id, synced_at, attempted_at, error, templates)
       VALUES ($1, $2, $3, COALESCE($4, $3, now()), $5, COALESCE($6, 0))
       ON CONFLICT (workspace_id, waba_id) DO UPDATE SET
         synced_at = COALESCE(EXCLUDED.synced_at, template_syncs.synced_at), attempted_at = EXCLUDED.attempted_at,
         error = EXCLUDED.error, templates = COALESCE($6, template_syncs.templates)`,
      [workspaceId, wabaId, s.syncedAt, s.attemptedAt ?? null, s.error, s.templates],
    );
  }

  /** Accounts whose last sync attempt is older than `seconds` (or never made), among those given. */
  async dueForSync(pairs: ReadonlyArray<{ workspaceId: string; wabaId: string }>, seconds: number, now: Date): Promise<Array<{ workspaceId: string; wabaId: string }>> {
    if (pairs.length === 0) return [];
    const rows = (await this.db.query(
      `SELECT p.workspace_id, p.waba_id FROM json_to_recordset($1::json) AS p(workspace_id uuid, waba_id text)
         LEFT JOIN template_syncs s ON s.workspace_id = p.workspace_id AND s.waba_id = p.waba_id
        WHERE s.attempted_at IS NULL OR s.attempted_at < $2::timestamptz - make_interval(secs => $3)`,
      [JSON.stringify(pairs.map((p) => ({ workspace_id: p.workspaceId, waba_id: p.wabaId }))), now, seconds],
    )) as Array<{ workspace_id: string; waba_id: string }>;
    return rows.map((r) => ({ workspaceId: r.workspace_id, wabaId: r.waba_id }));
  }

  /** One page, ordered by name then language; `after` is the last row's (name, language). */
  async list(workspaceId: string, filter: TemplateFilter, limit: number, after?: { name: string; language: string }): Promise<TemplateRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM templates
        WHERE workspace_id = $1
          AND ($2::text[] IS NULL OR waba_id = ANY($2::text[]))
          AND ($3::text IS NULL OR status = $3)
          AND ($4::text IS NULL OR category = $4)
          AND ($5::text IS NULL OR name = $5)
          AND ($6::text IS NULL OR language = $6)
          AND ($7::text IS NULL OR (name, language) > ($7, $8))
        ORDER BY name, language, waba_id
        LIMIT $9`,
      [
        workspaceId,
        filter.wabaIds ?? null,
        filter.status ?? null,
        filter.category ?? null,
        filter.name ?? null,
        filter.language ?? null,
        after?.name ?? null,
        after?.language ?? '',
        limit,
      ],
    );
  }

  async find(workspaceId: string, wabaIds: readonly string[], name: string, language?: string): Promise<TemplateRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM templates WHERE workspace_id = $1 AND waba_id = ANY($2::text[]) AND name = $3 AND ($4::text IS NULL OR language = $4)
        ORDER BY language, waba_id`,
      [workspaceId, wabaIds, name, language ?? null],
    );
  }

  /** Every translation (language) of the account's template that has this id: its siblings by name. */
  async translationsOfId(workspaceId: string, wabaId: string, id: string): Promise<TemplateRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM templates
        WHERE workspace_id = $1 AND waba_id = $2
          AND name = (SELECT name FROM templates WHERE id = $3 AND workspace_id = $1 AND waba_id = $2)
        ORDER BY language`,
      [workspaceId, wabaId, id],
    );
  }

  /** Removes the named template (every language, or one) of an account; how many rows went. */
  async remove(workspaceId: string, wabaId: string, name: string, language?: string): Promise<number> {
    const rows = (await this.db.query(
      `WITH d AS (DELETE FROM templates WHERE workspace_id = $1 AND waba_id = $2 AND name = $3 AND ($4::text IS NULL OR language = $4) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [workspaceId, wabaId, name, language ?? null],
    )) as Array<{ n: number }>;
    return rows[0]!.n;
  }

  /** Stores one template the provider just created or reported (without waiting for the next whole sync). */
  async upsertOne(workspaceId: string, wabaId: string, t: TemplateUpsert, now: Date): Promise<TemplateRow> {
    const rows = (await this.db.query(
      `INSERT INTO templates (workspace_id, waba_id, provider_template_id, name, language, category, status, provider_status,
                              quality_score, reason, parameter_format, components, synced_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)
       ON CONFLICT (workspace_id, waba_id, name, language) DO UPDATE SET
         provider_template_id = EXCLUDED.provider_template_id, category = EXCLUDED.category, status = EXCLUDED.status,
         provider_status = EXCLUDED.provider_status, quality_score = COALESCE(EXCLUDED.quality_score, templates.quality_score),
         reason = EXCLUDED.reason, parameter_format = EXCLUDED.parameter_format, components = EXCLUDED.components, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        workspaceId,
        wabaId,
        t.providerTemplateId,
        t.name,
        t.language,
        t.category,
        t.status,
        t.providerStatus,
        t.qualityScore,
        t.reason,
        t.parameterFormat,
        JSON.stringify(t.components),
        now,
      ],
    )) as TemplateRow[];
    return rows[0]!;
  }

  /**
   * Applies what provider events reported (status, quality, category), in the fan-in's transaction: one statement
   * for the batch. Returns the changes that named a template Herald does not have (a sync brings them).
   */
  async applyChanges(manager: EntityManager, changes: readonly TemplateChange[]): Promise<TemplateChange[]> {
    if (changes.length === 0) return [];
    const rows = (await manager.query(
      `WITH c AS (
         SELECT * FROM json_to_recordset($1::json) AS c(i int, kind text, workspace_id uuid, provider_template_id text, status text,
                provider_status text, reason text, quality_score text, category text)),
       last AS (
         SELECT DISTINCT ON (workspace_id, provider_template_id, kind) * FROM c ORDER BY workspace_id, provider_template_id, kind, i DESC),
       per AS (
         SELECT workspace_id, provider_template_id,
                max(status) FILTER (WHERE kind = 'status') AS status, max(provider_status) FILTER (WHERE kind = 'status') AS provider_status,
                max(reason) FILTER (WHERE kind = 'status') AS reason, bool_or(kind = 'status') AS has_status,
                max(quality_score) FILTER (WHERE kind = 'quality') AS quality_score,
                max(category) FILTER (WHERE kind = 'category') AS category
           FROM last GROUP BY workspace_id, provider_template_id),
       updated AS (
         UPDATE templates t SET
                status = CASE WHEN per.has_status THEN per.status ELSE t.status END,
                provider_status = CASE WHEN per.has_status THEN per.provider_status ELSE t.provider_status END,
                reason = CASE WHEN per.has_status THEN per.reason ELSE t.reason END,
                quality_score = COALESCE(per.quality_score, t.quality_score),
                category = COALESCE(per.category, t.category),
                updated_at = now()
           FROM per WHERE t.workspace_id = per.workspace_id AND t.provider_template_id = per.provider_template_id
         RETURNING t.workspace_id, t.provider_template_id)
       SELECT DISTINCT c.i FROM c WHERE NOT EXISTS (
         SELECT 1 FROM updated u WHERE u.workspace_id = c.workspace_id AND u.provider_template_id = c.provider_template_id)`,
      [
        JSON.stringify(
          changes.map((c, i) => ({
            i,
            kind: c.kind,
            workspace_id: c.workspaceId,
            provider_template_id: c.providerTemplateId,
            status: c.kind === 'status' ? c.status : null,
            provider_status: c.kind === 'status' ? c.providerStatus : null,
            reason: c.kind === 'status' ? c.reason : null,
            quality_score: c.kind === 'quality' ? c.qualityScore : null,
            category: c.kind === 'category' ? c.category : null,
          })),
        ),
      ],
    )) as Array<{ i: number }>;
    return rows.map((r) => changes[r.i]!);
  }
}
