import { Injectable } from '@nestjs/common';
import type { InboundMessage as ProviderInbound } from '@herald/channels';
import type { EntityManager } from 'typeorm';

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

/** Inbound messages in SQL. */
@Injectable()
export class InboundRepository {
  /** Stores inbound messages once each, linking replies to the message they answer. Returns the new ones. */
  async insert(manager: EntityManager, rows: readonly InboundRow[]): Promise<Array<{ id: string; contact_id: string | null; text: string | null }>> {
    if (rows.length === 0) return [];
    return manager.query(
      `WITH added AS (
       INSERT INTO inbound_messages (workspace_id, channel_id, provider_message_id, from_number, contact_id, type, text, payload,
                                     context_provider_message_id, reply_to_message_id, received_at)
       SELECT i.workspace_id, i.channel_id, i.wamid, i.from_number, i.contact_id, i.type, i.text, i.payload, i.context,
              (SELECT m.id FROM messages m WHERE m.provider_message_id = i.context AND m.workspace_id = i.workspace_id), i.at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
           AS i(workspace_id, channel_id, wamid, from_number, contact_id, type, text, payload, context, at)
       ON CONFLICT (channel_id, provider_message_id) DO NOTHING
       RETURNING id, contact_id, text)
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
        rows.map((r) => r.contextProviderMessageId),
        rows.map((r) => r.receivedAt),
      ],
    );
  }
}
