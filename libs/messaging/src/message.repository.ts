import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@herald/database';
import {
  firstReceiptSql,
  releaseSpanSql,
  requestOverSql,
  workersSql,
  acceptedStatus,
  rankSql,
  IN_DOUBT_NEIGHBOURHOOD_SECONDS,
  silentAfterSeconds,
  type StatusReceipts,
  UNCONFIRMED,
  statusSteps,
  statusParams,
  statusUpdateSql,
  toApplied,
  type AppliedStatuses,
  type StatusRow,
  type MessageError,
  type SendCategory,
  type SendOutcomes,
  type SendFilter,
  type SendPricing,
  type SendTimesRow,
  type SendEventRow,
  type SendState,
  type SkipReason,
  type WaitReason,
  type ClaimSeqs,
  platformReceivedSql,
  claimMatchSql,
} from '@herald/sending';
import type { MessageView, ReplyView } from './message.types';

export interface MessageRow extends SendTimesRow {
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
  callback_url: string | null;
  status: SendState;
  category: SendCategory | null;
  scheduled_for: Date | null;
  not_before: Date | null;
  waiting_reason: WaitReason | null;
  validity_seconds: number | null;
  expires_at: Date | null;
  ignore_quiet_hours: boolean;
  use_frequency_capping: boolean;
  skip_reason: SkipReason | null;
  attempts: number;
  provider_message_id: string | null;
  error: MessageError | null;
  pricing: SendPricing | null;
  created_at: Date;
  updated_at: Date;
}

/** How many of a channel's oldest waiting messages a claim looks through to fill its batch (MessageRepository.claim). */
const FILL_WINDOW = 1_000;

/** A message as its claim took it: its sequence number for the departure record (SendWorkers) with it. */
export interface ClaimedMessage extends MessageRow {
  claim_seq: number;
}

