import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { InboundMessage as ProviderInbound } from '@herald/channels';
import { DataSource, type EntityManager } from 'typeorm';
import { inboundColumns, type InboundMessageRow } from './inbound-view.util';

/** An inbound message as the fan-in hands it over. */
export interface InboundRow {
  workspaceId: string;
  channelId: string;
  providerMessageId: string;
  fromNumber: string;
  contactId: string | null;
  type: string;
  text: string | null;
  payload: string | null;
  contextProviderMessageId: string | null;
  receivedAt: Date;
  /** The message as the provider's webhook described it (media, location, interactive reply…). */
  message: ProviderInbound;
}

/** What `GET /v1/inbound-messages` filters on. */
export interface InboundFilter {
  readonly channelId?: string;
  /** E.164, the sender. */
  readonly number?: string;
  readonly type?: string;
  /** Received at or after. */
  readonly from?: Date;
  /** Received before. */
  readonly to?: Date;
}

/**
 * Where a page stops, newest first: rows strictly older than `at` (an exact time, microseconds, as `at_key` gives
 * it), or at `at` too when `orEqual`; with `id`, rows before (`at`, `id`) in (time, id) order.
 */
export interface TimeBound {
  readonly at: string;
  readonly id?: string;
  readonly orEqual?: boolean;
}

/** A row with its time as an exact key (microseconds, UTC), for a cursor that never skips or repeats one. */
export type Keyed<T> = T & { at_key: string };

/** `to_char` of a timestamptz column at full precision, as a key a cursor can carry and give back. */
export const atKeySql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The keyset condition of a bound on (`atColumn`, `idColumn`), its values pushed onto `params`. */
export function boundSql(bound: TimeBound, atColumn: string, idColumn: string, idType: string, params: unknown[]): string {
  params.push(bound.at);
  const at = `$${params.length}::timestamptz`;
  if (bound.id !== undefined) {
    params.push(bound.id);
    return `(${atColumn}, ${idColumn}) < (${at}, $${params.length}::${idType})`;
  }
  return bound.orEqual === true ? `${atColumn} <= ${at}` : `${atColumn} < ${at}`;
}

/** Inbound messages in SQL. */
@Injectable()
export class InboundRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores inbound messages once each (one set-based statement), with what each carried (media, location, reaction,
   * contact cards, interactive reply), linking replies — and reactions — to the single message they answer. Returns
   * the new rows whole (`RETURNING *`); a message stored before (a provider retry) is not returned again.
   */
  async insert(manager: EntityManager, rows: readonly InboundRow[]): Promise<InboundMessageRow[]> {
    if (rows.length === 0) return [];
    const extra = rows.map((r) => inboundColumns(r.message));
    const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
    return manager.query(
      `WITH added AS (
       INSERT INTO inbound_messages (workspace_id, channel_id, provider_message_id, from_number, contact_id, type, text, payload,
                                     profile_name, media, location, reaction, content,
                                     context_provider_message_id, reply_to_message_id, received_at)
       SELECT i.workspace_id, i.channel_id, i.wamid, i.from_number, i.contact_id, i.type, i.text, i.payload,
              i.profile_name, i.media, i.location, i.reaction, i.content, i.context,
              (SELECT m.id FROM messages m WHERE m.provider_message_id = i.context AND m.workspace_id = i.workspace_id), i.at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
                     $11::text[], $12::jsonb[], $13::jsonb[], $14::jsonb[], $15::jsonb[])
           AS i(workspace_id, channel_id, wamid, from_number, contact_id, type, text, payload, context, at,
                profile_name, media, location, reaction, content)
       ON CONFLICT (channel_id, provider_message_id) DO NOTHING
       RETURNING *)
       SELECT * FROM added`,
      [
        rows.map((r) => r.workspaceId),
        rows.map((r) => r.channelId),
        rows.map((r) => r.providerMessageId),
        rows.map((r) => r.fromNumber),
        rows.map((r) => r.contactId),
        rows.map((r) => r.type),
        rows.map((r) => r.text),
        rows.map((r) => r.payload),
        rows.map((r, i) => r.contextProviderMessageId ?? extra[i]!.context),
        rows.map((r) => r.receivedAt),
        extra.map((e) => e.profileName),
        extra.map((e) => json(e.media)),
        extra.map((e) => json(e.location)),
        extra.map((e) => json(e.reaction)),
        extra.map((e) => json(e.content)),
      ],
    );
  }

  async find(workspaceId: string, id: string): Promise<InboundMessageRow | undefined> {
    const rows: InboundMessageRow[] = await this.dataSource.query(`SELECT * FROM inbound_messages WHERE id = $1 AND workspace_id = $2`, [id, workspaceId]);
    return rows[0];
  }

  /** One by id alone: for the media route, whose signed token names the message (and so its workspace). */
  async findById(id: string): Promise<InboundMessageRow | undefined> {
    const rows: InboundMessageRow[] = await this.dataSource.query(`SELECT * FROM inbound_messages WHERE id = $1`, [id]);
    return rows[0];
  }

  /** A page of the workspace's inbound messages, newest first (received_at, id), before `bound`. */
  async page(workspaceId: string, f: InboundFilter, limit: number, bound?: TimeBound): Promise<Array<Keyed<InboundMessageRow>>> {
    const where = ['workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.channelId !== undefined) add((p) => `channel_id = ${p}::uuid`, f.channelId);
    if (f.number !== undefined) add((p) => `from_number = ${p}`, f.number);
    if (f.type !== undefined) add((p) => `type = ${p}`, f.type);
    if (f.from !== undefined) add((p) => `received_at >= ${p}`, f.from);
    if (f.to !== undefined) add((p) => `received_at < ${p}`, f.to);
    if (bound !== undefined) where.push(boundSql(bound, 'received_at', 'id', 'uuid', params));
    params.push(limit);
    return this.dataSource.query(
      `SELECT *, ${atKeySql('received_at')} AS at_key FROM inbound_messages WHERE ${where.join(' AND ')}
        ORDER BY received_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** A contact's inbound messages (on one channel or all), newest first, before `bound`: one source of a conversation. */
  async ofContact(
    workspaceId: string,
    contactId: string,
    channelId: string | undefined,
    limit: number,
    bound?: TimeBound,
  ): Promise<Array<Keyed<InboundMessageRow>>> {
    const params: unknown[] = [workspaceId, contactId];
    const where = ['workspace_id = $1', 'contact_id = $2'];
    if (channelId !== undefined) {
      params.push(channelId);
      where.push(`channel_id = $${params.length}::uuid`);
    }
    if (bound !== undefined) where.push(boundSql(bound, 'received_at', 'id', 'uuid', params));
    params.push(limit);
    return this.dataSource.query(
      `SELECT *, ${atKeySql('received_at')} AS at_key FROM inbound_messages WHERE ${where.join(' AND ')}
        ORDER BY received_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** How many messages a contact sent to each channel, and when the latest arrived. */
  async countsByChannel(workspaceId: string, contactId: string): Promise<Array<{ channel_id: string; received: number; last_received_at: Date }>> {
    const rows: Array<{ channel_id: string; received: string; last_received_at: Date }> = await this.dataSource.query(
      `SELECT channel_id, count(*) AS received, max(received_at) AS last_received_at FROM inbound_messages
        WHERE contact_id = $2 AND workspace_id = $1 GROUP BY channel_id`,
      [workspaceId, contactId],
    );
    return rows.map((r) => ({ channel_id: r.channel_id, received: Number(r.received), last_received_at: r.last_received_at }));
  }
}
