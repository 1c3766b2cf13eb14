import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import type { CsvHeader } from './csv-header.util';
import type { Import, ImportKind, ImportRowError, ImportStatus, ImportTarget } from './import.entity';

/** One parsed, normalised row on its way to the staging table. */
export interface StagedRow {
  readonly rowNo: number;
  readonly number: string;
  readonly name: string | null;
  readonly values: Record<string, string>;
  readonly timezone: string;
}

export interface MergeCounts {
  readonly imported: number;
  readonly updated: number;
  readonly duplicates: number;
}

interface ImportRecord {
  id: string;
  workspace_id: string;
  kind: ImportKind;
  target: ImportTarget;
  status: ImportStatus;
  delimiter: string;
  columns: string[];
  number_column: number;
  name_column: number | null;
  size_bytes: string;
  rows_read: number;
  imported: number;
  updated: number;
  invalid: number;
  duplicates: number;
  errors: ImportRowError[];
  failure: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export type ImportData = Pick<Import, 'id' | 'workspaceId' | 'kind' | 'target' | 'status' | 'delimiter' | 'columns' | 'numberColumn' | 'nameColumn'> &
  Pick<Import, 'rowsRead' | 'imported' | 'updated' | 'invalid' | 'duplicates' | 'errors' | 'failure' | 'createdAt' | 'startedAt' | 'completedAt'> & {
    sizeBytes: number;
  };

function toData(r: ImportRecord): ImportData {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind,
    target: r.target,
    status: r.status,
    delimiter: r.delimiter,
    columns: r.columns,
    numberColumn: r.number_column,
    nameColumn: r.name_column,
    sizeBytes: Number(r.size_bytes),
    rowsRead: r.rows_read,
    imported: r.imported,
    updated: r.updated,
    invalid: r.invalid,
    duplicates: r.duplicates,
    errors: r.errors,
    failure: r.failure,
    createdAt: r.created_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
  };
}

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

/** Imports in SQL: the staged upload, the COPY into staging and the set-based merge. */
@Injectable()
export class ImportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    manager: EntityManager,
    i: { workspaceId: string; kind: ImportKind; target: ImportTarget; header: CsvHeader },
  ): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO imports (workspace_id, kind, target, status, delimiter, columns, number_column, name_column)
       VALUES ($1, $2, $3::jsonb, 'receiving', $4, $5::jsonb, $6, $7) RETURNING id`,
      [i.workspaceId, i.kind, JSON.stringify(i.target), i.header.delimiter, JSON.stringify(i.header.columns), i.header.numberColumn, i.header.nameColumn],
    );
    return rows[0]!.id;
  }

  async insertChunk(manager: EntityManager, importId: string, seq: number, data: Buffer): Promise<void> {
    await manager.query('INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)', [importId, seq, data]);
  }

  async markQueued(manager: EntityManager, importId: string, sizeBytes: number, target: ImportTarget): Promise<void> {
    await manager.query(`UPDATE imports SET status = 'queued', size_bytes = $2, target = $3::jsonb WHERE id = $1`, [
      importId,
      sizeBytes,
      JSON.stringify(target),
    ]);
  }

  async find(workspaceId: string, id: string): Promise<ImportData | undefined> {
    const rows: ImportRecord[] = await this.dataSource.query('SELECT * FROM imports WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    return rows[0] && toData(rows[0]);
  }

  async findById(id: string): Promise<ImportData | undefined> {
    const rows: ImportRecord[] = await this.dataSource.query('SELECT * FROM imports WHERE id = $1', [id]);
    return rows[0] && toData(rows[0]);
  }

  async markRunning(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE imports SET status = 'running', started_at = COALESCE(started_at, now()), rows_read = 0, failure = NULL
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id],
    );
  }

  async progress(id: string, rowsRead: number, bytesRead: number): Promise<void> {
    await this.dataSource.query(`UPDATE imports SET rows_read = $2, bytes_read = $3 WHERE id = $1 AND status = 'running'`, [id, rowsRead, bytesRead]);
  }

  async recordFailure(id: string, failure: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE imports SET failure = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END,
              completed_at = CASE WHEN $3 THEN now() ELSE completed_at END
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, failure, final],
    );
    if (final) {
      await this.dataSource.query('DELETE FROM import_rows WHERE import_id = $1', [id]);
      await this.dataSource.query('DELETE FROM import_chunks WHERE import_id = $1', [id]);
    }
  }

  /** The uploaded bytes, in order, a chunk at a time. */
  async *chunks(importId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq += 1) {
      const rows: Array<{ data: Buffer }> = await this.dataSource.query('SELECT data FROM import_chunks WHERE import_id = $1 AND seq = $2', [
        importId,
        seq,
      ]);
      if (rows.length === 0) return;
      yield rows[0]!.data;
    }
  }

  /** Imports whose job may have been lost (Redis flushed, enqueue failed): queued or running for a while. */
  async unfinishedSince(seconds: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM imports WHERE status IN ('queued', 'running') AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT 1000`,
      [seconds],
    );
    return rows.map((r) => r.id);
  }

  /** Starts a session for one import's staging: an exclusive advisory lock, then COPY of rows. */
  async openStaging(importId: string): Promise<StagingSession | undefined> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [importId]);
    if (!locked.rows[0]!.ok) {
      await runner.release();
      return undefined;
    }
    await client.query('DELETE FROM import_rows WHERE import_id = $1', [importId]);
    return new StagingSession(importId, client, async () => {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [importId]).catch(() => undefined);
      await runner.release();
    });
  }
}

