import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ImportRowError } from './import.entity';

/** One parsed, normalised row on its way to the database. */
export interface StagedRow {
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

/** Where a batch lands: the workspace, and the audience and/or variable group of the import. */
export interface MergeTarget {
  readonly workspaceId: string;
  readonly audiencePk?: string;
  readonly groupPk?: string;
}

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
}

/**
 * `FROM` clause: the batch's rows (`b`) in number order, each with its contact (`c`: id, updated_at) if the number
 * is in the workspace already; one probe of (workspace_id, number) per row.
 *
 * The plain join (`import_batch b JOIN contacts c ON …`) is planned as a hash join over every contact of the
 * workspace: the statistics of `contacts` do not count what this transaction has inserted, so the planner takes
 * the workspace for small. That costs time in proportion to the workspace (0.4-0.5 s per 50,000-row batch at
 * 1,000,000 contacts, and growing), the probes in proportion to the batch. The LATERAL subquery with LIMIT (the
 * pair is unique, so the LIMIT changes nothing) cannot be flattened into a join, so it is always probed; taking
 * the rows in number order keeps consecutive probes on neighbouring index pages.
 */
const BATCH_WITH_CONTACTS = `(SELECT * FROM import_batch ORDER BY number) b CROSS JOIN LATERAL (
         SELECT c.id, c.updated_at FROM contacts c WHERE c.workspace_id = $1 AND c.number = b.number LIMIT 1) c`;

/** Lines joined into one buffer at a time. */
const PACK_LINES = 1_000;
/** Rows merged per batch: big enough that per-statement costs vanish, small enough to overlap parsing well. */
export const MERGE_BATCH_ROWS = 50_000;

/**
 * One connection applying one import, in one transaction from the first batch to the completion record.
 *
 * Parsing (Node) and merging (Postgres) overlap: while the caller parses batch k+1, batch k is copied into
 * a session-local temporary table and merged into contacts, memberships and values with set-based SQL.
 * Within a batch the last row of a number wins (earlier rows of a number the batch repeats are deleted); across
 * batches a later row updates what an earlier batch wrote, so the last row wins for the whole file.
 *
 * Rows this transaction wrote are recognised by `updated_at = now()` (`now()` is the transaction's start
 * time): a number met again in a later batch is counted as a duplicate, not as an update of an existing
 * contact. Nothing is visible to others before COMMIT, and a crash anywhere leaves nothing applied; the
 * retry starts again from the stored upload.
 */
export class StagingSession {
  /** The batch's COPY data: lines are packed into buffers as they come, so they never pile up on the JS heap. */
  private payload: Buffer[] = [];
  private lines: string[] = [];
  /** Numbers of the current batch: a repeat within a batch is dropped in SQL (the later row wins). */
  private numbers = new Set<string>();
  private rowsInBatch = 0;
  private repeatsInBatch = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private begun = false;
  private readonly totals = { imported: 0, updated: 0, duplicates: 0 };

  constructor(
    private readonly importId: string,
    private readonly client: PoolClient,
    private readonly target: MergeTarget,
    private readonly batchRows: number,
    readonly close: () => Promise<void>,
    /** The same connection as TypeORM sees it, for work of other libraries that must commit with the completion. */
    private readonly manager?: EntityManager,
  ) {}

  /** Adds a row to the current batch; true when the batch is full and `flush()` should be awaited. */
  add(row: StagedRow): boolean {
    this.rowsInBatch += 1;
    this.lines.push(
      `${this.rowsInBatch}\t${row.number}\t${row.name === null ? '\\N' : copyText(row.name)}\t${copyText(JSON.stringify(row.values))}\t${row.timezone}\n`,
    );
    if (this.lines.length >= PACK_LINES) this.pack();
    if (this.numbers.has(row.number)) this.repeatsInBatch += 1;
    else this.numbers.add(row.number);
    return this.rowsInBatch >= this.batchRows;
  }

