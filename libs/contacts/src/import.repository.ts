import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { StagingSession, type MergeTarget } from './import-staging.session';
import { DataSource, type EntityManager } from 'typeorm';
import type { CsvHeader } from './csv-header.util';
import type { Import, ImportKind, ImportRowError, ImportStatus, ImportTarget } from './import.entity';
export type { MergeCounts, MergeTarget, StagedRow } from './import-staging.session';

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

  /** Marks the import running (again, for a retry); true when it was queued until now. */
  async markRunning(id: string, manager?: EntityManager): Promise<boolean> {
    const rows: Array<{ was: string }> = await (manager ?? this.dataSource).query(
      `WITH old AS (SELECT id, status FROM imports WHERE id = $1 AND status IN ('queued', 'running') FOR UPDATE),
            moved AS (
              UPDATE imports i SET status = 'running', started_at = COALESCE(i.started_at, now()), rows_read = 0, failure = NULL
                FROM old WHERE i.id = old.id RETURNING old.status AS was)
       SELECT was FROM moved`,
      [id],
    );
    return rows[0]?.was === 'queued';
  }

  async progress(id: string, rowsRead: number, bytesRead: number): Promise<void> {
    await this.dataSource.query(`UPDATE imports SET rows_read = $2, bytes_read = $3 WHERE id = $1 AND status = 'running'`, [id, rowsRead, bytesRead]);
  }

  /** Records an attempt's failure; true when it failed the import (`final`, and the import was still unfinished). */
  async recordFailure(id: string, failure: string, final: boolean, manager?: EntityManager): Promise<boolean> {
    const rows: Array<{ id: string }> = await (manager ?? this.dataSource).query(
      `WITH changed AS (
         UPDATE imports SET failure = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END,
                completed_at = CASE WHEN $3 THEN now() ELSE completed_at END
          WHERE id = $1 AND status IN ('queued', 'running') RETURNING id)
       SELECT id FROM changed`,
      [id, failure, final],
    );
    if (final) await (manager ?? this.dataSource).query('DELETE FROM import_chunks WHERE import_id = $1', [id]);
    return final && rows.length > 0;
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

  /** Starts a session for applying one import: an exclusive advisory lock and the session's batch tables. */
  async openStaging(importId: string, target: MergeTarget, batchRows: number): Promise<StagingSession | undefined> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [importId]);
    if (!locked.rows[0]!.ok) {
      await runner.release();
      return undefined;
    }
    // Session-local tables for one batch at a time: no WAL, no index, gone with the connection.
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS import_batch
         (row_no int NOT NULL, number varchar(16) NOT NULL, name varchar(200), "values" jsonb NOT NULL, timezone varchar(64) NOT NULL)`,
    );
    await client.query('CREATE TEMP TABLE IF NOT EXISTS import_existing (number varchar(16) NOT NULL, id bigint NOT NULL, seen boolean NOT NULL)');
    await client.query('CREATE TEMP TABLE IF NOT EXISTS import_ids (id bigint NOT NULL, "values" jsonb NOT NULL)');
    return new StagingSession(importId, client, target, batchRows, async () => {
      await client.query('DROP TABLE IF EXISTS import_batch, import_existing, import_ids').catch(() => undefined);
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [importId]).catch(() => undefined);
      await runner.release();
    }, runner.manager);
  }
}
