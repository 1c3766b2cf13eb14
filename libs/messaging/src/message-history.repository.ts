import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { atKeySql, boundSql, type Keyed, type TimeBound } from './inbound.repository';
import type { MessageRow } from './message.repository';

/**
 * A contact's single messages, read for its conversation and channel details (the `messages` table, this library's
 * own), through `idx_messages_contact_created`.
 */
@Injectable()
export class MessageHistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The contact's single messages (on one channel or all), newest first by creation (created_at, id), before `bound`. */
  async ofContact(workspaceId: string, contactId: string, channelId: string | undefined, limit: number, bound?: TimeBound): Promise<Array<Keyed<MessageRow>>> {
    const params: unknown[] = [workspaceId, contactId];
    const where = ['workspace_id = $1', 'contact_id = $2'];
    if (channelId !== undefined) {
      params.push(channelId);
      where.push(`channel_id = $${params.length}::uuid`);
    }
    if (bound !== undefined) where.push(boundSql(bound, 'created_at', 'id', 'uuid', params));
    params.push(limit);
    return this.dataSource.query(
      `SELECT *, ${atKeySql('created_at')} AS at_key FROM messages WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Per channel: the contact's single messages the provider accepted (they have its message id), and all of them. */
  async countsByChannel(workspaceId: string, contactId: string): Promise<Array<{ channel_id: string; sent: number; total: number }>> {
    const rows: Array<{ channel_id: string; sent: string; total: string }> = await this.dataSource.query(
      `SELECT channel_id, count(*) FILTER (WHERE provider_message_id IS NOT NULL) AS sent, count(*) AS total
         FROM messages WHERE workspace_id = $1 AND contact_id = $2 GROUP BY channel_id`,
      [workspaceId, contactId],
    );
    return rows.map((r) => ({ channel_id: r.channel_id, sent: Number(r.sent), total: Number(r.total) }));
  }
}
