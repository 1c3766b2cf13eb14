import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { OptOutScope, OptOutSource } from './contact.entity';
import type { ContactRecord } from './contact-entries.util';
import type { Attributes, ContactView } from './contact.types';

export interface ContactRow {
  id: string;
  number: string | null;
  name: string | null;
  attributes: Attributes;
  timezone: string;
  opted_out: boolean;
  opted_out_at: Date | null;
  opt_out_source: OptOutSource | null;
  opt_out_scope: OptOutScope | null;
  not_on_whatsapp_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, number, name, attributes, timezone, opted_out, opted_out_at, opt_out_source, opt_out_scope, not_on_whatsapp_at, created_at, updated_at';

export function toView(row: ContactRow): ContactView {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    attributes: row.attributes,
    timezone: row.timezone,
    optedOut: row.opted_out,
    optedOutAt: row.opted_out_at,
    optOutSource: row.opt_out_source,
    optOutScope: row.opt_out_scope,
    notOnWhatsAppAt: row.not_on_whatsapp_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface UpsertContact {
  readonly number: string;
  readonly name: string | null | undefined;
  readonly attributes: Attributes;
  readonly timezone: string;
  /** Whether the caller gave the timezone (then it replaces the stored one) or it was derived. */
  readonly timezoneGiven: boolean;
}

/**
 * Contacts in SQL; every statement is scoped by workspace. UPDATE/DELETE … RETURNING statements are wrapped
 * in a CTE so TypeORM hands back plain rows (it answers a bare UPDATE with `[rows, count]`).
 */
@Injectable()
export class ContactRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts or updates by number: given fields win, attributes merge. */
  async upsert(workspaceId: string, c: UpsertContact): Promise<{ row: ContactRow; created: boolean }> {
    const rows: Array<ContactRow & { created: boolean }> = await this.dataSource.query(
      `INSERT INTO contacts (workspace_id, number, name, attributes, timezone)
       VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (workspace_id, number) DO UPDATE SET
         name = CASE WHEN $6 THEN EXCLUDED.name ELSE contacts.name END,
         attributes = contacts.attributes || EXCLUDED.attributes,
         timezone = CASE WHEN $7 THEN EXCLUDED.timezone ELSE contacts.timezone END,
         updated_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [workspaceId, c.number, c.name ?? null, JSON.stringify(c.attributes), c.timezone, c.name !== undefined, c.timezoneGiven],
    );
    const row = rows[0]!;
    return { row, created: row.created };
  }

  /**
   * Upserts many contacts in one statement (numbers must be distinct): given names win, attributes merge.
   * Returns each contact's id, number and whether it was created.
   */
  async upsertMany(
    workspaceId: string,
    records: readonly ContactRecord[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Array<{ id: string; number: string; created: boolean }>> {
    if (records.length === 0) return [];
    // One lock order for every writer, so concurrent bulk upserts cannot deadlock each other.
    const sorted = [...records].sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
    return manager.query(
      `INSERT INTO contacts (workspace_id, number, name, attributes, timezone)
       SELECT $1, t.number, t.name, t.attributes, t.timezone
         FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[]) AS t(number, name, attributes, timezone)
       ON CONFLICT (workspace_id, number) DO UPDATE SET
         name = COALESCE(EXCLUDED.name, contacts.name),
         attributes = contacts.attributes || EXCLUDED.attributes,
         updated_at = now()
       RETURNING id, number, (xmax = 0) AS created`,
      [
        workspaceId,
        sorted.map((r) => r.number),
        sorted.map((r) => r.name),
        sorted.map((r) => JSON.stringify(r.values)),
        sorted.map((r) => r.timezone),
      ],
    );
  }

  async findByNumber(workspaceId: string, number: string): Promise<ContactRow | undefined> {
    const rows: ContactRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contacts WHERE workspace_id = $1 AND number = $2`,
      [workspaceId, number],
    );
    return rows[0];
  }

