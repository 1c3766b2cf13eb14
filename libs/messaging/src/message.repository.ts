import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MessageError } from './message.entity';
import { STATUS_RANK, rankSql, type MessageStatus } from './message-status.util';
import type { MessageFilter, MessageView, ReplyView, StatusStep } from './message.types';

export interface MessageRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  contact_id: string;
  to_number: string;
  type: string;
  content: Record<string, unknown>;
  template_name: string | null;
  tags: string[];
  request_id: string | null;
  custom_args: Record<string, unknown>;
  status: MessageStatus;
  attempts: number;
  provider_message_id: string | null;
  error: MessageError | null;
  created_at: Date;
  sending_at: Date | null;
  accepted_at: Date | null;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  updated_at: Date;
}

export function toMessageView(row: MessageRow, replies?: ReplyView[]): MessageView {
  const steps: Array<[MessageStatus, Date | null]> = [
    ['queued', row.created_at],
    ['sending', row.sending_at],
    ['accepted', row.accepted_at],
    ['sent', row.sent_at],
    ['delivered', row.delivered_at],
    ['read', row.read_at],
    ['failed', row.failed_at],
  ];
  const statuses: StatusStep[] = steps
    .filter((s): s is [MessageStatus, Date] => s[1] !== null)
    .map(([status, at]) => ({ status, at }))
    // In the order of a message's life: the provider's times have whole seconds, ours milliseconds.
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]);
  return {
    id: row.id,
    channelId: row.channel_id,
    to: row.to_number,
    contactId: row.contact_id,
    type: row.type,
    content: row.content,
    template: row.template_name,
    status: row.status,
    statuses,
    error: row.error,
    providerMessageId: row.provider_message_id,
    attempts: row.attempts,
    tags: row.tags,
    requestId: row.request_id,
    customArgs: row.custom_args,
    ...(replies === undefined ? {} : { replies }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewMessage {
  workspaceId: string;
  channelId: string;
  contactId: string;
  toNumber: string;
  type: string;
  content: Record<string, unknown>;
  templateName: string | null;
  tags: readonly string[];
  requestId: string | null;
  customArgs: Record<string, unknown>;
}

/** Messages in SQL. Status changes are single statements that only ever move a message forward. */
@Injectable()
export class MessageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts a queued message; with a requestId already used, returns that message instead (`created` false). */
  async insert(m: NewMessage): Promise<{ row: MessageRow; created: boolean }> {
    const rows: Array<MessageRow & { created: boolean }> = await this.dataSource.query(
      `WITH added AS (
         INSERT INTO messages (workspace_id, channel_id, contact_id, to_number, type, content, template_name, tags, request_id, custom_args, status)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::text[], $9, $10::jsonb, 'queued')
         ON CONFLICT (workspace_id, request_id) WHERE request_id IS NOT NULL DO NOTHING
         RETURNING *)
       SELECT *, true AS created FROM added
       UNION ALL SELECT *, false AS created FROM messages WHERE workspace_id = $1 AND request_id = $9 AND NOT EXISTS (SELECT 1 FROM added)`,
      [m.workspaceId, m.channelId, m.contactId, m.toNumber, m.type, JSON.stringify(m.content), m.templateName, m.tags, m.requestId, JSON.stringify(m.customArgs)],
    );
    const row = rows[0]!;
    return { row, created: row.created };
  }

  async find(workspaceId: string, id: string): Promise<MessageRow | undefined> {
    const rows: MessageRow[] = await this.dataSource.query('SELECT * FROM messages WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    return rows[0];
  }

  async replies(messageId: string): Promise<ReplyView[]> {
    const rows: Array<{ id: string; type: string; text: string | null; payload: string | null; received_at: Date }> = await this.dataSource.query(
      'SELECT id, type, text, payload, received_at FROM inbound_messages WHERE reply_to_message_id = $1 ORDER BY received_at, id LIMIT 100',
      [messageId],
    );
    return rows.map((r) => ({ id: r.id, type: r.type, text: r.text, payload: r.payload, receivedAt: r.received_at }));
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async page(workspaceId: string, f: MessageFilter, limit: number, after?: { createdAt: string; id: string }): Promise<MessageRow[]> {
    const where = ['workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.status !== undefined) add((p) => `status = ${p}`, f.status);
    if (f.tag !== undefined) add((p) => `tags @> ARRAY[${p}]::text[]`, f.tag);
    if (f.template !== undefined) add((p) => `template_name = ${p}`, f.template);
    if (f.number !== undefined) add((p) => `to_number = ${p}`, f.number);
    if (f.from !== undefined) add((p) => `created_at >= ${p}`, f.from);
    if (f.to !== undefined) add((p) => `created_at < ${p}`, f.to);
    if (after !== undefined) {
      params.push(after.createdAt, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    return this.dataSource.query(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
  }

  /** Takes a queued message for sending; undefined when it is not queued (sent, failed, or another worker has it). */
  async claim(id: string): Promise<MessageRow | undefined> {
    const rows: MessageRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE messages SET status = 'sending', sending_at = COALESCE(sending_at, now()), attempts = attempts + 1, updated_at = now()
          WHERE id = $1 AND status = 'queued' RETURNING *)
       SELECT * FROM claimed`,
      [id],
    );
    return rows[0];
  }

  /** The provider took the message. A status webhook may have moved it further already: keep that. */
  async markAccepted(id: string, providerMessageId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET provider_message_id = COALESCE(provider_message_id, $2), accepted_at = COALESCE(accepted_at, now()),
              error = CASE WHEN status = 'failed' THEN error END,
              status = CASE WHEN ${rankSql('status')} < ${rankSql(`'accepted'`)} THEN 'accepted' ELSE status END, updated_at = now()
        WHERE id = $1`,
      [id, providerMessageId],
    );
  }

  /** Back to the queue after a failure worth retrying; the error is kept for whoever looks meanwhile. */
  async requeue(id: string, error: MessageError | null): Promise<void> {
    await this.dataSource.query(`UPDATE messages SET status = 'queued', error = COALESCE($2::jsonb, error), updated_at = now() WHERE id = $1 AND status = 'sending'`, [
      id,
      error === null ? null : JSON.stringify(error),
    ]);
  }

  /** Keeps the message in `sending` with the error seen: the provider may have taken it (no answer came). */
  async noteUnconfirmed(id: string, error: MessageError): Promise<void> {
    await this.dataSource.query(`UPDATE messages SET error = $2::jsonb, updated_at = now() WHERE id = $1 AND status = 'sending'`, [id, JSON.stringify(error)]);
  }

  async markFailed(id: string, error: MessageError): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET error = $2::jsonb, failed_at = COALESCE(failed_at, now()),
              status = CASE WHEN ${rankSql('status')} < ${rankSql(`'failed'`)} THEN 'failed' ELSE status END, updated_at = now()
        WHERE id = $1`,
      [id, JSON.stringify(error)],
    );
  }

  /**
   * Messages whose job may be lost: queued for over `queuedSeconds`, or left `sending` by a worker that died
   * (or got no answer) for over `sendingSeconds` with no status from the provider since. The latter are put
   * back to `queued` here. Returns ids to enqueue again.
   */
  async recoverable(queuedSeconds: number, sendingSeconds: number, limit = 5_000): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH stuck AS (
         UPDATE messages SET status = 'queued', updated_at = now()
          WHERE id IN (SELECT id FROM messages WHERE status = 'sending' AND updated_at < now() - make_interval(secs => $2)
                        ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id),
       waiting AS (
         SELECT id FROM messages WHERE status = 'queued' AND updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT $3)
       SELECT id FROM stuck UNION SELECT id FROM waiting`,
      [queuedSeconds, sendingSeconds, limit],
    );
    return rows.map((r) => r.id);
  }
}
