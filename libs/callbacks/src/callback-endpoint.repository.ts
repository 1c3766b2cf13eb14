import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@herald/database';

/** An endpoint row as read (snake_case columns). */
export interface EndpointRow {
  id: string;
  workspace_id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  /** CALLBACK_FORMATS. */
  format: string;
  /** Most events per POST (1: each alone, the envelope as the body). */
  batch_size: number;
  secret_sealed: Buffer;
  previous_secret_sealed: Buffer | null;
  previous_secret_expires_at: Date | null;
  secret_created_at: Date;
  failing_since: Date | null;
  blocked_until: Date | null;
  failed_batches: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface SecretRow {
  workspace_id: string;
  secret_sealed: Buffer;
  previous_secret_sealed: Buffer | null;
  previous_secret_expires_at: Date | null;
  secret_created_at: Date;
}

const COLUMNS = `id, workspace_id, url, events, description, enabled, format, batch_size, secret_sealed, previous_secret_sealed, previous_secret_expires_at,
  secret_created_at, failing_since, blocked_until, failed_batches, disabled_reason, disabled_at, created_at, updated_at`;

/** Endpoints and workspaces' callback secrets (`callback_endpoints`, `callback_secrets`): the only SQL that touches them. */
@Injectable()
export class CallbackEndpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: {
    workspaceId: string;
    url: string;
    events: readonly string[];
    description: string | null;
    format: string;
    batchSize: number;
    secretSealed: Buffer;
    now: Date;
  }): Promise<EndpointRow> {
    const rows: EndpointRow[] = await this.dataSource.query(
      `INSERT INTO callback_endpoints (workspace_id, url, events, description, format, batch_size, secret_sealed, secret_created_at, created_at, updated_at)
       VALUES ($1, $2, $3::text[], $4, $7, $8, $5, $6, $6, $6) RETURNING ${COLUMNS}`,
      [row.workspaceId, row.url, row.events, row.description, row.secretSealed, row.now, row.format, row.batchSize],
    );
    return rows[0]!;
  }

  async list(workspaceId: string): Promise<EndpointRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM callback_endpoints WHERE workspace_id = $1 ORDER BY created_at DESC, id LIMIT 500`,
      [workspaceId],
    );
  }

  async find(workspaceId: string, id: string): Promise<EndpointRow | undefined> {
    const rows: EndpointRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM callback_endpoints WHERE id = $1 AND workspace_id = $2`,
      [id, workspaceId],
    );
    return rows[0];
  }

  /** For a delivery job: the endpoint whatever its workspace. */
  async byId(id: string): Promise<EndpointRow | undefined> {
    const rows: EndpointRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM callback_endpoints WHERE id = $1`, [id]);
    return rows[0];
  }

  /**
   * Changes what is given. Enabling clears the disabled state and the circuit (a fresh start); disabling through the
   * API records why.
   */
  async update(
    workspaceId: string,
    id: string,
    change: {
      url?: string;
      events?: readonly string[];
      description?: string | null;
      enabled?: boolean;
      format?: string;
      batchSize?: number;
    },
    now: Date,
  ): Promise<EndpointRow | undefined> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE callback_endpoints SET
         url = COALESCE($3, url),
         events = COALESCE($4::text[], events),
         description = CASE WHEN $5::boolean THEN $6 ELSE description END,
         enabled = COALESCE($7::boolean, enabled),
         disabled_reason = CASE WHEN $7::boolean IS TRUE THEN NULL WHEN $7::boolean IS FALSE AND enabled THEN 'disabled through the API' ELSE disabled_reason END,
         disabled_at = CASE WHEN $7::boolean IS TRUE THEN NULL WHEN $7::boolean IS FALSE AND enabled THEN $8 ELSE disabled_at END,
         failing_since = CASE WHEN $7::boolean IS TRUE THEN NULL ELSE failing_since END,
         blocked_until = CASE WHEN $7::boolean IS TRUE THEN NULL ELSE blocked_until END,
         failed_batches = CASE WHEN $7::boolean IS TRUE THEN 0 ELSE failed_batches END,
         format = COALESCE($9, format),
         batch_size = COALESCE($10::integer, batch_size),
         updated_at = $8
       WHERE id = $1 AND workspace_id = $2
       RETURNING ${COLUMNS}`,
      [
        id,
        workspaceId,
        change.url ?? null,
        change.events ?? null,
        change.description !== undefined,
        change.description ?? null,
        change.enabled ?? null,
        now,
        change.format ?? null,
        change.batchSize ?? null,
      ],
    );
    return rowsOf<EndpointRow>(rows)[0];
  }

  async delete(workspaceId: string, id: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown = await manager.query('DELETE FROM callback_endpoints WHERE id = $1 AND workspace_id = $2 RETURNING id', [
      id,
      workspaceId,
    ]);
    return rowsOf(rows).length > 0;
  }

  /** The previous secret signs until `expiresAt`; the new one from now on. */
  async rotate(workspaceId: string, id: string, sealed: Buffer, now: Date, expiresAt: Date): Promise<EndpointRow | undefined> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE callback_endpoints SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = $4,
              secret_sealed = $3, secret_created_at = $5, updated_at = $5
        WHERE id = $1 AND workspace_id = $2 RETURNING ${COLUMNS}`,
      [id, workspaceId, sealed, expiresAt, now],
    );
    return rowsOf<EndpointRow>(rows)[0];
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Enabled endpoints of these workspaces (their subscriptions), read in the producer's transaction. */
  async enabledOf(
    workspaceIds: readonly string[],
    manager?: EntityManager,
  ): Promise<Array<{ id: string; workspace_id: string; events: string[] }>> {
    return (manager ?? this.dataSource).query(
      'SELECT id, workspace_id, events FROM callback_endpoints WHERE workspace_id = ANY($1::uuid[]) AND enabled',
      [workspaceIds],
    );
  }

  async subscribed(workspaceIds: readonly string[], type: string, manager?: EntityManager): Promise<string[]> {
    const rows: Array<{ workspace_id: string }> = await (manager ?? this.dataSource).query(
      'SELECT DISTINCT workspace_id FROM callback_endpoints WHERE workspace_id = ANY($1::uuid[]) AND enabled AND $2 = ANY(events)',
      [workspaceIds, type],
    );
    return rows.map((r) => r.workspace_id);
  }

  /** A failing endpoint's probe: true when this caller may try it (nobody else holds the probe until `until`). */
  async takeProbe(id: string, now: Date, until: Date): Promise<boolean> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE callback_endpoints SET blocked_until = $3 WHERE id = $1 AND enabled AND (blocked_until IS NULL OR blocked_until <= $2) RETURNING id`,
      [id, now, until],
    );
    return rowsOf(rows).length > 0;
  }

  /** A batch had a success: the circuit closes (only written when it was open or counting). */
  async succeeded(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE callback_endpoints SET failing_since = NULL, blocked_until = NULL, failed_batches = 0
        WHERE id = $1 AND (failing_since IS NOT NULL OR failed_batches > 0 OR blocked_until IS NOT NULL)`,
      [id],
    );
  }

  /**
   * A batch failed whole: the circuit opens until `blockedUntil`, failing since now unless already. Disables the
   * endpoint when it has been failing since before `disableIfFailingBefore`; returns its state after.
   */
  async failed(
    id: string,
    now: Date,
    blockedUntil: Date,
    disableIfFailingBefore: Date,
    reason: string,
    manager?: EntityManager,
  ): Promise<{ disabled: boolean; workspaceId: string; failingSince: Date } | undefined> {
    const result: unknown = await (manager ?? this.dataSource).query(
      `UPDATE callback_endpoints e SET
         failing_since = COALESCE(e.failing_since, $2),
         failed_batches = e.failed_batches + 1,
         blocked_until = $3,
         enabled = e.enabled AND NOT (COALESCE(e.failing_since, $2) <= $4),
         disabled_reason = CASE WHEN e.enabled AND COALESCE(e.failing_since, $2) <= $4 THEN $5 ELSE e.disabled_reason END,
         disabled_at = CASE WHEN e.enabled AND COALESCE(e.failing_since, $2) <= $4 THEN $2 ELSE e.disabled_at END,
         updated_at = CASE WHEN e.enabled AND COALESCE(e.failing_since, $2) <= $4 THEN $2 ELSE e.updated_at END
       FROM (SELECT id, enabled AS was_enabled FROM callback_endpoints WHERE id = $1 FOR UPDATE) old
       WHERE e.id = old.id
       RETURNING e.workspace_id, e.failing_since, e.enabled, old.was_enabled`,
      [id, now, blockedUntil, disableIfFailingBefore, reason],
    );
    const row = rowsOf<{ workspace_id: string; failing_since: Date; enabled: boolean; was_enabled: boolean }>(result)[0];
    return row && { disabled: row.was_enabled && !row.enabled, workspaceId: row.workspace_id, failingSince: row.failing_since };
  }

  /** Endpoints with a due delivery whose circuit lets them be tried (the sweeper's cheap query: one index probe each). */
  async dueEndpoints(now: Date): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT e.id FROM callback_endpoints e
        WHERE e.enabled AND (e.blocked_until IS NULL OR e.blocked_until <= $1)
          AND EXISTS (SELECT 1 FROM callback_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= $1)`,
      [now],
    );
    return rows.map((r) => r.id);
  }

  // --- the workspace's callback secret -------------------------------------------------------------------------

  async secret(workspaceId: string): Promise<SecretRow | undefined> {
    const rows: SecretRow[] = await this.dataSource.query(
      'SELECT workspace_id, secret_sealed, previous_secret_sealed, previous_secret_expires_at, secret_created_at FROM callback_secrets WHERE workspace_id = $1',
      [workspaceId],
    );
    return rows[0];
  }

  /** Creates the secret, or rotates it (the current one signs too until `expiresAt`). */
  async putSecret(workspaceId: string, sealed: Buffer, now: Date, expiresAt: Date): Promise<SecretRow> {
    const rows: SecretRow[] = await this.dataSource.query(
      `INSERT INTO callback_secrets AS s (workspace_id, secret_sealed, secret_created_at, created_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (workspace_id) DO UPDATE SET previous_secret_sealed = s.secret_sealed, previous_secret_expires_at = $4,
              secret_sealed = EXCLUDED.secret_sealed, secret_created_at = EXCLUDED.secret_created_at
       RETURNING workspace_id, secret_sealed, previous_secret_sealed, previous_secret_expires_at, secret_created_at`,
      [workspaceId, sealed, now, expiresAt],
    );
    return rows[0]!;
  }

  /** Secrets for workspaces that have none (one statement; an existing secret is kept). */
  async ensureSecrets(
    rows: ReadonlyArray<{ workspaceId: string; sealed: Buffer }>,
    now: Date,
    manager?: EntityManager,
  ): Promise<void> {
    if (rows.length === 0) return;
    await (manager ?? this.dataSource).query(
      `INSERT INTO callback_secrets (workspace_id, secret_sealed, secret_created_at, created_at)
       SELECT w, s, $3, $3 FROM unnest($1::uuid[], $2::bytea[]) AS t(w, s)
       ON CONFLICT (workspace_id) DO NOTHING`,
      [rows.map((r) => r.workspaceId), rows.map((r) => r.sealed), now],
    );
  }

  /** Workspaces with a due delivery to a per-send callback URL (one index probe per workspace that has a secret). */
  async dueDirectWorkspaces(now: Date): Promise<string[]> {
    const rows: Array<{ workspace_id: string }> = await this.dataSource.query(
      `SELECT s.workspace_id FROM callback_secrets s
        WHERE EXISTS (SELECT 1 FROM callback_deliveries d
                       WHERE d.workspace_id = s.workspace_id AND d.endpoint_id IS NULL AND d.status = 'pending' AND d.next_attempt_at <= $1)`,
      [now],
    );
    return rows.map((r) => r.workspace_id);
  }
}