  /**
   * One page in id order after `afterId`, filtered by an optional parameterised condition on alias `c`
   * (parameters from $3 on). Keyset pagination: rows inserted meanwhile never shift a page.
   */
  async page(
    workspaceId: string,
    afterId: string,
    limit: number,
    where?: { sql: string; params: unknown[] },
  ): Promise<ContactRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `c.${c}`)
        .join(', ')} FROM contacts c
        WHERE c.workspace_id = $1 AND c.id > $2 ${where ? `AND (${where.sql})` : ''}
        ORDER BY c.id LIMIT ${Math.trunc(limit)}`,
      [workspaceId, afterId, ...(where?.params ?? [])],
    );
  }

  async patch(
    workspaceId: string,
    number: string,
    patch: { name?: string | null; set: Attributes; remove: string[]; timezone?: string },
  ): Promise<ContactRow | undefined> {
    const rows: ContactRow[] = await this.dataSource.query(
      `WITH updated AS (UPDATE contacts SET
         name = CASE WHEN $3 THEN $4 ELSE name END,
         attributes = (attributes - $5::text[]) || $6::jsonb,
         timezone = COALESCE($7, timezone),
         updated_at = now()
       WHERE workspace_id = $1 AND number = $2
       RETURNING ${COLUMNS}) SELECT * FROM updated`,
      [
        workspaceId,
        number,
        patch.name !== undefined,
        patch.name ?? null,
        patch.remove,
        JSON.stringify(patch.set),
        patch.timezone ?? null,
      ],
    );
    return rows[0];
  }

  /** Deletes the contact with its memberships and variable values (those tables carry no FKs). */
  async delete(workspaceId: string, number: string): Promise<boolean> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH c AS (DELETE FROM contacts WHERE workspace_id = $1 AND number = $2 RETURNING id),
            m AS (DELETE FROM audience_members WHERE contact_id IN (SELECT id FROM c)),
            v AS (DELETE FROM variable_values WHERE contact_id IN (SELECT id FROM c))
       SELECT count(*)::int AS n FROM c`,
      [workspaceId, number],
    );
    return rows[0]!.n > 0;
  }

  /**
   * Opting out records when and how (kept if already opted out); opting in clears both. `widened`: the contact is now
   * opted out of more than before (in from nothing, or from marketing to everything).
   */
  async setOptedOut(
    workspaceId: string,
    number: string,
    optedOut: boolean,
    source: OptOutSource,
    at: Date,
    scope: OptOutScope = 'marketing',
    manager?: EntityManager,
  ): Promise<(ContactRow & { widened: boolean }) | undefined> {
    const rows: Array<ContactRow & { widened: boolean }> = await (manager ?? this.dataSource).query(
      `WITH old AS (SELECT id, opted_out, opt_out_scope FROM contacts WHERE workspace_id = $1 AND number = $2 FOR UPDATE),
       updated AS (UPDATE contacts c SET
         opted_out_at = CASE WHEN NOT $3 THEN NULL WHEN c.opted_out THEN c.opted_out_at ELSE $5 END,
         opt_out_source = CASE WHEN NOT $3 THEN NULL WHEN c.opted_out THEN c.opt_out_source ELSE $4 END,
         -- A wider scope replaces a narrower one; asking again for marketing keeps an opt-out from everything.
         opt_out_scope = CASE WHEN NOT $3 THEN NULL WHEN c.opted_out AND c.opt_out_scope = 'all' THEN 'all' ELSE $6 END,
         opted_out = $3,
         updated_at = now()
       FROM old WHERE c.id = old.id
       RETURNING ${COLUMNS.split(', ').map((col) => `c.${col}`).join(', ')},
                 $3 AND (NOT old.opted_out OR (old.opt_out_scope IS DISTINCT FROM 'all' AND $6 = 'all')) AS widened)
       SELECT * FROM updated`,
      [workspaceId, number, optedOut, source, at, scope],
    );
    return rows[0];
  }


  async findById(workspaceId: string, id: string): Promise<ContactRow | undefined> {
    const rows: ContactRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM contacts WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    return rows[0];
  }

  /** Contacts for these numbers, created (name only) where missing; returns number → id. */
  async ensureNumbers(workspaceId: string, entries: ReadonlyArray<{ number: string; name: string | null; timezone: string }>): Promise<Map<string, string>> {
    if (entries.length === 0) return new Map();
    const rows: Array<{ id: string; number: string }> = await this.dataSource.query(
      `WITH given AS (SELECT DISTINCT ON (number) * FROM unnest($2::text[], $3::text[], $4::text[]) AS g(number, name, timezone)),
            added AS (
              INSERT INTO contacts (workspace_id, number, name, timezone)
              SELECT $1, number, name, timezone FROM given ORDER BY number
              ON CONFLICT (workspace_id, number) DO NOTHING RETURNING id, number)
       SELECT id, number FROM added
       UNION ALL SELECT c.id, c.number FROM contacts c JOIN given g ON c.workspace_id = $1 AND c.number = g.number`,
      [workspaceId, entries.map((e) => e.number), entries.map((e) => e.name), entries.map((e) => e.timezone)],
    );
    const ids = new Map(rows.map((r) => [r.number, r.id]));
    // A number another request added at the same moment: the INSERT waited for it and did nothing, and the SELECT
    // ran on the snapshot from before it committed. A new statement sees it.
    const missing = [...new Set(entries.map((e) => e.number))].filter((n) => !ids.has(n));
    if (missing.length > 0) {
      const late: Array<{ id: string; number: string }> = await this.dataSource.query(
        'SELECT id, number FROM contacts WHERE workspace_id = $1 AND number = ANY($2::text[])',
        [workspaceId, missing],
      );
      for (const r of late) ids.set(r.number, r.id);
    }
    return ids;
  }

  /** Opts contacts out (keeping an earlier opt-out's time and source). */
  /** Opts contacts out of marketing; returns those newly opted out, with their workspace. */
  async optOutIds(ids: readonly string[], source: OptOutSource, manager?: EntityManager): Promise<Array<ContactRow & { workspace_id: string }>> {
    if (ids.length === 0) return [];
    return (manager ?? this.dataSource).query(
      `WITH updated AS (
         UPDATE contacts SET opted_out = true, opted_out_at = now(), opt_out_source = $2, opt_out_scope = 'marketing', updated_at = now()
          WHERE id = ANY($1::bigint[]) AND NOT opted_out RETURNING workspace_id, ${COLUMNS})
       SELECT * FROM updated`,
      [ids, source],
    );
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * What the send checks need of a batch's contacts, in one indexed read: the opt-out and its scope, whether the
   * number is known not to be on WhatsApp, and when the contact last wrote to `channelId` (its service window).
   */
  async sendStates(
    channelId: string,
    ids: readonly string[],
  ): Promise<
    Array<{
      id: string;
      timezone: string;
      opt_out_scope: OptOutScope | null;
      not_on_whatsapp: boolean;
      last_inbound_at: Date | null;
      identity: string | null;
      unreachable_at: Date | null;
      unreachable_reason: string | null;
    }>
  > {
    if (ids.length === 0) return [];
    return this.dataSource.query(
      `SELECT c.id, c.timezone, CASE WHEN c.opted_out THEN COALESCE(c.opt_out_scope, 'marketing') END AS opt_out_scope,
              c.not_on_whatsapp_at IS NOT NULL AS not_on_whatsapp, w.last_inbound_at,
              i.identity, i.unreachable_at, i.unreachable_reason
         FROM contacts c LEFT JOIN contact_service_windows w ON w.channel_id = $2 AND w.contact_id = c.id
                         LEFT JOIN contact_identities i ON i.channel_id = $2 AND i.contact_id = c.id
        WHERE c.id = ANY($1::bigint[])`,
      [ids, channelId],
    );
  }

  /** Contacts wrote to channels: their service windows run from these times (later ones win). */
  async noteInbound(manager: EntityManager, rows: ReadonlyArray<{ channelId: string; contactId: string; at: Date }>): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO contact_service_windows (channel_id, contact_id, last_inbound_at)
       SELECT channel_id, contact_id, max(at) FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[]) AS i(channel_id, contact_id, at)
        GROUP BY channel_id, contact_id ORDER BY channel_id, contact_id
       ON CONFLICT (channel_id, contact_id) DO UPDATE SET last_inbound_at = greatest(contact_service_windows.last_inbound_at, EXCLUDED.last_inbound_at)`,
      [rows.map((r) => r.channelId), rows.map((r) => r.contactId), rows.map((r) => r.at)],
    );
  }

  /** Records that the provider cannot reach these contacts on WhatsApp; later campaign runs skip them. */
  async markNotOnWhatsApp(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE contacts SET not_on_whatsapp_at = now() WHERE id = ANY($1::bigint[]) AND not_on_whatsapp_at IS NULL`,
      [ids],
    );
  }
}
