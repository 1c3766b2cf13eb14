import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ImportRowError } from './import.entity';

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

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

const COPY_BATCH_BYTES = 256 * 1024;

/**
 * One connection working on one import. Rows go with COPY into a session-local temporary table (no WAL, no
 * index, gone with the connection), then one transaction merges them into contacts, memberships and
 * values, deletes the upload's chunks and records the outcome. A crash anywhere before that commit leaves
 * nothing applied; the retry starts again from the chunks.
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
    this.copy ??= this.client.query(copyFrom('COPY import_staging (row_no, number, name, "values", timezone) FROM STDIN'));
    const line = `${row.rowNo}\t${row.number}\t${row.name === null ? '\\N' : copyText(row.name)}\t${copyText(JSON.stringify(row.values))}\t${row.timezone}\n`;
    this.buffered.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= COPY_BATCH_BYTES) await this.flush();
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

  /**
   * Merges the staged rows (the last row of each number wins) and completes the import, atomically. New
   * contacts go in with a plain INSERT after an anti-join: a number a concurrent request adds meanwhile
   * makes the unique index fail the transaction, and the job's retry then finds it as existing.
   */
  async merge(
    i: { workspaceId: string; audiencePk?: string; groupPk?: string },
    outcome: { invalid: number; errors: ImportRowError[]; rowsRead: number; bytesRead: number },
  ): Promise<MergeCounts> {
    const run = (sql: string, params: unknown[] = []) => this.client.query(sql, params);
    await run('BEGIN');
    try {
      // The dedupe sort and the hash joins below fit in memory instead of spilling to disk.
      await run(`SET LOCAL work_mem = '256MB'`);
      await run(
        `CREATE TEMP TABLE import_latest ON COMMIT DROP AS
           SELECT DISTINCT ON (number) number, name, "values", timezone FROM import_staging ORDER BY number, row_no DESC`,
      );
      await run('ANALYZE import_latest');
      const staged = (await run('SELECT (SELECT count(*) FROM import_staging) AS rows, (SELECT count(*) FROM import_latest) AS distinct')).rows[0] as {
        rows: string;
        distinct: string;
      };
      // Which numbers exist already, with their contact ids.
      await run(
        `CREATE TEMP TABLE import_existing ON COMMIT DROP AS
           SELECT l.number, c.id FROM import_latest l JOIN contacts c ON c.workspace_id = $1 AND c.number = l.number`,
        [i.workspaceId],
      );
      await run('ANALYZE import_existing');
      const forGroup = i.groupPk !== undefined;
      const updatedContacts = await run(
        forGroup
          ? `UPDATE contacts c SET name = l.name, updated_at = now()
               FROM import_latest l JOIN import_existing e USING (number)
              WHERE c.id = e.id AND l.name IS NOT NULL AND l.name IS DISTINCT FROM c.name`
          : `UPDATE contacts c SET name = COALESCE(l.name, c.name), attributes = c.attributes || l."values", updated_at = now()
               FROM import_latest l JOIN import_existing e USING (number)
              WHERE c.id = e.id`,
      );
      const insertedContacts = await run(
        `INSERT INTO contacts (workspace_id, number, name, attributes, timezone)
         SELECT $1, l.number, l.name, ${forGroup ? `'{}'::jsonb` : 'l."values"'}, l.timezone
           FROM import_latest l WHERE NOT EXISTS (SELECT 1 FROM import_existing e WHERE e.number = l.number)
          ORDER BY l.number`,
        [i.workspaceId],
      );
      let imported = insertedContacts.rowCount ?? 0;
      let updated = updatedContacts.rowCount ?? 0;
      const ids = `SELECT c.id FROM import_latest l JOIN contacts c ON c.workspace_id = $1 AND c.number = l.number`;
      if (forGroup) {
        const updatedValues = await run(
          `UPDATE variable_values v SET "values" = v."values" || l."values", updated_at = now()
             FROM import_latest l JOIN contacts c ON c.workspace_id = $1 AND c.number = l.number
            WHERE v.group_pk = $2 AND v.contact_id = c.id`,
          [i.workspaceId, i.groupPk],
        );
        const insertedValues = await run(
          `INSERT INTO variable_values (group_pk, contact_id, "values")
           SELECT $2, c.id, l."values" FROM import_latest l JOIN contacts c ON c.workspace_id = $1 AND c.number = l.number
            WHERE NOT EXISTS (SELECT 1 FROM variable_values v WHERE v.group_pk = $2 AND v.contact_id = c.id)
            ORDER BY c.id ON CONFLICT DO NOTHING`,
          [i.workspaceId, i.groupPk],
        );
        imported = insertedValues.rowCount ?? 0;
        updated = updatedValues.rowCount ?? 0;
      }
      if (i.audiencePk !== undefined) {
        await run(`INSERT INTO audience_members (audience_pk, contact_id) SELECT $2, id FROM (${ids}) x ORDER BY id ON CONFLICT DO NOTHING`, [
          i.workspaceId,
          i.audiencePk,
        ]);
      }
      const duplicates = Number(staged.rows) - Number(staged.distinct);
      await run('DELETE FROM import_chunks WHERE import_id = $1', [this.importId]);
      await run(
        `UPDATE imports SET status = 'completed', completed_at = now(), failure = NULL,
                rows_read = $2, bytes_read = $3, imported = $4, updated = $5, invalid = $6, duplicates = $7, errors = $8::jsonb
          WHERE id = $1`,
        [this.importId, outcome.rowsRead, outcome.bytesRead, imported, updated, outcome.invalid, duplicates, JSON.stringify(outcome.errors)],
      );
      await run('COMMIT');
      return { imported, updated, duplicates };
    } catch (error) {
      await run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
