import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@herald/database';
import type { IdentitySource } from './contact-identity.entity';

export interface IdentityRow {
  channel_id: string;
  identity: string;
  contact_id: string;
  source: IdentitySource;
  unreachable_at: Date | null;
  unreachable_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'channel_id, identity, contact_id, source, unreachable_at, unreachable_reason, created_at, updated_at';

/** `contact_identities` (and the number-less contacts an unknown identity makes) in SQL. */
@Injectable()
export class ContactIdentitiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Contact ids for identities on a channel, each made (a contact without a number, named as the platform names
   * the user) where unknown. Known ones are one read; the unknown ones take a transaction-scoped lock each on their
   * identity, in one statement and in one order (two batches learning the same users make one contact each and
   * cannot deadlock), are read again, and those still unknown are made in one statement: a burst of new users costs
   * a few statements, not a few per user (5,000 in one webhook took 2.3 s one by one).
   */
  async ensure(
    manager: EntityManager,
    workspaceId: string,
    channelId: string,
    entries: ReadonlyArray<{ identity: string; name: string | null }>,
    source: IdentitySource = 'inbound',
  ): Promise<Map<string, string>> {
    const given = new Map<string, string | null>();
    for (const e of entries) if (!given.has(e.identity)) given.set(e.identity, e.name);
    if (given.size === 0) return new Map();
    const known = await this.find(manager, channelId, [...given.keys()]);
    const unknown = [...given.keys()].filter((identity) => !known.has(identity)).sort();
    if (unknown.length === 0) return known;
    await manager.query(
      `SELECT count(pg_advisory_xact_lock(hashtext($1), hashtext(identity))) FROM (SELECT identity FROM unnest($2::text[]) AS identity ORDER BY identity) ordered`,
      [channelId, unknown],
    );
    for (const [identity, contactId] of await this.find(manager, channelId, unknown)) known.set(identity, contactId);
    const missing = unknown.filter((identity) => !known.has(identity));
    if (missing.length === 0) return known;
    // Each new contact's id is drawn first (the CTE is computed once), so each identity row names its own contact.
    const made = (await manager.query(
      `WITH input AS (SELECT i.identity, i.name, nextval(pg_get_serial_sequence('contacts', 'id')) AS id
                        FROM unnest($3::text[], $4::text[]) AS i(identity, name)),
            c AS (INSERT INTO contacts (id, workspace_id, number, name, timezone) OVERRIDING SYSTEM VALUE
                  SELECT id, $1, NULL, name, 'UTC' FROM input)
       INSERT INTO contact_identities (channel_id, identity, workspace_id, contact_id, source)
       SELECT $2, identity, $1, id, $5 FROM input RETURNING identity, contact_id`,
      [workspaceId, channelId, missing, missing.map((identity) => given.get(identity)?.slice(0, 200) ?? null), source],
    )) as Array<{ identity: string; contact_id: string }>;
    for (const r of made) known.set(r.identity, r.contact_id);
    return known;
  }

  /**
   * The user wrote again: reachable on the channel once more — when they wrote (`at`) after they were found
   * unreachable; an older message applied late (a provider's retry) does not undo a later block. Compared by the
   * second (Telegram stamps whole seconds): within the block's second, the message applied after it wins.
   */
  async reachable(manager: EntityManager, channelId: string, wrote: ReadonlyArray<{ identity: string; at: Date }>): Promise<void> {
    if (wrote.length === 0) return;
    await manager.query(
      `UPDATE contact_identities i SET unreachable_at = NULL, unreachable_reason = NULL, updated_at = now()
         FROM (SELECT identity, max(at) AS at FROM unnest($2::text[], $3::timestamptz[]) AS w(identity, at) GROUP BY identity) w
        WHERE i.channel_id = $1 AND i.identity = w.identity AND i.unreachable_at IS NOT NULL AND date_trunc('second', i.unreachable_at) <= w.at`,
      [channelId, wrote.map((w) => w.identity), wrote.map((w) => w.at)],
    );
  }

  known(manager: EntityManager, channelId: string, identities: readonly string[]): Promise<Map<string, string>> {
    return identities.length === 0 ? Promise.resolve(new Map()) : this.find(manager, channelId, identities);
  }