/**
 * Holds one connection for an import: rows go in with COPY, then one transaction merges them into
 * contacts, memberships and values, clears the staging and the chunks, and records the outcome. A crash
 * anywhere before that commit leaves nothing half-applied; the retry starts again from the chunks.
 */
export class StagingSession {
  private copy?: ReturnType<typeof copyFrom>;
  private buffered: string[] = [];
  private bufferedBytes = 0;

  constructor(
    private readonly importId: string,
    private readonly client: PoolClient,
    readonly close: () => Promise<void>,
  ) {}

  async write(row: StagedRow): Promise<void> {
    if (!this.copy) {
      this.copy = this.client.query(copyFrom('COPY import_rows (import_id, row_no, number, name, "values", timezone) FROM STDIN'));
    }
    const line = `${this.importId}\t${row.rowNo}\t${row.number}\t${row.name === null ? '\\N' : copyText(row.name)}\t${copyText(JSON.stringify(row.values))}\t${row.timezone}\n`;
    this.buffered.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= 256 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.copy || this.buffered.length === 0) return;
    const ok = this.copy.write(this.buffered.join(''));
    this.buffered = [];
    this.bufferedBytes = 0;
    if (!ok) await once(this.copy, 'drain');
  }

  async endCopy(): Promise<void> {
    if (!this.copy) return;
    await this.flush();
    const done = new Promise<void>((resolve, reject) => {
      this.copy!.once('finish', resolve);
      this.copy!.once('error', reject);
    });
    this.copy.end();
    await done;
  }

  /** Merges the staged rows (the last row of each number wins) and completes the import, atomically. */
  async merge(
    i: { workspaceId: string; audiencePk?: string; groupPk?: string },
    outcome: { invalid: number; errors: ImportRowError[]; rowsRead: number; bytesRead: number },
  ): Promise<MergeCounts> {
    const q = <T>(sql: string, params: unknown[] = []) => this.client.query(sql, params).then((r) => r.rows as T[]);
    await q('BEGIN');
    try {
      await q(
        `CREATE TEMP TABLE import_latest ON COMMIT DROP AS
           SELECT DISTINCT ON (number) number, name, "values", timezone FROM import_rows WHERE import_id = $1 ORDER BY number, row_no DESC`,
        [this.importId],
      );
      const [staged] = await q<{ rows: string; distinct: string }>(
        'SELECT (SELECT count(*) FROM import_rows WHERE import_id = $1) AS rows, (SELECT count(*) FROM import_latest) AS distinct',
        [this.importId],
      );
      let imported = 0;
      let updated = 0;
      if (i.groupPk === undefined) {
        const [counts] = await q<{ imported: string; updated: string }>(
          `WITH up AS (
             INSERT INTO contacts (workspace_id, number, name, attributes, timezone)
             SELECT $1, number, name, "values", timezone FROM import_latest ORDER BY number
             ON CONFLICT (workspace_id, number) DO UPDATE SET
               name = COALESCE(EXCLUDED.name, contacts.name),
               attributes = contacts.attributes || EXCLUDED.attributes,
               updated_at = now()
             RETURNING (xmax = 0) AS created)
           SELECT count(*) FILTER (WHERE created) AS imported, count(*) FILTER (WHERE NOT created) AS updated FROM up`,
          [i.workspaceId],
        );
        imported = Number(counts!.imported);
        updated = Number(counts!.updated);
      } else {
        await q(
          `INSERT INTO contacts (workspace_id, number, name, timezone)
           SELECT $1, number, name, timezone FROM import_latest ORDER BY number
           ON CONFLICT (workspace_id, number) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
             WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM contacts.name`,
          [i.workspaceId],
        );
        const [counts] = await q<{ imported: string; updated: string }>(
          `WITH up AS (
             INSERT INTO variable_values (group_pk, contact_id, "values")
             SELECT $2, c.id, l."values" FROM import_latest l JOIN contacts c ON c.workspace_id = $1 AND c.number = l.number
             ORDER BY c.id
             ON CONFLICT (group_pk, contact_id) DO UPDATE SET "values" = variable_values."values" || EXCLUDED."values", updated_at = now()
             RETURNING (xmax = 0) AS created)
           SELECT count(*) FILTER (WHERE created) AS imported, count(*) FILTER (WHERE NOT created) AS updated FROM up`,
          [i.workspaceId, i.groupPk],
        );
        imported = Number(counts!.imported);
        updated = Number(counts!.updated);
      }
      if (i.audiencePk !== undefined) {
        await q(
          `INSERT INTO audience_members (audience_pk, contact_id)
           SELECT $2, c.id FROM import_latest l JOIN contacts c ON c.workspace_id = $1 AND c.number = l.number
           ORDER BY c.id ON CONFLICT DO NOTHING`,
          [i.workspaceId, i.audiencePk],
        );
      }
      const duplicates = Number(staged!.rows) - Number(staged!.distinct);
      await q('DELETE FROM import_rows WHERE import_id = $1', [this.importId]);
      await q('DELETE FROM import_chunks WHERE import_id = $1', [this.importId]);
      await q(
        `UPDATE imports SET status = 'completed', completed_at = now(), failure = NULL,
                rows_read = $2, bytes_read = $3, imported = $4, updated = $5, invalid = $6, duplicates = $7, errors = $8::jsonb
          WHERE id = $1`,
        [this.importId, outcome.rowsRead, outcome.bytesRead, imported, updated, outcome.invalid, duplicates, JSON.stringify(outcome.errors)],
      );
      await q('COMMIT');
      return { imported, updated, duplicates };
    } catch (error) {
      await q('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