  /**
   * Hands the current batch to Postgres once the previous one is merged, and returns without waiting for
   * this one: the caller parses the next batch meanwhile. Throws the error of an earlier batch, if any.
   */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
    this.pack();
    if (this.payload.length === 0) return;
    const batch = { payload: this.payload, repeats: this.repeatsInBatch };
    this.payload = [];
    this.numbers = new Set();
    this.rowsInBatch = 0;
    this.repeatsInBatch = 0;
    this.totals.duplicates += batch.repeats;
    this.inFlight = this.apply(batch.payload, batch.repeats > 0).catch((error: unknown) => {
      this.failure = error;
    });
  }

  private pack(): void {
    if (this.lines.length === 0) return;
    this.payload.push(Buffer.from(this.lines.join(''), 'utf8'));
    this.lines = [];
  }

  /** Merges what is left, records the outcome and commits. */
  async complete(outcome: {
    invalid: number;
    errors: ImportRowError[];
    rowsRead: number;
    bytesRead: number;
  }, beforeCommit?: (manager: EntityManager, counts: MergeCounts) => Promise<unknown>): Promise<MergeCounts> {
    await this.flush();
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
    await this.begin();
    const { imported, updated, duplicates } = this.totals;
    await this.client.query('DELETE FROM import_chunks WHERE import_id = $1', [this.importId]);
    await this.client.query(
      `UPDATE imports SET status = 'completed', completed_at = clock_timestamp(), failure = NULL,
              rows_read = $2, bytes_read = $3, imported = $4, updated = $5, invalid = $6, duplicates = $7, errors = $8::jsonb
        WHERE id = $1`,
      [
        this.importId,
        outcome.rowsRead,
        outcome.bytesRead,
        imported,
        updated,
        outcome.invalid,
        duplicates,
        JSON.stringify(outcome.errors),
      ],
    );
    // What else must commit with the completion (its callback event), on this transaction's connection.
    if (beforeCommit && this.manager) await beforeCommit(this.manager, { imported, updated, duplicates });
    await this.client.query('COMMIT');
    this.begun = false;
    return { imported, updated, duplicates };
  }

  /** Rolls back whatever was merged (after a failure, or when the caller gives up). */
  async abort(): Promise<void> {
    await this.inFlight;
    if (this.begun) await this.client.query('ROLLBACK').catch(() => undefined);
    this.begun = false;
  }

  private async begin(): Promise<void> {
    if (this.begun) return;
    await this.client.query('BEGIN');
    this.begun = true;
    // The hash joins of a batch fit in memory instead of spilling to disk.
    await this.client.query(`SET LOCAL work_mem = '64MB'`);
  }

  private async apply(payload: Buffer[], repeats: boolean): Promise<void> {
    await this.begin();
    const run = (sql: string, params: unknown[] = []) => this.client.query(sql, params);
    const { workspaceId, audiencePk, groupPk } = this.target;
    await run('TRUNCATE import_batch');
    const copy = this.client.query(copyFrom('COPY import_batch (row_no, number, name, "values", timezone) FROM STDIN'));
    await pipeline(Readable.from(payload), copy);
    if (repeats) {
      // A number twice in this batch: the later row wins, as it would across batches.
      await run('DELETE FROM import_batch b USING import_batch later WHERE later.number = b.number AND later.row_no > b.row_no');
    }
    // Which numbers exist, and whether this transaction wrote them already (an earlier batch).
    await run('TRUNCATE import_existing');
    await run(
      `INSERT INTO import_existing (number, id, seen)
       SELECT b.number, c.id, c.updated_at = now() FROM ${BATCH_WITH_CONTACTS}`,
      [workspaceId],
    );
    await run('ANALYZE import_existing');
    const forGroup = groupPk !== undefined;
    await run(
      forGroup
        ? `UPDATE contacts c SET name = b.name, updated_at = now()
             FROM import_batch b JOIN import_existing e USING (number)
            WHERE c.id = e.id AND b.name IS NOT NULL AND b.name IS DISTINCT FROM c.name`
        : `UPDATE contacts c SET name = COALESCE(b.name, c.name), attributes = c.attributes || b."values", updated_at = now()
             FROM import_batch b JOIN import_existing e USING (number)
            WHERE c.id = e.id`,
    );
    // New contacts; for an audience import their memberships go in with them (fresh ids: no conflict possible).
    const newContacts = `INSERT INTO contacts (workspace_id, number, name, attributes, timezone)
       SELECT $1, b.number, b.name, ${forGroup ? `'{}'::jsonb` : 'b."values"'}, b.timezone
         FROM import_batch b WHERE NOT EXISTS (SELECT 1 FROM import_existing e WHERE e.number = b.number)
        ORDER BY b.number`;
    const withMembers = audiencePk !== undefined && !forGroup;
    const inserted = await run(
      withMembers
        ? `WITH inserted AS (${newContacts} RETURNING id) INSERT INTO audience_members (audience_pk, contact_id) SELECT $2, id FROM inserted`
        : newContacts,
      withMembers ? [workspaceId, audiencePk] : [workspaceId],
    );
    if (forGroup) {
      await run('TRUNCATE import_ids');
      await run(
        `INSERT INTO import_ids (id, "values")
         SELECT c.id, b."values" FROM ${BATCH_WITH_CONTACTS}`,
        [workspaceId],
      );
      await run('ANALYZE import_ids');
      const before = (
        await run(
          `SELECT count(*) FILTER (WHERE v.updated_at = now())::int AS seen, count(*) FILTER (WHERE v.updated_at <> now())::int AS old
             FROM import_ids i JOIN variable_values v ON v.group_pk = $1 AND v.contact_id = i.id`,
          [groupPk],
        )
      ).rows[0] as { seen: number; old: number };
      await run(
        `UPDATE variable_values v SET "values" = v."values" || i."values", updated_at = now()
           FROM import_ids i WHERE v.group_pk = $1 AND v.contact_id = i.id`,
        [groupPk],
      );
      const added = await run(
        `INSERT INTO variable_values (group_pk, contact_id, "values")
         SELECT $1, i.id, i."values" FROM import_ids i
          WHERE NOT EXISTS (SELECT 1 FROM variable_values v WHERE v.group_pk = $1 AND v.contact_id = i.id)
          ORDER BY i.id ON CONFLICT DO NOTHING`,
        [groupPk],
      );
      this.totals.imported += added.rowCount ?? 0;
      this.totals.updated += before.old;
      this.totals.duplicates += before.seen;
    } else {
      const existing = (
        await run(
          'SELECT count(*) FILTER (WHERE seen)::int AS seen, count(*) FILTER (WHERE NOT seen)::int AS old FROM import_existing',
        )
      ).rows[0] as { seen: number; old: number };
      this.totals.imported += inserted.rowCount ?? 0;
      this.totals.updated += existing.old;
      this.totals.duplicates += existing.seen;
    }
    if (audiencePk !== undefined) {
      await run(
        `INSERT INTO audience_members (audience_pk, contact_id) SELECT $1, id FROM ${forGroup ? 'import_ids' : 'import_existing'} ORDER BY id
         ON CONFLICT DO NOTHING`,
        [audiencePk],
      );
    }
  }
}