  private async find(manager: EntityManager, channelId: string, identities: readonly string[]): Promise<Map<string, string>> {
    const rows = (await manager.query(`SELECT identity, contact_id FROM contact_identities WHERE channel_id = $1 AND identity = ANY($2::text[])`, [
      channelId,
      identities,
    ])) as Array<{ identity: string; contact_id: string }>;
    return new Map(rows.map((r) => [r.identity, r.contact_id]));
  }

  /** The contact with this identity on the channel, if any. */
  async contactOf(workspaceId: string, channelId: string, identity: string): Promise<string | undefined> {
    const rows = (await this.dataSource.query(`SELECT contact_id FROM contact_identities WHERE workspace_id = $1 AND channel_id = $2 AND identity = $3`, [
      workspaceId,
      channelId,
      identity,
    ])) as Array<{ contact_id: string }>;
    return rows[0]?.contact_id;
  }

  async forContact(workspaceId: string, contactId: string): Promise<IdentityRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2 ORDER BY created_at, channel_id`, [
      workspaceId,
      contactId,
    ]);
  }

  /**
   * Sets the contact's identity on the channel (replacing another one it had there). Returns the contact that
   * already has this identity, if it is another one (nothing is changed then).
   */
  async set(workspaceId: string, channelId: string, contactId: string, identity: string): Promise<{ row?: IdentityRow; takenBy?: string }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [channelId, identity]);
      const owner = (await this.find(manager, channelId, [identity])).get(identity);
      if (owner !== undefined && owner !== contactId) return { takenBy: owner };
      await manager.query(`DELETE FROM contact_identities WHERE channel_id = $1 AND contact_id = $2 AND identity <> $3`, [channelId, contactId, identity]);
      const rows = (await manager.query(
        `INSERT INTO contact_identities (channel_id, identity, workspace_id, contact_id, source) VALUES ($1, $2, $3, $4, 'api')
         ON CONFLICT (channel_id, identity) DO UPDATE SET updated_at = now() RETURNING ${COLUMNS}`,
        [channelId, identity, workspaceId, contactId],
      )) as IdentityRow[];
      return { row: rows[0]! };
    });
  }

  async remove(workspaceId: string, channelId: string, contactId: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(`DELETE FROM contact_identities WHERE workspace_id = $1 AND channel_id = $2 AND contact_id = $3 RETURNING 1`, [
      workspaceId,
      channelId,
      contactId,
    ]);
    return rowsOf(result).length > 0;
  }

  /** The platform said these contacts cannot be reached on the channel (blocked it, never started it): now. */
  async markUnreachable(channelId: string, by: { contactIds?: readonly string[]; identities?: readonly string[] }, reason: string, manager?: EntityManager): Promise<void> {
    const contactIds = by.contactIds ?? [];
    const identities = by.identities ?? [];
    if (contactIds.length === 0 && identities.length === 0) return;
    await (manager ?? this.dataSource).query(
      `UPDATE contact_identities SET unreachable_at = now(), unreachable_reason = $4, updated_at = now()
        WHERE channel_id = $1 AND (contact_id = ANY($2::bigint[]) OR identity = ANY($3::text[])) AND unreachable_at IS NULL`,
      [channelId, contactIds, identities, reason.slice(0, 500)],
    );
  }

  /**
   * Users a platform's events said blocked the channel, each at the time the platform gives (a message older than
   * that, applied later, does not make them reachable again: `reachable`). One statement for them all.
   */
  async markBlocked(manager: EntityManager, channelId: string, blocks: ReadonlyArray<{ identity: string; reason: string; at: Date }>): Promise<void> {
    if (blocks.length === 0) return;
    await manager.query(
      `UPDATE contact_identities i SET unreachable_at = b.at, unreachable_reason = b.reason, updated_at = now()
         FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS b(identity, reason, at)
        WHERE i.channel_id = $1 AND i.identity = b.identity AND i.unreachable_at IS NULL`,
      [channelId, blocks.map((b) => b.identity), blocks.map((b) => b.reason.slice(0, 500)), blocks.map((b) => b.at)],
    );
  }
}