export function toMessageView(row: MessageRow, replies?: ReplyView[]): MessageView {
  // A scheduled message has not been queued yet.
  const statuses = statusSteps(row.status === 'scheduled' ? null : row.created_at, row);
  return {
    id: row.id,
    channelId: row.channel_id,
    to: row.to_number,
    contactId: row.contact_id,
    type: row.type,
    content: row.content,
    template: row.template_name,
    status: row.status,
    category: row.category,
    scheduledFor: row.scheduled_for,
    expiresAt: row.expires_at,
    waiting: waitingOf(row),
    skipReason: row.skip_reason,
    statuses,
    error: row.error,
    providerMessageId: row.provider_message_id,
    pricing: row.pricing,
    attempts: row.attempts,
    tags: row.tags,
    requestId: row.request_id,
    customArgs: row.custom_args,
    callbackUrl: row.callback_url,
    campaignId: null,
    runId: null,
    ...(replies === undefined ? {} : { replies }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Why a message that is due is not going out, for as long as that holds. */
function waitingOf(row: MessageRow): MessageView['waiting'] {
  if (row.status !== 'queued' && row.status !== 'scheduled') return null;
  if (row.status === 'scheduled' && row.waiting_reason === null) return null;
  if (row.waiting_reason === null) return null;
  return { reason: row.waiting_reason, until: row.not_before };
}

export interface NewMessage {
  /** Chosen by the caller when something must name the message before it is stored (its tracked links); else made by Postgres. */
  id?: string;
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
  callbackUrl: string | null;
  scheduledFor: Date | null;
  validitySeconds: number | null;
  /** (scheduledFor or now) + validity, with the default validity when none was given. */
  expiresAt: Date;
  ignoreQuietHours: boolean;
  useFrequencyCapping: boolean;
  category: SendCategory | null;
}

/** What a `message.status` event says of a message (the `SendEventRow` columns but its status and time). */
const EVENT_COLUMNS = `m.id::text AS send_id, m.workspace_id, m.channel_id, m.to_number, m.request_id, m.custom_args, m.tags,
  NULL::uuid AS campaign_id, NULL::uuid AS run_id, NULL::boolean AS blast, m.provider_message_id, m.error AS send_error, m.skip_reason, m.callback_url`;

/** The same, with the message's status and the time of the change. */
const EVENT_ROW = `${EVENT_COLUMNS}, m.status, m.updated_at AS at`;

/** A message as a `message.status` event reports it, at its current status. */
export function messageEventRow(row: MessageRow): SendEventRow {
  return {
    send_id: row.id,
    workspace_id: row.workspace_id,
    channel_id: row.channel_id,
    to_number: row.to_number,
    status: row.status,
    at: row.updated_at ?? row.created_at,
    request_id: row.request_id,
    custom_args: row.custom_args,
    tags: row.tags,
    campaign_id: null,
    run_id: null,
    blast: null,
    provider_message_id: row.provider_message_id,
    error: row.error,
    skip_reason: row.skip_reason,
    callback_url: row.callback_url,
  };
}

function eventRows(rows: ReadonlyArray<Omit<SendEventRow, 'error'> & { send_error: MessageError | null }>): SendEventRow[] {
  return rows.map(({ send_error, ...r }) => ({ ...r, error: send_error }));
}

/**
 * SQL: message `m` (an alias) left `sending` for over `seconds` (a parameter) with no word from the provider — the
 * messages in doubt, as `recoverable` takes them and `inDoubt` finds the oldest (idx_messages_in_doubt). It names the
 * generated columns the index reads (`in_doubt_since` is `updated_at` while `sending`), never `status`.
 */
function inDoubtSql(m: string, seconds: string): string {
  return `${m}.open_status = 'sending' AND ${m}.in_doubt_since < now() - make_interval(secs => ${seconds})`;
}

/** An outcome statement's rows: the claims its outcomes were decided for (see claimMatchSql). */
const CLAIM_MATCHES = claimMatchSql('m');

const UUID = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/** Messages in SQL. Every change is one statement (set-based where it covers several), and statuses only move forward. */
@Injectable()
export class MessageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts messages (`queued`, or `scheduled` when they have a time); one with a requestId already used returns
   * that message instead (`created` false). One statement for the whole list, in its order; the numbers of one
   * list are distinct.
   */
  async insert(list: readonly NewMessage[], manager?: EntityManager): Promise<Array<{ row: MessageRow; created: boolean }>> {
    if (list.length === 0) return [];
    const col = <K extends keyof NewMessage>(k: K) => list.map((m) => m[k]);
    const rows: Array<MessageRow & { created: boolean; ord: string }> = await (manager ?? this.dataSource).query(
      `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::jsonb[], $9::text[], $10::jsonb[],
                              $11::timestamptz[], $12::int[], $13::timestamptz[], $14::boolean[], $15::boolean[], $16::text[], $17::uuid[], $18::text[])
           WITH ORDINALITY AS v(workspace_id, channel_id, contact_id, to_number, type, content, template_name, tags, request_id, custom_args,
                                scheduled_for, validity_seconds, expires_at, ignore_quiet_hours, use_frequency_capping, category, id, callback_url, ord)),
       added AS (
         INSERT INTO messages (id, workspace_id, channel_id, contact_id, to_number, type, content, template_name, tags, request_id, custom_args,
                               scheduled_for, not_before, validity_seconds, expires_at, ignore_quiet_hours, use_frequency_capping, category, callback_url, status)
         SELECT COALESCE(id, gen_random_uuid()), workspace_id, channel_id, contact_id, to_number, type, content, template_name, ARRAY(SELECT jsonb_array_elements_text(tags)), request_id, custom_args,
                scheduled_for, scheduled_for, validity_seconds, expires_at, ignore_quiet_hours, use_frequency_capping, category, callback_url,
                CASE WHEN scheduled_for IS NULL THEN 'queued' ELSE 'scheduled' END
           FROM v ORDER BY ord
         ON CONFLICT (workspace_id, request_id) WHERE request_id IS NOT NULL DO NOTHING
         RETURNING *)
       SELECT a.*, true AS created, v.ord FROM added a JOIN v ON a.to_number = v.to_number
       UNION ALL
       SELECT m.*, false AS created, v.ord FROM v JOIN messages m ON m.workspace_id = v.workspace_id AND m.request_id = v.request_id
        WHERE NOT EXISTS (SELECT 1 FROM added a WHERE a.request_id = v.request_id)`,
      [
        col('workspaceId'),
        col('channelId'),
        col('contactId'),
        col('toNumber'),
        col('type'),
        list.map((m) => JSON.stringify(m.content)),
        col('templateName'),
        list.map((m) => JSON.stringify(m.tags)),
        col('requestId'),
        list.map((m) => JSON.stringify(m.customArgs)),
        col('scheduledFor'),
        col('validitySeconds'),
        col('expiresAt'),
        col('ignoreQuietHours'),
        col('useFrequencyCapping'),
        col('category'),
        list.map((m) => m.id ?? null),
        col('callbackUrl'),
      ],
    );
    const byOrd = new Map<number, { row: MessageRow; created: boolean }>();
    for (const { ord, created, ...row } of rows) if (!byOrd.has(Number(ord))) byOrd.set(Number(ord), { row: row as MessageRow, created });
    // A request id another transaction stored meanwhile: ON CONFLICT waited for it to commit, but the statement's own
    // read of messages ran on the snapshot from before, where that row is not. A new statement sees it.
    const missing = list.flatMap((m, i) => (byOrd.has(i + 1) || m.requestId === null ? [] : [{ i, m }]));
    if (missing.length > 0) {
      const found: MessageRow[] = await (manager ?? this.dataSource).query(
        'SELECT * FROM messages WHERE workspace_id = $1 AND request_id = ANY($2::text[])',
        [missing[0]!.m.workspaceId, missing.map(({ m }) => m.requestId)],
      );
      for (const { i, m } of missing) {
        const row = found.find((r) => r.request_id === m.requestId && r.workspace_id === m.workspaceId);
        if (row !== undefined) byOrd.set(i + 1, { row, created: false });
      }
    }
    return list.map((m, i) => {
      const entry = byOrd.get(i + 1);
      if (entry === undefined) throw new Error(`message ${i + 1} of ${list.length} (request id ${String(m.requestId)}) was neither stored nor found`);
      return entry;
    });
  }

  async find(workspaceId: string, id: string): Promise<MessageRow | undefined> {
    const rows: MessageRow[] = await this.dataSource.query('SELECT * FROM messages WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    return rows[0];
  }

  async findByRequestId(workspaceId: string, requestId: string): Promise<MessageRow | undefined> {
    const rows: MessageRow[] = await this.dataSource.query('SELECT * FROM messages WHERE workspace_id = $1 AND request_id = $2', [workspaceId, requestId]);
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
  async page(workspaceId: string, f: SendFilter, limit: number, after?: { createdAt: string; id: string }): Promise<MessageRow[]> {
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
    params.push(limit);
    return this.dataSource.query(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
  }

  /** The channel of these messages (of one channel), if any of them still waits to be sent (scheduled or queued). */
  async channelOf(ids: readonly string[]): Promise<string | undefined> {
    const rows: Array<{ channel_id: string }> = await this.dataSource.query(
      `SELECT channel_id FROM messages WHERE id = ANY($1::uuid[]) AND open_status IN ('queued', 'scheduled') LIMIT 1`,
      [ids],
    );
    return rows[0]?.channel_id;
  }

  /**
   * Takes due messages for sending (queued or scheduled, not before their time → sending): those of `ids` (messages
   * of one channel: a job's own and those of its request it was given), then, up to `seqs.count` in all, other due
   * messages of their channel, oldest first among its FILL_WINDOW oldest waiting (those other jobs or workers hold
   * are skipped): one claim, one batch
   * through the pipeline, instead of one job a provider latency long per message. Each is numbered in `seqs` for the
   * departure record (SendWorkers.allocate). A message of `ids` another transaction holds is waited for (another
   * job's claim taking it: then it no longer waits). Empty when none of `ids` is due and waiting (sent, failed,
   * cancelled, or another worker has them): then nothing is taken, so the job ends and other jobs take the rest.
   * The first of `ids`, when claimed, comes first.
   */
  async claim(ids: readonly string[], seqs: ClaimSeqs): Promise<ClaimedMessage[]> {
    const rows: ClaimedMessage[] = await this.dataSource.query(
      `WITH own AS (
         SELECT id, channel_id FROM messages
          WHERE id = ANY($1::uuid[]) AND open_status IN ('queued', 'scheduled') AND (not_before IS NULL OR not_before <= now())
          ORDER BY id FOR UPDATE),
       -- Among the channel's FILL_WINDOW oldest waiting messages only: the filler is best effort, and a channel with many
       -- messages scheduled ahead (or held by quiet hours, a backoff, a pause) costs each claim no more than that.
       oldest AS (
         SELECT w.id FROM messages w
          WHERE w.channel_id = (SELECT channel_id FROM own LIMIT 1) AND w.open_status IN ('queued', 'scheduled')
          ORDER BY w.created_at, w.id LIMIT ${FILL_WINDOW}),
       more AS (
         SELECT m.id FROM messages m JOIN oldest ON oldest.id = m.id
          WHERE m.open_status IN ('queued', 'scheduled') AND (m.not_before IS NULL OR m.not_before <= now()) AND m.id <> ALL($1::uuid[])
          ORDER BY m.created_at, m.id LIMIT GREATEST(0, $4::int - (SELECT count(*) FROM own)) FOR UPDATE OF m SKIP LOCKED),
       numbered AS (
         SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM (SELECT id FROM own UNION ALL SELECT id FROM more) picked),
       claimed AS (
         UPDATE messages m SET status = 'sending', sending_at = COALESCE(m.sending_at, now()), attempts = m.attempts + 1, waiting_reason = NULL,
                claimed_by = $2, claim_seq = $3::bigint + numbered.n, updated_at = now()
           FROM numbered WHERE m.id = numbered.id
         RETURNING m.*)
       SELECT * FROM claimed ORDER BY (id = ($1::uuid[])[1]) DESC, created_at, id`,
      [ids, seqs.by, seqs.base, seqs.count],
    );
    for (const r of rows) r.claim_seq = Number(r.claim_seq); // bigint, read as a string
    return rows;
  }

  /** The categories learnt from the provider (template sends), kept for the view and for later tries: one statement. */
  async setCategories(rows: ReadonlyArray<{ id: string; category: SendCategory; expiresAt: Date | null }>): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `UPDATE messages m SET category = v.category, expires_at = COALESCE(v.expires_at, m.expires_at)
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS v(id, category, expires_at) WHERE m.id = v.id`,
      [rows.map((r) => r.id), rows.map((r) => r.category), rows.map((r) => r.expiresAt)],
    );
  }

  /** See `MessageEvents.sendsUpTo`: one read through the contact index for a batch's watermarks. */
  async sendsUpTo(
    manager: EntityManager,
    channelId: string,
    marks: ReadonlyArray<{ contactId: string; status: 'delivered' | 'read'; upTo: Date }>,
  ): Promise<Array<{ providerMessageId: string; status: 'delivered' | 'read'; at: Date }>> {
    if (marks.length === 0) return [];
    const rows = (await manager.query(
      `SELECT DISTINCT ON (m.id) m.provider_message_id, v.status, v.up_to
         FROM unnest($2::bigint[], $3::text[], $4::timestamptz[]) AS v(contact_id, status, up_to)
         JOIN messages m ON m.contact_id = v.contact_id AND m.channel_id = $1 AND m.sending_at <= v.up_to
        WHERE m.provider_message_id IS NOT NULL AND m.status IN ('accepted', 'sent', 'delivered') AND ${rankSql('m.status')} < ${rankSql('v.status')}
        ORDER BY m.id, ${rankSql('v.status')} DESC`,
      [channelId, marks.map((m) => m.contactId), marks.map((m) => m.status), marks.map((m) => m.upTo)],
    )) as Array<{ provider_message_id: string; status: 'delivered' | 'read'; up_to: Date }>;
    return rows.map((r) => ({ providerMessageId: r.provider_message_id, status: r.status, at: r.up_to }));
  }

  /**
   * Of these contacts, those with a send on the channel taken before `upTo` whose outcome is not recorded yet (still
   * `sending`, no provider id): a platform status naming no message id may be about it.
   */
  async inFlight(manager: EntityManager, channelId: string, contactIds: readonly string[], upTo: Date): Promise<Set<string>> {
    if (contactIds.length === 0) return new Set();
    const rows = (await manager.query(
      `SELECT DISTINCT contact_id FROM messages
        WHERE contact_id = ANY($2::bigint[]) AND channel_id = $1 AND open_status = 'sending' AND provider_message_id IS NULL AND sending_at <= $3`,
      [channelId, contactIds, upTo],
    )) as Array<{ contact_id: string }>;
    return new Set(rows.map((r) => r.contact_id));
  }

  /**
   * Records what became of claimed messages: one statement per kind present. Statuses only move forward; the
   * statements that put a message back in the queue only touch it while it is still at the claim they answer.
   */
  async record(o: SendOutcomes, manager?: EntityManager): Promise<SendEventRow[]> {
    if (manager === undefined) return this.dataSource.transaction((m) => this.record(o, m));
    const ids = [...o.accepted, ...o.retry, ...o.failed, ...o.inDoubt, ...o.released, ...o.skipped, ...o.expired, ...o.deferred].map((x) => x.id);
    if (ids.length === 0) return [];
    // A batch's rows are locked first, all of them, in id order, as the status webhooks' statement locks its rows: the
    // statements below (one per kind, each in join order) then never hold one row while waiting for another that a
    // webhook's transaction holds while waiting for theirs.
    await manager.query('SELECT id FROM messages WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
    const changed: SendEventRow[] = [];
    // A statement that returns rows reports those that ended at one of `ends` (UPDATE … RETURNING answers [rows, count]);
    // with `own_status` and `was_status` returned, only those this statement moved to its own status.
    const q = async (sql: string, params: unknown[], ends?: readonly SendState[]) => {
      const result: unknown = await manager.query(sql, params);
      if (ends === undefined) return;
      const rows = rowsOf<Parameters<typeof eventRows>[0][number] & { own_status?: string; was_status?: string }>(result);
      const own = rows.filter((r) => r.own_status === undefined || (r.status === r.own_status && r.was_status !== r.own_status));
      changed.push(...eventRows(own.map(({ own_status: _own, was_status: _was, ...r }) => r)).filter((r) => ends.includes(r.status)));
    };
    if (o.accepted.length > 0)
      // The row is locked first and its status read (`was`): an acceptance recorded after the provider's `sent` webhook
      // was applied leaves the row `sent`, and that step was told by the webhook's statement already — not again here.
      await q(
        `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, wamid, status)),
              locked AS (SELECT m.id, m.status AS was FROM messages m JOIN v ON v.id = m.id ORDER BY m.id FOR UPDATE OF m)
         UPDATE messages m SET provider_message_id = COALESCE(m.provider_message_id, v.wamid), accepted_at = COALESCE(m.accepted_at, now()),
                sent_at = CASE WHEN v.status = 'sent' THEN COALESCE(m.sent_at, now()) ELSE m.sent_at END,
                error = CASE WHEN m.status = 'failed' THEN m.error END,
                status = CASE WHEN ${rankSql('m.status')} < ${rankSql(`v.status`)} THEN v.status ELSE m.status END, updated_at = now()
           FROM v JOIN locked ON locked.id = v.id WHERE m.id = v.id
         RETURNING ${EVENT_ROW}, v.status AS own_status, locked.was AS was_status`,
        [o.accepted.map((a) => a.id), o.accepted.map((a) => a.providerMessageId), o.accepted.map(acceptedStatus)],
        ['accepted', 'held', 'sent'],
      );
    const back = [
      ...o.retry.map((r) => ({ id: r.id, attempts: r.attempts, until: new Date(Date.now() + r.delayMs), reason: 'backoff', error: r.error, release: false })),
      ...o.deferred.map((d) => ({ id: d.id, attempts: d.attempts, until: d.until, reason: d.reason, error: null, release: true })),
      ...o.released.map((r) => ({ id: r.id, attempts: r.attempts, until: null, reason: null, error: null, release: true })),
    ];
    if (back.length > 0)
      await q(
        `UPDATE messages m SET status = 'queued', not_before = v.until, waiting_reason = v.reason, error = COALESCE(v.error, m.error),
                attempts = CASE WHEN v.release THEN greatest(m.attempts - 1, 0) ELSE m.attempts END, updated_at = now()
           FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::jsonb[], $6::boolean[]) AS v(id, attempts, until, reason, error, release)
          WHERE m.id = v.id AND ${CLAIM_MATCHES}`,
        [back.map((b) => b.id), back.map((b) => b.attempts), back.map((b) => b.until), back.map((b) => b.reason), back.map((b) => (b.error === null ? null : JSON.stringify(b.error))), back.map((b) => b.release)],
      );
    if (o.failed.length > 0)
      await q(
        `UPDATE messages m SET error = v.error, failed_at = COALESCE(m.failed_at, now()), status = 'failed', updated_at = now()
           FROM unnest($1::uuid[], $2::jsonb[], $3::int[]) AS v(id, error, attempts) WHERE m.id = v.id AND ${CLAIM_MATCHES}
         RETURNING ${EVENT_ROW}`,
        [o.failed.map((f) => f.id), o.failed.map((f) => JSON.stringify(f.error)), o.failed.map((f) => f.attempts)],
        ['failed'],
      );
    if (o.inDoubt.length > 0)
      // The request is over (no answer): from now on only what comes after it speaks for its status.
      await q(
        `UPDATE messages m SET error = v.error, claimed_by = NULL, updated_at = now()
           FROM unnest($1::uuid[], $2::jsonb[], $3::int[]) AS v(id, error, attempts) WHERE m.id = v.id AND ${CLAIM_MATCHES}`,
        [o.inDoubt.map((f) => f.id), o.inDoubt.map((f) => JSON.stringify(f.error)), o.inDoubt.map((f) => f.attempts)],
      );
    const unsent = [
      ...o.skipped.map((k) => ({ id: k.id, attempts: k.attempts, status: 'skipped', reason: k.reason, error: k.error })),
      ...o.expired.map((e) => ({ id: e.id, attempts: e.attempts, status: 'expired', reason: null, error: null })),
    ];
    if (unsent.length > 0)
      await q(
        `UPDATE messages m SET status = v.status, skip_reason = v.reason, error = COALESCE(v.error, m.error), waiting_reason = NULL, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::int[]) AS v(id, status, reason, error, attempts) WHERE m.id = v.id AND ${CLAIM_MATCHES}
         RETURNING ${EVENT_ROW}`,
        [
          unsent.map((u) => u.id),
          unsent.map((u) => u.status),
          unsent.map((u) => u.reason),
          unsent.map((u) => (u.error === null ? null : JSON.stringify(u.error))),
          unsent.map((u) => u.attempts),
        ],
        ['skipped', 'expired'],
      );
      return changed;
  }

  /** Cancels a message that has not been sent: scheduled or queued → cancelled. Returns its row, or what it is now. */
  async cancel(workspaceId: string, id: string, manager?: EntityManager): Promise<{ cancelled: boolean; row: MessageRow | undefined }> {
    const rows: MessageRow[] = await (manager ?? this.dataSource).query(
      `WITH cancelled AS (
         UPDATE messages SET status = 'cancelled', waiting_reason = NULL, updated_at = now()
          WHERE workspace_id = $1 AND id = $2 AND status IN ('scheduled', 'queued') RETURNING *)
       SELECT * FROM cancelled`,
      [workspaceId, id],
    );
    if (rows[0]) return { cancelled: true, row: rows[0] };
    return { cancelled: false, row: await this.find(workspaceId, id) };
  }

  /** Waiting messages whose validity ran out (also while their channel was paused): expired, never sent late. */
  /**
   * Messages whose validity ran out: the waiting ones become `expired` (never sent late); the ones still in doubt
   * (`sending` for over `unconfirmedSeconds`, held for their status: see IN_DOUBT_NEIGHBOURHOOD_SECONDS) fail
   * `unconfirmed`, never sent again.
   */
  async expireOverdue(manager: EntityManager, unconfirmedSeconds: number, limit = 10_000): Promise<SendEventRow[]> {
    const rows: Parameters<typeof eventRows>[0] = await manager.query(
      `WITH gone AS (
         UPDATE messages m SET status = 'expired', waiting_reason = NULL, updated_at = now()
          WHERE id IN (SELECT id FROM messages WHERE open_status IN ('scheduled', 'queued') AND expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING ${EVENT_ROW}),
       unconfirmed AS (
         UPDATE messages m SET status = 'failed', error = $3::jsonb, failed_at = now(), updated_at = now()
          WHERE id IN (SELECT id FROM messages WHERE ${inDoubtSql('messages', '$2')} AND expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING ${EVENT_ROW})
       SELECT * FROM gone UNION ALL SELECT * FROM unconfirmed`,
      [limit, unconfirmedSeconds, JSON.stringify(UNCONFIRMED)],
    );
    return eventRows(rows);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Messages whose job may be lost: due for over `queuedSeconds` and still waiting, or left `sending` by a worker
   * that died (or got no answer) for over `sendingSeconds` with no status from the provider since. The latter are
   * put back to `queued` here when the evidence says the provider never got them — the rule of
   * IN_DOUBT_NEIGHBOURHOOD_SECONDS, over the channel's other messages (idx_messages_accepted, idx_messages_by_webhook)
   * and `receipts` (StatusReceivers.receipts: when Herald could receive webhooks, when each channel's were received,
   * when each worker was gone); the others stay in doubt. Returns ids to enqueue again.
   */
  async recoverable(queuedSeconds: number, sendingSeconds: number, liveClaimOver: number, receipts: StatusReceipts, limit = 5_000): Promise<string[]> {
    // Per message in doubt: `over`, when its request was surely over (answered nothing, or its worker gone; null: its
    // worker may still have it out); `near`, the time of its neighbours.
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH workers AS (${workersSql('$10', '$11')}),
       -- Only sends that may be released now (their wait over, a webhook received since): the many a long outage
       -- leaves held must not fill the batch and keep the others from being looked at.
       doubt AS (
         SELECT m.id, m.channel_id, o.over,
                tstzrange(m.in_doubt_since - make_interval(secs => $4), m.in_doubt_since + make_interval(secs => $4), '[]') AS near
           FROM messages m, LATERAL (SELECT ${requestOverSql('m', 'workers', '$12')} AS over) o
          WHERE ${inDoubtSql('m', '$2')}
            AND o.over <= now() - make_interval(secs => $2) AND ${firstReceiptSql('$9::tstzmultirange', 'o.over')} IS NOT NULL
          ORDER BY m.in_doubt_since LIMIT $3 FOR UPDATE OF m SKIP LOCKED),
       received AS (SELECT * FROM unnest($7::uuid[], $8::tstzmultirange[]) AS v(channel_id, periods)),
       -- The webhooks that speak for it, and the first of them received after its request was over: its channel's, or
       -- for a lone send (nothing else of its channel taken or in flight around it, so its channel had nothing else to
       -- bring) any channel's of its platform.
       evidence AS (
         SELECT d.id, d.over,
                CASE WHEN EXISTS (
                               SELECT 1 FROM messages n WHERE n.channel_id = d.channel_id AND (n.answer = 'accepted' OR n.answer = 'by_webhook')
                                  AND n.accepted_at BETWEEN lower(d.near) AND upper(d.near))
                             OR EXISTS (
                               SELECT 1 FROM messages o WHERE o.open_status = 'sending' AND o.channel_id = d.channel_id AND o.id <> d.id
                                  AND o.in_doubt_since BETWEEN lower(d.near) AND upper(d.near))
                           THEN (SELECT v.periods FROM received v WHERE v.channel_id = d.channel_id)
                           ELSE ${platformReceivedSql('d.channel_id', '$13', '$14', '$15', '$16')} END AS periods
           FROM doubt d
          WHERE NOT EXISTS (
                  SELECT 1 FROM messages n WHERE n.channel_id = d.channel_id AND n.answer = 'accepted'
                     AND n.accepted_at BETWEEN lower(d.near) AND upper(d.near) AND n.accepted_at < now() - make_interval(secs => $5))),
       backs AS (SELECT e.id, e.over, ${firstReceiptSql('e.periods', 'e.over')} AS back FROM evidence e),
       due AS (SELECT b.id, ${releaseSpanSql('b.over', 'b.back', '$2', '$5')} AS span FROM backs b WHERE b.back IS NOT NULL),
       stuck AS (
         UPDATE messages m SET status = 'queued', claimed_by = NULL, updated_at = now()
           FROM due
          WHERE m.id = due.id AND upper(due.span) <= now() AND $6::tstzmultirange @> due.span
         RETURNING m.id),
       waiting AS (
         SELECT id FROM messages WHERE open_status IN ('queued', 'scheduled') AND updated_at < now() - make_interval(secs => $1)
            AND (not_before IS NULL OR not_before < now() - make_interval(secs => $1)) ORDER BY updated_at LIMIT $3)
       SELECT id FROM stuck UNION SELECT id FROM waiting`,
      [
        queuedSeconds,
        sendingSeconds,
        limit,
        IN_DOUBT_NEIGHBOURHOOD_SECONDS,
        silentAfterSeconds(sendingSeconds),
        receipts.uptime,
        receipts.channelIds,
        receipts.received,
        receipts.anyReceived,
        receipts.workerIds,
        receipts.workersGoneAt,
        liveClaimOver,
        receipts.sendChannelIds,
        receipts.sendChannelPlatforms,
        receipts.platforms,
        receipts.platformReceived,
      ],
    );
    return rows.map((r) => r.id);
  }

  /** The workers that have messages `sending` under a numbered claim (idx_messages_in_doubt). */
  async claimants(): Promise<string[]> {
    const rows: Array<{ claimed_by: string }> = await this.dataSource.query(
      `SELECT DISTINCT claimed_by FROM messages WHERE open_status = 'sending' AND claimed_by IS NOT NULL AND claim_seq IS NOT NULL`,
    );
    return rows.map((r) => r.claimed_by);
  }

  /**
   * Messages claimed by workers that are gone and buried (SendWorkers.bury) under a number their departure record does
   * not hold: their request never left the worker (rule 5 of docs/adr/0009-sends-in-doubt.md). Back to queued at
   * once; returns their ids to enqueue again. `attempts` stays as claimed: the next claim raises it, so an outcome the
   * buried worker records late for its claim (it may be alive, only slow) no longer matches the row.
   */
  async releaseNeverSent(buried: ReadonlyArray<{ id: string; departed: string }>): Promise<string[]> {
    if (buried.length === 0) return [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH buried AS (SELECT * FROM unnest($1::uuid[], $2::int8multirange[]) AS b(id, departed)),
       -- Locked in id order first, as the outcome statements lock theirs, so the two cannot deadlock.
       locked AS (
         SELECT m.id FROM messages m JOIN buried b ON m.claimed_by = b.id
          WHERE m.open_status = 'sending' AND m.claim_seq IS NOT NULL AND NOT (b.departed @> m.claim_seq)
          ORDER BY m.id FOR UPDATE OF m),
       unsent AS (
         UPDATE messages m SET status = 'queued', claimed_by = NULL, claim_seq = NULL, updated_at = now()
           FROM locked WHERE m.id = locked.id
         RETURNING m.id)
       SELECT id FROM unsent`,
      [buried.map((b) => b.id), buried.map((b) => b.departed)],
    );
    return rows.map((r) => r.id);
  }

  /**
   * When the oldest message left in doubt for over `seconds` was claimed (idx_messages_in_doubt; null: none), and
   * the channels of the messages in doubt.
   */
  async inDoubt(seconds: number): Promise<{ since: Date | null; channelIds: string[] }> {
    const rows: Array<{ since: Date | null; channel_ids: string[] | null }> = await this.dataSource.query(
      `SELECT min(m.in_doubt_since) AS since, array_agg(DISTINCT m.channel_id) AS channel_ids FROM messages m WHERE ${inDoubtSql('m', '$1')}`,
      [seconds],
    );
    return { since: rows[0]?.since ?? null, channelIds: rows[0]?.channel_ids ?? [] };
  }

  /** Messages waiting for their paused channel become due now (it was reactivated); returns their ids. */
  async wakeChannel(channelId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      // Locked in id order first, as the claims and the outcome statements lock theirs.
      `WITH locked AS (
         SELECT id FROM messages WHERE open_status = 'queued' AND channel_id = $1 AND waiting_reason = 'channel_paused' ORDER BY id FOR UPDATE),
       woken AS (
         UPDATE messages m SET not_before = now(), updated_at = now() FROM locked
          WHERE m.id = locked.id AND m.open_status = 'queued' AND m.waiting_reason = 'channel_paused' RETURNING m.id)
       SELECT id FROM woken`,
      [channelId],
    );
    return rows.map((r) => r.id);
  }

  /** Statuses from provider events, for messages (matched by wamid or by our uuid as callback data). */
  async applyStatuses(manager: EntityManager, rows: readonly StatusRow[]): Promise<AppliedStatuses> {
    if (rows.length === 0) return { matched: 0, updated: 0, failed: [], events: [] };
    // Every status change of a message is an event for its callbackUrl, if it has one, so the event columns are always read.
    const applied = toApplied(await manager.query(statusUpdateSql('messages', `CASE WHEN s.callback ~ ${UUID} THEN s.callback::uuid END`, EVENT_COLUMNS), statusParams(rows)));
    return { ...applied, events: eventRows(applied.events as never) };
  }
}
