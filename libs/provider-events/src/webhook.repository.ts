import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MESSAGE_STATUSES, rankSql } from './message-status.util';

/** One status from a webhook, scoped to the workspace of the channel it came through. */
export interface StatusRow {
  workspaceId: string;
  providerMessageId: string;
  callbackData: string | null;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error: object | null;
}

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
}

export interface AppliedStatuses {
  matched: number;
  updated: number;
  /** Failures reported in this batch (whatever the message's status became), with the code and the contact. */
  failed: Array<{ contactId: string; code: string }>;
}

const STATUS_ARRAY = `ARRAY[${MESSAGE_STATUSES.map((s) => `'${s}'`).join(',')}]::text[]`;

/** A table of things Herald sent, and how a status names one of its rows through our callback data. */
interface SentTable {
  readonly table: string;
  /** SQL: the row id from `s.callback`, or NULL when the callback data is not of this table. */
  readonly idFromCallback: string;
}
const MESSAGES: SentTable = {
  table: 'messages',
  idFromCallback: `CASE WHEN s.callback ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN s.callback::uuid END`,
};
const RECIPIENTS: SentTable = {
  table: 'campaign_recipients',
  idFromCallback: `CASE WHEN s.callback ~ '^r:[0-9]{1,18}$' THEN substring(s.callback from 3)::bigint END`,
};

/** One set-based, monotonic status update of `t` from unnested statuses ($1..$6). */
function statusUpdateSql(t: SentTable): string {
  return `WITH s AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
           AS s(workspace_id, wamid, callback, status, at, error)),
       matched AS (
         SELECT s.*, COALESCE(
                  (SELECT m.id FROM ${t.table} m WHERE m.provider_message_id = s.wamid AND m.workspace_id = s.workspace_id),
                  (SELECT m.id FROM ${t.table} m WHERE m.id = ${t.idFromCallback} AND m.workspace_id = s.workspace_id)) AS row_id
           FROM s),
       agg AS (
         SELECT row_id, min(wamid) AS wamid,
                min(at) FILTER (WHERE status = 'sent') AS sent_at,
                min(at) FILTER (WHERE status = 'delivered') AS delivered_at,
                min(at) FILTER (WHERE status = 'read') AS read_at,
                min(at) FILTER (WHERE status = 'failed') AS failed_at,
                (array_agg(error ORDER BY at DESC) FILTER (WHERE status = 'failed'))[1] AS error,
                max(${rankSql('status')}) AS top
           FROM matched WHERE row_id IS NOT NULL GROUP BY row_id),
       next AS (
         SELECT agg.*, m.status AS old_status,
                CASE WHEN agg.top > ${rankSql('m.status')} THEN (${STATUS_ARRAY})[agg.top] ELSE m.status END AS new_status
           FROM agg JOIN ${t.table} m ON m.id = agg.row_id
          WHERE ${rankSql('m.status')} IS NOT NULL
          ORDER BY agg.row_id FOR UPDATE OF m),
       updated AS (
         UPDATE ${t.table} m SET
                provider_message_id = COALESCE(m.provider_message_id, next.wamid),
                -- A status webhook means the provider took it, even when our worker died before recording that.
                accepted_at = COALESCE(m.accepted_at, LEAST(next.sent_at, next.delivered_at, next.read_at, next.failed_at)),
                sent_at = COALESCE(m.sent_at, next.sent_at),
                delivered_at = COALESCE(m.delivered_at, next.delivered_at),
                read_at = COALESCE(m.read_at, next.read_at),
                failed_at = COALESCE(m.failed_at, next.failed_at),
                error = CASE WHEN next.new_status = 'failed' AND next.error IS NOT NULL THEN next.error ELSE m.error END,
                status = next.new_status,
                updated_at = now()
           FROM next WHERE m.id = next.row_id
         RETURNING m.contact_id, next.error->>'code' AS code, next.old_status IS DISTINCT FROM next.new_status AS changed)
       SELECT * FROM updated`;
}

/** A NUL in JSON text: `\u0000` preceded by an even number of backslashes (in `\\u0000` the backslash is escaped). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** Stored webhook events and their set-based application to messages. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Stores a webhook body as received; Postgres parses it into jsonb, so the API neither parses nor re-serialises
   * it. Returns the event's id, or null when the body is not JSON. jsonb cannot hold a NUL character, which JSON
   * may carry as the escape \u0000 (in a customer's text, say): such a body is stored with U+FFFD in its place
   * rather than refused, since a refused webhook is retried by Meta and then dropped.
   */
  async store(channelId: string, json: string): Promise<string | null> {
    try {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        'INSERT INTO webhook_events (channel_id, body) VALUES ($1, $2::jsonb) RETURNING id',
        [channelId, json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json],
      );
      return rows[0]!.id;
    } catch (error) {
      const code = (error as { driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code;
      if (code === '22P02') return null; // invalid input syntax for type json
      throw error;
    }
  }

  /**
   * Takes this event and up to `limit` others waiting (oldest first) for this transaction, deleting them:
   * they are applied exactly once, by whoever commits. Events another worker holds are skipped.
   */
  async claim(manager: EntityManager, eventId: string, limit: number): Promise<Array<{ id: string; channel_id: string; body: unknown }>> {
    // Both parts go through the primary key, so a claim costs the same whatever the backlog (an `id = $1 OR id IN
    // (…)` read the whole table: 4–5 ms per claim at 10,000 waiting), and the scan goes on past events other jobs
    // hold, so concurrent jobs take distinct batches instead of racing for the same 50.
    return manager.query(
      `WITH own AS (SELECT id FROM webhook_events WHERE id = $1 FOR UPDATE SKIP LOCKED),
            more AS (SELECT id FROM webhook_events WHERE id <> $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
            claimed AS (
              DELETE FROM webhook_events w USING (SELECT id FROM own UNION ALL SELECT id FROM more) p WHERE w.id = p.id
              RETURNING w.id, w.channel_id, w.body)
       SELECT * FROM claimed ORDER BY id`,
      [eventId, limit],
    );
  }

  /** Events older than `seconds` still waiting: their job was probably lost. */
  async waiting(seconds: number, limit = 1_000): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM webhook_events WHERE received_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
      [seconds, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Applies statuses to what Herald sent: single messages and campaign recipients, one statement each. Each
   * is matched by the provider's id, else by our own id echoed as callback data (a message's uuid, or
   * `r:<recipient id>`); its status only moves forward, each step keeps its first time, and a failure is
   * recorded only when it ends failed. Duplicates and reordering change nothing.
   */
  async applyStatuses(manager: EntityManager, rows: StatusRow[]): Promise<AppliedStatuses> {
    if (rows.length === 0) return { matched: 0, updated: 0, failed: [] };
    // A batch of thousands of statuses is estimated above jit_above_cost; compiling took 40–75 ms, more than
    // running the statement. (SET LOCAL: for this transaction only.)
    await manager.query('SET LOCAL jit = off');
    const params = [
      rows.map((r) => r.workspaceId),
      rows.map((r) => r.providerMessageId),
      rows.map((r) => r.callbackData),
      rows.map((r) => r.status),
      rows.map((r) => r.at),
      rows.map((r) => (r.error === null ? null : JSON.stringify(r.error))),
    ];
    const result = [...(await manager.query(statusUpdateSql(MESSAGES), params)), ...(await manager.query(statusUpdateSql(RECIPIENTS), params))] as Array<{
      contact_id: string;
      code: string | null;
      changed: boolean;
    }>;
    return {
      matched: result.length,
      updated: result.filter((r) => r.changed).length,
      failed: result.filter((r) => r.code !== null).map((r) => ({ contactId: r.contact_id, code: r.code! })),
    };
  }

  /**
   * Replies to campaign messages: the recipient keeps the button pressed or the text as its `action`, and a
   * press of an input button (payload `input:<field>`) is kept in the campaign's input variable group.
   */
  async applyReplies(manager: EntityManager, rows: InboundRow[]): Promise<void> {
    const replies = rows.filter((r) => r.contextProviderMessageId !== null);
    if (replies.length === 0) return;
    await manager.query(
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS i(workspace_id, context, text, payload, at)),
       -- Locked in id order, as statuses and the workers' outcomes lock recipients.
       locked AS (
         SELECT r.id FROM campaign_recipients r JOIN i ON r.provider_message_id = i.context AND r.workspace_id = i.workspace_id
          ORDER BY r.id FOR UPDATE OF r),
       acted AS (
         UPDATE campaign_recipients r SET action = left(coalesce(i.text, i.payload), 1000), action_at = i.at, updated_at = now()
           FROM i, locked WHERE r.id = locked.id AND r.provider_message_id = i.context AND r.workspace_id = i.workspace_id
         RETURNING r.run_id, r.contact_id, i.payload, i.text)
       INSERT INTO variable_values (group_pk, contact_id, values)
       SELECT DISTINCT ON (c.input_group_pk, acted.contact_id) c.input_group_pk, acted.contact_id,
              jsonb_build_object(substring(acted.payload from 7), coalesce(acted.text, ''))
         FROM acted JOIN campaign_runs cr ON cr.id = acted.run_id JOIN campaigns c ON c.id = cr.campaign_id
        WHERE acted.payload LIKE 'input:%' AND c.input_group_pk IS NOT NULL
       ON CONFLICT (group_pk, contact_id) DO UPDATE SET values = variable_values.values || EXCLUDED.values, updated_at = now()`,
      [
        replies.map((r) => r.workspaceId),
        replies.map((r) => r.contextProviderMessageId),
        replies.map((r) => r.text),
        replies.map((r) => r.payload),
        replies.map((r) => r.receivedAt),
      ],
    );
  }

  /** Template review decisions (message_template_status_update) for the campaigns that use the template. */
  async applyTemplateStatuses(
    manager: EntityManager,
    updates: ReadonlyArray<{ workspaceId: string; templateId: string; status: string; reason: string | null }>,
  ): Promise<void> {
    if (updates.length === 0) return;
    await manager.query(
      `UPDATE campaigns c SET template_status = u.status, template_reason = u.reason, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(workspace_id, template_id, status, reason)
        WHERE c.template_id = u.template_id AND c.workspace_id = u.workspace_id`,
      [updates.map((u) => u.workspaceId), updates.map((u) => u.templateId), updates.map((u) => u.status), updates.map((u) => u.reason)],
    );
  }

  /** Stores inbound messages once each, linking replies to the message they answer. Returns the new ones. */
  async insertInbound(manager: EntityManager, rows: InboundRow[]): Promise<Array<{ id: string; contact_id: string | null; text: string | null }>> {
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
