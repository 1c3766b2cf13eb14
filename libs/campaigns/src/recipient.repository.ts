import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@herald/database';
import type { CompiledSearch } from '@herald/contacts';
import {
  firstReceiptSql,
  platformReceivedSql,
  releaseSpanSql,
  requestOverSql,
  workersSql,
  acceptedStatus,
  IN_DOUBT_NEIGHBOURHOOD_SECONDS,
  silentAfterSeconds,
  STATUSES_BY_WEBHOOK,
  type StatusReceipts,
  RETRYABLE_FAILURES,
  UNCONFIRMED,
  rankSql,
  type ClaimSeqs,
  statusParams,
  statusUpdateSql,
  toApplied,
  type AppliedStatuses,
  type MessageError,
  type SendFilter,
  type SendEventRow,
  type SendOutcomes,
  type SendPricing,
  type SendTimesRow,
  type SkipReason,
  type StatusRow,
  type WaitReason,
  claimMatchSql,
} from '@herald/sending';
import type { CampaignCategory } from './campaign.entity';
import type { CampaignVariable } from './campaign-message.util';
import type { OutputPiece, TemplateParams } from './recipient-params.util';
import type { RecipientStatus } from './campaign-recipient.entity';
import { runExpiredSql } from './run-validity.util';

/** What fan-out needs to fix a run's recipients. */
export interface FanOutSpec {
  readonly runId: string;
  readonly workspaceId: string;
  /**
   * Audience primary keys, 'all' for every contact of the workspace, or a blast's search: its condition on `contacts`
   * aliased `c`, compiled by the contacts library for the placeholder number it is given.
   */
  readonly audiencePks: readonly string[] | 'all' | { readonly search: (firstParam: number) => CompiledSearch };
  /** Every distinct placeholder the parameters use, resolved once per recipient. */
  readonly variables: readonly CampaignVariable[];
  /** Each parameter from them (default: one per variable, in order): the body's, then the buttons'. */
  readonly outputs?: ReadonlyArray<readonly OutputPiece[]>;
  /** Variable group id → primary key, for every group the variables use. */
  readonly groupPks: ReadonlyMap<string, string>;
  /** A marketing run skips every opted-out contact; a utility or authentication run only those opted out of all. */
  readonly marketing: boolean;
  readonly chunkSize: number;
  /**
   * A channel that addresses people by id (Messenger, Instagram, Telegram): each recipient is sent to its identity
   * there; contacts without one, or the platform said cannot be reached there, are skipped with that reason.
   */
  readonly identityChannelId?: string;
  /**
   * With `identityChannelId`: recipients whose last message to the channel is older than this (or who never wrote)
   * are skipped with `outside_service_window` (Messenger and Instagram without a tag that reaches them).
   */
  readonly windowSeconds?: number | null;
}

export interface ClaimedRecipient {
  readonly id: string;
  readonly contact_id: string;
  readonly to_number: string;
  readonly params: string[];
  readonly timezone: string;
  /** Tries so far, this one included. */
  readonly attempts: number;
  /** Its sequence number in the claim (SendWorkers.allocate). */
  readonly claim_seq: number;
}


/** Where a page of campaign sends ended: the last row's run, chunk and id. */
export interface SendsPosition {
  runId: string;
  chunkNo: number;
  id: string;
}

/** A campaign recipient with its run and campaign, as a send in `GET /v1/messages`. */
export interface CampaignSendRow extends SendTimesRow {
  id: string;
  run_id: string;
  campaign_id: string;
  channel_id: string;
  contact_id: string;
  to_number: string;
  status: RecipientStatus;
  skip_reason: SkipReason | null;
  params: string[] | null;
  chunk_no: number;
  not_before: Date | null;
  waiting_reason: WaitReason | null;
  attempts: number;
  provider_message_id: string | null;
  error: MessageError | null;
  pricing: SendPricing | null;
  updated_at: Date;
  started_at: Date;
  validity_seconds: number | null;
  template_name: string;
  language_code: string;
  template_type: CampaignCategory;
  template_params: TemplateParams | null;
  tags: string[];
}

/** One recipient as the export shows it. */
export interface RecipientExportRow {
  id: string;
  number: string;
  name: string | null;
  status: RecipientStatus;
  skipReason: string | null;
  errorCode: string | null;
  errorTitle: string | null;
  /** The error's details: for a skipped recipient, exactly why (e.g. the missing variable's name). */
  errorDetails: string | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  /** When a tracked link of the send was first clicked (filled by the campaigns service). */
  clickedAt?: Date | null;
  action: string | null;
  runId: string;
}

/** What a `message.status` event says of a recipient, before its run's details are filled in (`withRunDetails`). */
export const RECIPIENT_EVENT_COLUMNS = `'r:' || r.id AS send_id, r.workspace_id, NULL::uuid AS channel_id, r.to_number, NULL::text AS request_id,
  NULL::jsonb AS custom_args, NULL::text[] AS tags, NULL::uuid AS campaign_id, r.run_id, NULL::boolean AS blast, r.provider_message_id,
  r.error AS send_error, r.skip_reason, NULL::text AS callback_url`;
const RECIPIENT_EVENT_ROW = `${RECIPIENT_EVENT_COLUMNS}, r.status, r.updated_at AS at`;

/** Failed recipients `retry-failed` may queue again, by the one policy's list (131049 only after 24 h, 130472 never). */
const RETRYABLE_SQL = RETRYABLE_FAILURES.map(
  (f) => `(error->>'category' = '${f.category}'${f.afterMs > 0 ? ` AND failed_at <= now() - make_interval(secs => ${f.afterMs / 1000})` : ''})`,
).join(' OR ');
const PERSIST_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000];

/**
 * An UPDATE of the recipients named in `values` (an unnest aliased `v` with an `id` column) that locks them in id
 * order first, as the status webhooks do (webhook.repository.ts). Handing the UPDATE a batch sorted by id left the
 * order rows are locked in to its plan, and the provider-faults chaos scenario still logged deadlocks between an
 * outcome statement and a status batch (2 of 6 runs); with the order in SQL, none in 8.
 */
function updateInIdOrder(values: string, set: string, where = 'TRUE'): string {
  // These statements name `status`, which no index reads (ADR 0010), never `open_status`: the planner fetches the
  // batch's rows by id. (When a partial index on status matched them, statistics from before a run sent anything made
  // it scan that index, with every dead entry the run's claims had left: bench/throughput.mjs.)
  return `WITH v AS (SELECT * FROM ${values}),
       locked AS (SELECT r.id, r.status AS was FROM campaign_recipients r JOIN v ON v.id = r.id ORDER BY r.id FOR UPDATE OF r)
     UPDATE campaign_recipients r SET ${set}
       FROM v JOIN locked ON locked.id = v.id WHERE r.id = v.id AND ${where}`;
}

/** An outcome statement's rows: the claims its outcomes were decided for (see claimMatchSql). */
const CLAIM_MATCHES = claimMatchSql('r');

/** Runs `work`, and again after each of PERSIST_DELAYS_MS while it fails; the last failure is thrown. */
async function persist<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const delay = PERSIST_DELAYS_MS[attempt];
      if (delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * SQL: recipient `r` (an alias) is still in hand — queued or sending (idx_campaign_recipients_unfinished). Compared
 * with values, as the index's predicate is: `open_status IS NOT NULL` means the same, but the planner cannot match it
 * to the index and walks the run's rows instead.
 */
export function unfinishedSql(r: string): string {
  return `${r}.open_status IN ('queued', 'sending')`;
}

/** SQL: whether a queued recipient of the run (`run`: a column or parameter) is due now. */
export function dueNowSql(run: string): string {
  return `EXISTS (SELECT 1 FROM campaign_recipients q WHERE q.run_id = ${run} AND q.open_status = 'queued' AND (q.not_before IS NULL OR q.not_before <= now()))`;
}

/**
 * SQL: recipient `r` (an alias) left `sending` for over `seconds` (a parameter) with no word from the provider — the
 * sends in doubt, as `releaseInDoubt` takes them and `inDoubtSince` finds the oldest (idx_campaign_recipients_in_doubt).
 */
function inDoubtSql(r: string, seconds: string): string {
  return `${r}.open_status = 'sending' AND ${r}.in_doubt_since < now() - make_interval(secs => ${seconds})`;
}

/** A send without an answer for this long is told as waiting for its status (`unconfirmed`), not as being sent. */
const UNANSWERED_SECONDS = 30;

/**
 * SQL: the run's earliest deferred recipient — why it waits (`reason`) and until when (`until`) — read only `when` holds
 * (e.g. nothing is due: the scan of the run's queued rows is skipped otherwise). With none deferred, sends in doubt
 * (no answer for UNANSWERED_SECONDS: a worker killed mid-request, a timeout) make it `unconfirmed`, until their status
 * comes or they are sent again (no time known).
 */
export function earliestWaitSql(run: string, when = 'true'): string {
  return `(SELECT COALESCE(q.waiting_reason, 'backoff') AS reason, q.not_before AS until FROM campaign_recipients q
      WHERE ${when} AND q.run_id = ${run} AND q.open_status = 'queued' AND q.not_before > now() ORDER BY q.not_before LIMIT 1)
     UNION ALL
     (SELECT 'unconfirmed', NULL::timestamptz FROM campaign_recipients s
       WHERE ${when} AND s.run_id = ${run} AND s.open_status = 'sending' AND s.in_doubt_since < now() - interval '${UNANSWERED_SECONDS} seconds' LIMIT 1)
     LIMIT 1`;
}

/**
 * Campaign recipients in SQL. Every change is set-based: fan-out is one INSERT … SELECT, a batch of sends is
 * claimed in one UPDATE and recorded in one UPDATE per kind of outcome. Per-run counts follow by trigger.
 */
@Injectable()
export class RecipientRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A page of a run's queued recipients whose body parameters hold a URL (for their tracked links), or every one
   * (`all`: its tracked buttons), in id order after `afterId`.
   */
  async withUrls(
    manager: EntityManager,
    runId: string,
    bodyCount: number,
    afterId: string,
    limit: number,
    all = false,
  ): Promise<Array<{ id: string; params: string[] }>> {
    return manager.query(
      `SELECT id, params FROM campaign_recipients
        WHERE run_id = $1 AND id > $2 AND open_status = 'queued' AND params IS NOT NULL
          AND ($5 OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(params) WITH ORDINALITY AS p(v, n) WHERE n <= $3 AND v ~* 'https?://'))
        ORDER BY id LIMIT $4`,
      [runId, afterId, bodyCount, limit, all],
    );
  }

  /** Sets recipients' parameters (their tracked links written in), one statement. */
  async setParams(manager: EntityManager, rows: ReadonlyArray<{ id: string; params: readonly string[] }>): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE campaign_recipients r SET params = v.params, updated_at = now()
         FROM json_to_recordset($1::json) AS v(id bigint, params jsonb) WHERE r.id = v.id`,
      [JSON.stringify(rows)],
    );
  }

  /** See RecipientEvents.sendsUpTo: one read through the contact index, the channel from each send's campaign. */
  async sendsUpTo(
    manager: EntityManager,
    channelId: string,
    marks: ReadonlyArray<{ contactId: string; status: 'delivered' | 'read'; upTo: Date }>,
  ): Promise<Array<{ providerMessageId: string; status: 'delivered' | 'read'; at: Date }>> {
    if (marks.length === 0) return [];
    const rows = (await manager.query(
      `SELECT DISTINCT ON (r.id) r.provider_message_id, v.status, v.up_to
         FROM unnest($2::bigint[], $3::text[], $4::timestamptz[]) AS v(contact_id, status, up_to)
         JOIN campaign_recipients r ON r.contact_id = v.contact_id AND r.sending_at <= v.up_to
         JOIN campaign_runs x ON x.id = r.run_id
         JOIN campaigns c ON c.id = x.campaign_id AND c.channel_id = $1
        WHERE r.provider_message_id IS NOT NULL AND r.status IN ('accepted', 'sent', 'delivered') AND ${rankSql('r.status')} < ${rankSql('v.status')}
        ORDER BY r.id, ${rankSql('v.status')} DESC`,
      [channelId, marks.map((m) => m.contactId), marks.map((m) => m.status), marks.map((m) => m.upTo)],
    )) as Array<{ provider_message_id: string; status: 'delivered' | 'read'; up_to: Date }>;
    return rows.map((r) => ({ providerMessageId: r.provider_message_id, status: r.status, at: r.up_to }));
  }

  /** See RecipientEvents.inFlight. */
  async inFlight(manager: EntityManager, channelId: string, contactIds: readonly string[], upTo: Date): Promise<Set<string>> {
    if (contactIds.length === 0) return new Set();
    const rows = (await manager.query(
      `SELECT DISTINCT r.contact_id FROM campaign_recipients r
         JOIN campaign_runs x ON x.id = r.run_id
         JOIN campaigns c ON c.id = x.campaign_id AND c.channel_id = $1
        WHERE r.contact_id = ANY($2::bigint[]) AND r.status = 'sending' AND r.provider_message_id IS NULL AND r.sending_at <= $3`,
      [channelId, contactIds, upTo],
    )) as Array<{ contact_id: string }>;
    return new Set(rows.map((r) => r.contact_id));
  }

  /**
   * Fixes a run's recipients in one statement: the union of its audiences, deduplicated; opted-out contacts,
   * numbers known not to be on WhatsApp, contacts over the frequency cap and contacts missing a variable are
   * recorded as skipped with the reason; the others get their parameters resolved and a chunk number
   * (ordered by timezone, so a chunk mostly shares one sending window). Returns recipients and chunks.
   */
  async fanOut(manager: EntityManager, spec: FanOutSpec): Promise<{ recipients: number; chunks: number }> {
    const params: unknown[] = [spec.runId, spec.workspaceId, spec.chunkSize, spec.marketing];
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const searchMembers = (search: CompiledSearch) => {
      params.push(...search.params);
      return `SELECT c.id AS contact_id FROM contacts c WHERE c.workspace_id = $2 AND (${search.sql})`;
    };
    const members =
      spec.audiencePks === 'all'
        ? `SELECT id AS contact_id FROM contacts WHERE workspace_id = $2`
        : 'search' in spec.audiencePks
          ? searchMembers(spec.audiencePks.search(params.length + 1))
          : `SELECT DISTINCT contact_id FROM audience_members WHERE audience_pk = ANY(${bind(spec.audiencePks)}::bigint[])`;
    const joins: string[] = [];
    const groupAlias = new Map<string, string>();
    for (const v of spec.variables) {
      if (v.kind !== 'group' || groupAlias.has(v.group)) continue;
      const alias = `g${groupAlias.size + 1}`;
      groupAlias.set(v.group, alias);
      joins.push(
        `LEFT JOIN variable_values ${alias} ON ${alias}.group_pk = ${bind(spec.groupPks.get(v.group))}::bigint AND ${alias}.contact_id = c.id`,
      );
    }
    const value = (v: CampaignVariable): string => {
      switch (v.kind) {
        case 'contact':
          return v.key === 'name' ? `NULLIF(btrim(c.name), '')` : 'c.number';
        case 'attribute':
          return `NULLIF(btrim(c.attributes->>${bind(v.key)}::text), '')`;
        case 'group':
          return `NULLIF(btrim(${groupAlias.get(v.group)}.values->>${bind(v.field)}::text), '')`;
      }
    };
    const columns = spec.variables.map((v, i) => `${value(v)} AS p${i + 1}`);
    const p = spec.variables.map((_, i) => `p${i + 1}`);
    // Each parameter: a variable's value as it is, or text and values joined (`Order {orders.id}`), or text alone.
    const output = (pieces: readonly OutputPiece[]): string => {
      const parts = pieces.map((piece) => ('variable' in piece ? `p${piece.variable + 1}` : `${bind(piece.text)}::text`));
      if (parts.length === 1 && pieces[0] && 'variable' in pieces[0]) return parts[0]!;
      return parts.length === 0 ? `''` : `concat(${parts.join(', ')})`;
    };
    const outputs = spec.outputs === undefined ? p : spec.outputs.map(output);
    const missing =
      spec.variables.length === 0
        ? 'NULL'
        : `concat_ws(', ', ${spec.variables.map((v, i) => `CASE WHEN p${i + 1} IS NULL THEN ${bind(v.token)}::text END`).join(', ')})`;
    // WhatsApp reaches a contact by number (one known not to be on WhatsApp is skipped; one without a number is not
    // a recipient); the other channels by the contact's identity there.
    const identity = spec.identityChannelId === undefined ? undefined : bind(spec.identityChannelId);
    const address = identity === undefined ? 'c.number' : `COALESCE(ci.identity, c.number, '')`;
    const windowSeconds = identity === undefined || spec.windowSeconds == null ? undefined : bind(spec.windowSeconds);
    const outsideWindow =
      windowSeconds === undefined
        ? ''
        : ` WHEN sw.last_inbound_at IS NULL OR sw.last_inbound_at < now() - make_interval(secs => ${windowSeconds}::double precision) THEN 'outside_service_window'`;
    const unreachable =
      identity === undefined
        ? `CASE WHEN c.not_on_whatsapp_at IS NOT NULL THEN 'not_on_whatsapp' END AS unreachable`
        : `CASE WHEN ci.identity IS NULL THEN 'no_identity' WHEN ci.unreachable_at IS NOT NULL THEN 'unreachable'${outsideWindow} END AS unreachable`;
    const identityJoin =
      identity === undefined
        ? 'WHERE c.number IS NOT NULL'
        : `LEFT JOIN contact_identities ci ON ci.channel_id = ${identity}::uuid AND ci.contact_id = c.id` +
          (windowSeconds === undefined ? '' : `\n          LEFT JOIN contact_service_windows sw ON sw.channel_id = ${identity}::uuid AND sw.contact_id = c.id`);
    const rows: Array<{ recipients: string; chunks: string }> = await manager.query(
      `WITH members AS (${members}),
       base AS (
         SELECT c.id, ${address} AS number, c.timezone, c.opted_out AND ($4 OR c.opt_out_scope = 'all') AS opted_out, ${unreachable}${columns.map((col) => `, ${col}`).join('')}
           FROM members m JOIN contacts c ON c.id = m.contact_id AND c.workspace_id = $2
           ${joins.join('\n           ')}
          ${identityJoin}),
       classified AS (
         SELECT base.*, ${missing} AS missing,
                CASE WHEN opted_out THEN 'opted_out'
                     WHEN unreachable IS NOT NULL THEN unreachable
                     ${p.length > 0 ? `WHEN ${p.map((x) => `${x} IS NULL`).join(' OR ')} THEN 'missing_variable'` : ''}
                END AS skip
           FROM base),
       numbered AS (
         SELECT classified.*,
                CASE WHEN skip IS NULL THEN ((row_number() OVER (PARTITION BY skip IS NULL ORDER BY timezone, id)) - 1) / $3 ELSE -1 END AS chunk_no
           FROM classified),
       inserted AS (
         INSERT INTO campaign_recipients (run_id, workspace_id, contact_id, to_number, timezone, chunk_no, status, skip_reason, params, marketing, error)
         SELECT $1, $2, id, number, timezone, chunk_no, CASE WHEN skip IS NULL THEN 'queued' ELSE 'skipped' END, skip,
                CASE WHEN skip IS NULL THEN jsonb_build_array(${outputs.join(', ')}) END, $4,
                CASE WHEN skip = 'missing_variable' THEN jsonb_build_object('code', 'missing_variable', 'title', 'Missing variable', 'details', 'No value for ' || missing) END
           FROM numbered ORDER BY chunk_no, timezone, id
         RETURNING chunk_no)
       SELECT count(*) AS recipients, COALESCE(max(chunk_no) + 1, 0) AS chunks FROM inserted`,
      params,
    );
    return { recipients: Number(rows[0]!.recipients), chunks: Number(rows[0]!.chunks) };
  }

  /**
   * Takes up to `seqs.count` queued, due recipients of one chunk for sending (queued → sending) — only while the run
   * is running, so a pause stops claims at once — naming the worker identity `seqs.by` and giving them its sequence
   * numbers from `seqs.base` in id order (SendWorkers.allocate). `zones`: only recipients in these timezones (the ones
   * whose sending window is open). The send pipeline's checks (opt-out, quiet hours, cap, tier…) then decide on each.
   * `after`: only ids above it (the chunk's claims so far), so a claim does not walk over the batches still in flight.
   */
  async claim(runId: string, chunk: number, seqs: ClaimSeqs, zones: readonly string[] | null, after = '0'): Promise<ClaimedRecipient[]> {
    const params: unknown[] = [runId, chunk, seqs.count, after, seqs.by, seqs.base];
    const zoneFilter = zones === null ? '' : `AND r.timezone = ANY($${params.push(zones)}::text[])`;
    const rows: Array<{ -readonly [K in keyof ClaimedRecipient]: ClaimedRecipient[K] }> = await this.dataSource.query(
      `WITH picked AS (
         SELECT r.id FROM campaign_recipients r
          WHERE r.run_id = $1 AND r.chunk_no = $2 AND r.id > $4 AND r.open_status = 'queued' AND (r.not_before IS NULL OR r.not_before <= now()) ${zoneFilter}
            AND EXISTS (SELECT 1 FROM campaign_runs WHERE id = $1 AND status = 'running')
          ORDER BY r.id LIMIT $3 FOR UPDATE OF r SKIP LOCKED),
       numbered AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM picked),
       claimed AS (
         UPDATE campaign_recipients r SET status = 'sending', sending_at = COALESCE(r.sending_at, now()), attempts = r.attempts + 1,
                waiting_reason = NULL, claimed_by = $5, claim_seq = $6::bigint + numbered.n, updated_at = now()
           FROM numbered WHERE r.id = numbered.id
         RETURNING r.id, r.contact_id, r.to_number, r.params, r.timezone, r.attempts, r.claim_seq)
       SELECT * FROM claimed ORDER BY id`,
      params,
    );
    for (const r of rows) r.claim_seq = Number(r.claim_seq); // bigint, read as a string
    return rows;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Records a batch's outcomes: one statement per kind present. Statuses only move forward. The sends are done,
   * so a statement that fails (Postgres unreachable) is tried again for about 30 s: unrecorded, recipients the
   * provider refused or never got would stay `sending` until SEND_UNCONFIRMED_AFTER_SECONDS. A statement may
   * run twice so: the monotonic ones change nothing the second time, and the ones that put a recipient back in
   * the queue only touch it while it is still at the claim they answer (`attempts`).
   */
  async record(outcome: SendOutcomes): Promise<void> {
    await this.recordOn(null, outcome);
  }

  /**
   * Records a batch's outcomes in one transaction and hands the recipients whose status changed (accepted, failed,
   * skipped, expired) to `events` inside it: their `message.status` events go to the callback outbox with the change.
   * The whole transaction is tried again like `record`'s statements.
   */
  async recordWithEvents<T>(outcome: SendOutcomes, events: (manager: EntityManager, rows: SendEventRow[]) => Promise<T>): Promise<T> {
    return persist(() =>
      this.dataSource.transaction(async (manager) => {
        // The batch's rows are locked once, all in id order, before its statements run one after another: a status
        // batch locks them in id order too, so neither can hold one the other waits for (as updateInIdOrder does for
        // one statement).
        const ids = [
          ...outcome.accepted,
          ...outcome.retry,
          ...outcome.failed,
          ...outcome.inDoubt,
          ...outcome.released,
          ...outcome.skipped,
          ...outcome.expired,
          ...outcome.deferred,
        ].map((o) => o.id);
        await manager.query('SELECT id FROM campaign_recipients WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [ids]);
        const rows = await this.recordOn(manager, outcome);
        return events(manager, await this.withRunDetails(manager, rows));
      }),
    );
  }

  /** The outcome's statements: in parallel on the pool, or one after another in `manager`'s transaction (reporting changes). */
  private async recordOn(manager: EntityManager | null, outcome: SendOutcomes): Promise<SendEventRow[]> {
    const changed: SendEventRow[] = [];
    // `ends`: the statuses whose rows are reported as changes. `own`: only rows this statement moved to its own status
    // (`v.status`) — an acceptance recorded after the provider's `sent` webhook was applied leaves the row `sent`, and
    // that step was told by the webhook's statement already.
    const q = async (sql: string, params: unknown[], ends?: readonly string[], own = false) => {
      if (manager === null) return persist(() => this.dataSource.query(sql, params));
      if (ends === undefined) return manager.query(sql, params);
      const returning = own ? `${RECIPIENT_EVENT_ROW}, v.status AS own_status, locked.was AS was_status` : RECIPIENT_EVENT_ROW;
      const result: unknown = await manager.query(`${sql} RETURNING ${returning}`, params);
      const rows = rowsOf<Omit<SendEventRow, 'error'> & { send_error: SendEventRow['error']; own_status?: string; was_status?: string }>(result);
      for (const { send_error, own_status, was_status, ...r } of rows) {
        if (!ends.includes(r.status)) continue;
        if (own && (r.status !== own_status || was_status === own_status)) continue;
        changed.push({ ...r, error: send_error });
      }
      return undefined;
    };
    const work: Array<Promise<unknown>> = [];
    if (outcome.accepted.length > 0) {
      work.push(
        q(
          updateInIdOrder(
            'unnest($1::bigint[], $2::text[], $3::text[]) AS v(id, wamid, status)',
            `provider_message_id = COALESCE(r.provider_message_id, v.wamid), accepted_at = COALESCE(r.accepted_at, now()),
             sent_at = CASE WHEN v.status = 'sent' THEN COALESCE(r.sent_at, now()) ELSE r.sent_at END,
             error = CASE WHEN r.status = 'failed' THEN r.error END,
             status = CASE WHEN ${rankSql('r.status')} < ${rankSql('v.status')} THEN v.status ELSE r.status END, updated_at = now()`,
          ),
          [outcome.accepted.map((a) => a.id), outcome.accepted.map((a) => a.providerMessageId), outcome.accepted.map(acceptedStatus)],
          ['accepted', 'held', 'sent'],
          true,
        ),
      );
    }
    const back = [
      ...outcome.retry.map((r) => ({ id: r.id, attempts: r.attempts, delayMs: Math.round(r.delayMs), until: null, reason: 'backoff', error: r.error, release: false })),
      ...outcome.deferred.map((d) => ({ id: d.id, attempts: d.attempts, delayMs: null, until: d.until, reason: d.reason, error: null, release: true })),
      ...outcome.released.map((r) => ({ id: r.id, attempts: r.attempts, delayMs: null, until: null, reason: null, error: null, release: true })),
    ];
    if (back.length > 0) {
      work.push(
        q(
          updateInIdOrder(
            'unnest($1::bigint[], $2::int[], $3::int[], $4::timestamptz[], $5::text[], $6::jsonb[], $7::boolean[]) AS v(id, attempts, delay_ms, until, reason, error, release)',
            // A send in hand when its run was cancelled is cancelled here, not queued in a run nobody will send.
            `status = CASE WHEN EXISTS (SELECT 1 FROM campaign_runs x WHERE x.id = r.run_id AND x.status = 'cancelled') THEN 'cancelled' ELSE 'queued' END,
             error = COALESCE(v.error, r.error), waiting_reason = v.reason,
             not_before = COALESCE(v.until, now() + make_interval(secs => v.delay_ms / 1000.0), r.not_before),
             attempts = CASE WHEN v.release THEN greatest(r.attempts - 1, 0) ELSE r.attempts END, updated_at = now()`,
            CLAIM_MATCHES,
          ),
          [
            back.map((b) => b.id),
            back.map((b) => b.attempts),
            back.map((b) => b.delayMs),
            back.map((b) => b.until),
            back.map((b) => b.reason),
            back.map((b) => (b.error === null ? null : JSON.stringify(b.error))),
            back.map((b) => b.release),
          ],
        ),
      );
    }
    if (outcome.failed.length > 0) {
      work.push(
        q(
          updateInIdOrder(
            'unnest($1::bigint[], $2::jsonb[], $3::int[]) AS v(id, error, attempts)',
            `error = v.error, failed_at = COALESCE(r.failed_at, now()), status = 'failed', updated_at = now()`,
            CLAIM_MATCHES,
          ),
          [outcome.failed.map((f) => f.id), outcome.failed.map((f) => JSON.stringify(f.error)), outcome.failed.map((f) => f.attempts)],
          ['failed'],
        ),
      );
    }
    if (outcome.inDoubt.length > 0) {
      work.push(
        q(
          // The request is over (no answer): from now on only what comes after it speaks for its status.
          updateInIdOrder(
            'unnest($1::bigint[], $2::jsonb[], $3::int[]) AS v(id, error, attempts)',
            'error = v.error, claimed_by = NULL, updated_at = now()',
            CLAIM_MATCHES,
          ),
          [outcome.inDoubt.map((f) => f.id), outcome.inDoubt.map((f) => JSON.stringify(f.error)), outcome.inDoubt.map((f) => f.attempts)],
        ),
      );
    }
    const unsent = [
      ...outcome.skipped.map((k) => ({ id: k.id, attempts: k.attempts, status: 'skipped', reason: k.reason, error: k.error })),
      ...outcome.expired.map((e) => ({ id: e.id, attempts: e.attempts, status: 'expired', reason: null, error: null })),
    ];
    if (unsent.length > 0) {
      work.push(
        q(
          updateInIdOrder(
            'unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::int[]) AS v(id, status, reason, error, attempts)',
            'status = v.status, skip_reason = v.reason, error = COALESCE(v.error, r.error), waiting_reason = NULL, updated_at = now()',
            CLAIM_MATCHES,
          ),
          [
            unsent.map((u) => u.id),
            unsent.map((u) => u.status),
            unsent.map((u) => u.reason),
            unsent.map((u) => (u.error === null ? null : JSON.stringify(u.error))),
            unsent.map((u) => u.attempts),
          ],
          ['skipped', 'expired'],
        ),
      );
    }
    await Promise.all(work);
    return changed;
  }

  /** Fills in what a recipient's event says of its run: campaign (or blast), channel and tags. One query per batch. */
  async withRunDetails(manager: EntityManager, rows: readonly SendEventRow[]): Promise<SendEventRow[]> {
    if (rows.length === 0) return [];
    const runIds = [...new Set(rows.map((r) => r.run_id!))];
    const runs: Array<{ id: string; campaign_id: string; channel_id: string; tags: string[]; blast: boolean }> = await manager.query(
      `SELECT x.id, x.campaign_id, c.channel_id, x.tags, c.kind = 'blast' AS blast FROM campaign_runs x JOIN campaigns c ON c.id = x.campaign_id WHERE x.id = ANY($1::uuid[])`,
      [runIds],
    );
    const byId = new Map(runs.map((r) => [r.id, r]));
    return rows.map((r) => {
      const run = byId.get(r.run_id!);
      return run === undefined ? r : { ...r, campaign_id: run.campaign_id, channel_id: run.channel_id, tags: run.tags, blast: run.blast };
    });
  }

  /**
   * Recipients still waiting of running or paused runs whose validity ran out (from the run's start: its own
   * validity, else the default for its template's category): expired, never sent late. One statement for every run;
   * returns the runs touched.
   */
  async expireOverdue(defaults: { default: number; authentication: number }, unconfirmedSeconds: number): Promise<string[]> {
    const rows: Array<{ run_id: string }> = await this.dataSource.query(
      `WITH due AS (
         SELECT x.id, x.status FROM campaign_runs x JOIN campaigns c ON c.id = x.campaign_id
          WHERE x.status IN ('running', 'paused', 'cancelled') AND ${runExpiredSql('x', 'c', '$1', '$2')}),
       gone AS (
         UPDATE campaign_recipients r SET status = 'expired', waiting_reason = NULL, updated_at = now()
           FROM due WHERE r.run_id = due.id AND due.status <> 'cancelled' AND r.open_status = 'queued'
         RETURNING r.run_id),
       unconfirmed AS (
         UPDATE campaign_recipients r SET status = 'failed', error = $4::jsonb, failed_at = now(), updated_at = now()
           FROM due WHERE r.run_id = due.id AND r.open_status = 'sending' AND r.in_doubt_since < now() - make_interval(secs => $3)
         RETURNING r.run_id)
       SELECT run_id FROM gone UNION SELECT run_id FROM unconfirmed`,
      [defaults.default, defaults.authentication, unconfirmedSeconds, JSON.stringify(UNCONFIRMED)],
    );
    return rows.map((r) => r.run_id);
  }

  /**
   * What holds a run back: nothing when a queued recipient is due now (it is being sent); else the reason and time
   * of the earliest one waiting (window, quiet hours, tier, backoff). Undefined when none is queued.
   */
  /** Recipients of these runs who pressed a button or replied (through idx_campaign_recipients_replied). */
  async repliedCount(runIds: readonly string[]): Promise<number> {
    if (runIds.length === 0) return 0;
    const rows: Array<{ n: number }> = await this.dataSource.query(
      'SELECT count(*)::int AS n FROM campaign_recipients WHERE run_id = ANY($1::uuid[]) AND action_at IS NOT NULL',
      [runIds],
    );
    return rows[0]!.n;
  }

  async waitingOf(runId: string): Promise<{ dueNow: boolean; reason: string | null; until: Date | null } | undefined> {
    const rows: Array<{ due_now: boolean; reason: string | null; until: Date | null }> = await this.dataSource.query(
      `SELECT d.due_now, w.reason, w.until FROM (SELECT ${dueNowSql('$1')} AS due_now) d
         LEFT JOIN LATERAL (${earliestWaitSql('$1', 'd.due_now = false')}) w ON true`,
      [runId],
    );
    const row = rows[0]!;
    if (!row.due_now && row.reason === null && row.until === null) return undefined;
    return { dueNow: row.due_now, reason: row.reason, until: row.until };
  }

  /** How many of a chunk's queued recipients are due now, counted up to `limit`. */
  async dueCount(runId: string, chunk: number, limit: number, after = '0'): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM campaign_recipients
        WHERE run_id = $1 AND chunk_no = $2 AND id > $4 AND open_status = 'queued' AND (not_before IS NULL OR not_before <= now()) LIMIT $3) d`,
      [runId, chunk, limit, after],
    );
    return rows[0]!.n;
  }

  /** Distinct timezones of a chunk's queued recipients that are due now. */
  async dueZones(runId: string, chunk: number): Promise<string[]> {
    const rows: Array<{ timezone: string }> = await this.dataSource.query(
      `SELECT DISTINCT timezone FROM campaign_recipients WHERE run_id = $1 AND chunk_no = $2 AND open_status = 'queued' AND (not_before IS NULL OR not_before <= now())`,
      [runId, chunk],
    );
    return rows.map((r) => r.timezone);
  }

  /** Recipients of a chunk in zones whose window is closed wait until it opens. */
  async defer(runId: string, chunk: number, zones: ReadonlyArray<{ zone: string; until: Date }>): Promise<void> {
    if (zones.length === 0) return;
    await this.dataSource.query(
      `UPDATE campaign_recipients r SET not_before = v.until, waiting_reason = 'sending_window', updated_at = now()
         FROM unnest($3::text[], $4::timestamptz[]) AS v(zone, until)
        WHERE r.run_id = $1 AND r.chunk_no = $2 AND r.open_status = 'queued' AND r.timezone = v.zone AND (r.not_before IS NULL OR r.not_before < v.until)`,
      [runId, chunk, zones.map((z) => z.zone), zones.map((z) => z.until)],
    );
  }

  /** Defers every due queued recipient of a chunk (tier exhausted) until `until`. */
  async deferChunk(runId: string, chunk: number, until: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE campaign_recipients SET not_before = $3, waiting_reason = 'messaging_tier', updated_at = now()
        WHERE run_id = $1 AND chunk_no = $2 AND open_status = 'queued' AND (not_before IS NULL OR not_before < $3)`,
      [runId, chunk, until],
    );
  }

  /** What is left of a chunk: queued recipients (and when the first is due), and sends in flight. */
  async chunkLeft(runId: string, chunk: number): Promise<{ queued: number; nextDue: Date | null; sending: number }> {
    const rows: Array<{ queued: string; next_due: Date | null; sending: string }> = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'queued') AS queued, min(COALESCE(not_before, now())) FILTER (WHERE status = 'queued') AS next_due,
              count(*) FILTER (WHERE status = 'sending') AS sending
         FROM campaign_recipients r WHERE run_id = $1 AND chunk_no = $2 AND ${unfinishedSql('r')}`,
      [runId, chunk],
    );
    const r = rows[0]!;
    return { queued: Number(r.queued), nextDue: r.next_due, sending: Number(r.sending) };
  }

  /** Chunks of these runs with queued recipients, and when each is next due (for rebuilding lost jobs). */
  async pendingChunks(runIds: readonly string[]): Promise<Array<{ runId: string; chunk: number; due: Date }>> {
    if (runIds.length === 0) return [];
    const rows: Array<{ run_id: string; chunk_no: number; due: Date }> = await this.dataSource.query(
      `SELECT run_id, chunk_no, min(COALESCE(not_before, now())) AS due FROM campaign_recipients
        WHERE run_id = ANY($1::uuid[]) AND open_status = 'queued' GROUP BY run_id, chunk_no`,
      [runIds],
    );
    return rows.map((r) => ({ runId: r.run_id, chunk: r.chunk_no, due: r.due }));
  }

  /**
   * Sends left `sending` for over `seconds` with no word from the provider (the worker died mid-send, or the
   * request got no answer): back to queued when the evidence says the provider never got them — the rule of
   * IN_DOUBT_NEIGHBOURHOOD_SECONDS, over the run's other recipients and `receipts` (StatusReceivers.receipts: when
   * Herald could receive webhooks, when each channel's were received, when each worker was gone). The others stay
   * in doubt. Returns the runs and chunks to hand to a worker again. The runs' recipients the provider took are read
   * once, summed up per run and 5-second bucket.
   */
  async releaseInDoubt(seconds: number, liveClaimOver: number, receipts: StatusReceipts, limit = 10_000): Promise<Array<{ runId: string; chunk: number }>> {
    // Per send in doubt: `over`, when its request was surely over (answered nothing, or its worker gone; null: its
    // worker may still have it out); `lo`..`hi`, the 5-second buckets of its neighbours.
    const rows: Array<{ run_id: string; chunk_no: number }> = await this.dataSource.query(
      `WITH workers AS (${workersSql('$10', '$11')}),
       -- Only sends that may be released now (their wait over, a webhook received since): the many a long outage
       -- leaves held must not fill the batch and keep the others from being looked at.
       doubt AS (
         SELECT r.id, r.run_id, r.updated_at, c.channel_id, o.over, floor(extract(epoch FROM r.sending_at) / 5) AS own,
                floor((extract(epoch FROM r.updated_at) - $3) / 5) AS lo, floor((extract(epoch FROM r.updated_at) + $3) / 5) AS hi
           FROM campaign_recipients r JOIN campaign_runs x ON x.id = r.run_id JOIN campaigns c ON c.id = x.campaign_id,
                LATERAL (SELECT ${requestOverSql('r', 'workers', '$12')} AS over) o
          WHERE ${inDoubtSql('r', '$1')}
            AND o.over <= now() - make_interval(secs => $1) AND ${firstReceiptSql('$9::tstzmultirange', 'o.over')} IS NOT NULL
          ORDER BY r.in_doubt_since LIMIT $2 FOR UPDATE OF r SKIP LOCKED),
       near AS (
         SELECT n.run_id, floor(extract(epoch FROM n.accepted_at) / 5) AS bucket,
                bool_or(n.status = 'accepted' AND n.accepted_at < now() - make_interval(secs => $4)) AS silent
           FROM campaign_recipients n
          WHERE n.run_id IN (SELECT DISTINCT run_id FROM doubt) AND n.accepted_at IS NOT NULL
            AND (n.status = 'accepted' OR n.status = ANY($5::text[]))
          GROUP BY 1, 2),
       -- The runs' sends in flight, counted per run and 5-second bucket of their claim, read once (through
       -- idx_campaign_recipients_in_doubt) instead of once per send in doubt.
       flying AS (
         SELECT f.run_id, floor(extract(epoch FROM f.sending_at) / 5) AS bucket, count(*) AS n
           FROM campaign_recipients f
          WHERE f.open_status = 'sending' AND f.in_doubt_since IS NOT NULL AND f.run_id IN (SELECT DISTINCT run_id FROM doubt)
          GROUP BY 1, 2),
       received AS (SELECT * FROM unnest($7::uuid[], $8::tstzmultirange[]) AS v(channel_id, periods)),
       -- The webhooks that speak for it, and the first of them received after its request was over: its channel's, or
       -- for a lone send (nothing else of its run taken or in flight around it, so its channel had nothing else to
       -- bring) any channel's of its platform.
       evidence AS (
         SELECT d.id, d.over,
                CASE WHEN EXISTS (SELECT 1 FROM near s WHERE s.run_id = d.run_id AND s.bucket BETWEEN d.lo AND d.hi)
                             -- another send in flight (not itself: one fewer in its own bucket) claimed around it
                             OR EXISTS (SELECT 1 FROM flying f WHERE f.run_id = d.run_id AND f.bucket BETWEEN d.lo AND d.hi
                                           AND f.n > CASE WHEN f.bucket = d.own THEN 1 ELSE 0 END)
                           THEN (SELECT v.periods FROM received v WHERE v.channel_id = d.channel_id)
                           ELSE ${platformReceivedSql('d.channel_id', '$13', '$14', '$15', '$16')} END AS periods
           FROM doubt d
          WHERE NOT EXISTS (SELECT 1 FROM near s WHERE s.run_id = d.run_id AND s.bucket BETWEEN d.lo AND d.hi AND s.silent)),
       backs AS (SELECT e.id, e.over, ${firstReceiptSql('e.periods', 'e.over')} AS back FROM evidence e),
       due AS (SELECT b.id, ${releaseSpanSql('b.over', 'b.back', '$1', '$4')} AS span FROM backs b WHERE b.back IS NOT NULL),
       stuck AS (
         UPDATE campaign_recipients r SET status = 'queued', claimed_by = NULL, updated_at = now()
           FROM due
          WHERE r.id = due.id AND upper(due.span) <= now() AND $6::tstzmultirange @> due.span
         RETURNING r.run_id, r.chunk_no)
       SELECT DISTINCT run_id, chunk_no FROM stuck`,
      [
        seconds,
        limit,
        IN_DOUBT_NEIGHBOURHOOD_SECONDS,
        silentAfterSeconds(seconds),
        STATUSES_BY_WEBHOOK,
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
    return rows.map((r) => ({ runId: r.run_id, chunk: r.chunk_no }));
  }

  /** The workers that have recipients `sending` under a numbered claim (idx_campaign_recipients_in_doubt). */
  async claimants(): Promise<string[]> {
    const rows: Array<{ claimed_by: string }> = await this.dataSource.query(
      `SELECT DISTINCT claimed_by FROM campaign_recipients
        WHERE open_status = 'sending' AND in_doubt_since IS NOT NULL AND claimed_by IS NOT NULL AND claim_seq IS NOT NULL`,
    );
    return rows.map((r) => r.claimed_by);
  }

  /**
   * Recipients claimed by workers that are gone and buried (SendWorkers.bury) under a number their departure record
   * does not hold: their request never left the worker (rule 5 of docs/adr/0009-sends-in-doubt.md). Back to queued
   * at once; returns the runs and chunks to hand to a worker again. `attempts` stays as claimed: the next claim
   * raises it, so an outcome the buried worker records late for its claim (it may be alive, only slow) no longer
   * matches the row (the outcome statements match the claim by its attempts).
   */
  async releaseNeverSent(buried: ReadonlyArray<{ id: string; departed: string }>): Promise<Array<{ runId: string; chunk: number }>> {
    if (buried.length === 0) return [];
    const rows: Array<{ run_id: string; chunk_no: number }> = await this.dataSource.query(
      `WITH buried AS (SELECT * FROM unnest($1::uuid[], $2::int8multirange[]) AS b(id, departed)),
       -- Locked in id order first, as the outcome statements lock theirs (updateInIdOrder), so the two cannot deadlock.
       locked AS (
         SELECT r.id FROM campaign_recipients r JOIN buried b ON r.claimed_by = b.id
          WHERE r.open_status = 'sending' AND r.in_doubt_since IS NOT NULL AND r.claim_seq IS NOT NULL AND NOT (b.departed @> r.claim_seq)
          ORDER BY r.id FOR UPDATE OF r),
       unsent AS (
         UPDATE campaign_recipients r SET status = 'queued', claimed_by = NULL, claim_seq = NULL, updated_at = now()
           FROM locked WHERE r.id = locked.id
         RETURNING r.run_id, r.chunk_no)
       SELECT DISTINCT run_id, chunk_no FROM unsent`,
      [buried.map((b) => b.id), buried.map((b) => b.departed)],
    );
    return rows.map((r) => ({ runId: r.run_id, chunk: r.chunk_no }));
  }

  /**
   * When the oldest send left in doubt for over `seconds` was claimed (idx_campaign_recipients_in_doubt; null: none),
   * and the channels of the sends in doubt.
   */
  async inDoubt(seconds: number): Promise<{ since: Date | null; channelIds: string[] }> {
    const rows: Array<{ since: Date | null; channel_ids: string[] | null }> = await this.dataSource.query(
      `SELECT min(r.in_doubt_since) AS since, array_agg(DISTINCT c.channel_id) AS channel_ids
         FROM campaign_recipients r JOIN campaign_runs x ON x.id = r.run_id JOIN campaigns c ON c.id = x.campaign_id
        WHERE ${inDoubtSql('r', '$1')}`,
      [seconds],
    );
    return { since: rows[0]?.since ?? null, channelIds: rows[0]?.channel_ids ?? [] };
  }

  /** Recipients still waiting of a run that is cancelled: they will never be sent. */
  async cancelQueued(manager: EntityManager, runId: string): Promise<void> {
    await manager.query(
      `UPDATE campaign_recipients SET status = 'cancelled', updated_at = now() WHERE run_id = $1 AND open_status = 'queued'`,
      [runId],
    );
  }

  /**
   * Recipients back in the queue of a run that was cancelled meanwhile (one found in doubt and released, or a send
   * in hand whose outcome was recorded as the cancel committed; the others are cancelled as they are recorded):
   * cancelled too. Returns how many.
   */
  async cancelStrays(): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `WITH strays AS (
         UPDATE campaign_recipients r SET status = 'cancelled', updated_at = now()
           FROM campaign_runs x WHERE x.id = r.run_id AND x.status = 'cancelled' AND r.open_status = 'queued'
         RETURNING 1)
       SELECT count(*) AS n FROM strays`,
    );
    return Number(rows[0]!.n);
  }

  /** Failed recipients whose failure was transient go back to the queue (retry-failed). Returns how many. */
  async requeueTransientFailures(manager: EntityManager, runId: string): Promise<number> {
    const rows: Array<{ n: string }> = await manager.query(
      `WITH again AS (
         UPDATE campaign_recipients SET status = 'queued', error = NULL, failed_at = NULL, accepted_at = NULL, not_before = NULL, attempts = 0, updated_at = now()
          WHERE run_id = $1 AND status = 'failed' AND (${RETRYABLE_SQL})
         RETURNING 1)
       SELECT count(*) AS n FROM again`,
      [runId],
    );
    return Number(rows[0]!.n);
  }

  /** One page of a run's recipients for export, in id order after `after`. */
  async exportPage(runId: string, status: string | null, after: string, limit: number): Promise<RecipientExportRow[]> {
    return this.dataSource.query(
      `SELECT r.id, r.to_number AS number, c.name, r.status, r.skip_reason AS "skipReason", r.error->>'code' AS "errorCode", r.error->>'title' AS "errorTitle", r.error->>'details' AS "errorDetails",
              r.sent_at AS "sentAt", r.delivered_at AS "deliveredAt", r.read_at AS "readAt", r.action, r.run_id AS "runId"
         FROM campaign_recipients r LEFT JOIN contacts c ON c.id = r.contact_id
        WHERE r.run_id = $1 AND r.id > $2 ${status === null ? '' : 'AND r.status = $4'}
        ORDER BY r.id LIMIT $3`,
      status === null ? [runId, after, limit] : [runId, after, limit, status],
    );
  }

  /**
   * A page of a workspace's campaign sends for `GET /v1/messages`: runs newest first (by start), each run's
   * recipients in reverse send order (chunk, then id: the recipients index, so any run is read from its end, not
   * scanned). `after` is the last row of the previous page. Up to `limit` rows.
   */
  async sendsPage(workspaceId: string, f: SendFilter, limit: number, after?: SendsPosition): Promise<CampaignSendRow[]> {
    const run = ['c.workspace_id = $1', 'run.started_at IS NOT NULL'];
    const rec: string[] = [];
    const params: unknown[] = [workspaceId];
    const add = (where: string[], sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.campaignId !== undefined) add(run, (p) => `run.campaign_id = ${p}::uuid`, f.campaignId);
    if (f.tag !== undefined) add(run, (p) => `run.tags @> ARRAY[${p}]::text[]`, f.tag);
    if (f.runId !== undefined) add(run, (p) => `run.id = ${p}::uuid`, f.runId);
    if (f.template !== undefined) add(run, (p) => `c.template_name = ${p}`, f.template);
    if (f.from !== undefined) add(run, (p) => `run.started_at >= ${p}`, f.from);
    if (f.to !== undefined) add(run, (p) => `run.started_at < ${p}`, f.to);
    if (f.status !== undefined) add(rec, (p) => `r.status = ${p}`, f.status);
    if (f.number !== undefined) add(rec, (p) => `r.to_number = ${p}`, f.number);
    if (after !== undefined) {
      params.push(after.runId, after.chunkNo, after.id);
      const [pr, pc, pi] = [params.length - 2, params.length - 1, params.length];
      run.push(`(run.started_at, run.id) <= (SELECT started_at, id FROM campaign_runs WHERE id = $${pr}::uuid)`);
      rec.push(`(r.run_id <> $${pr}::uuid OR (r.chunk_no, r.id) < ($${pc}::int, $${pi}::bigint))`);
    }
    params.push(limit);
    return this.dataSource.query(
      `SELECT r.id, r.run_id, run.campaign_id, c.channel_id, r.contact_id, r.to_number, r.status, r.skip_reason, r.params, r.chunk_no,
              r.not_before, r.waiting_reason, r.attempts, r.provider_message_id, r.error, r.pricing, r.sending_at, r.accepted_at,
              r.sent_at, r.delivered_at, r.read_at, r.failed_at, r.updated_at, run.started_at, run.validity_seconds, run.tags,
              c.template_name, c.language_code, c.template_type, c.template_params
         FROM campaign_runs run
         JOIN campaigns c ON c.id = run.campaign_id
         CROSS JOIN LATERAL (
           SELECT * FROM campaign_recipients r WHERE r.run_id = run.id ${rec.map((w) => `AND ${w}`).join(' ')}
            ORDER BY r.chunk_no DESC, r.id DESC LIMIT $${params.length}) r
        WHERE ${run.join(' AND ')}
        ORDER BY run.started_at DESC, run.id DESC, r.chunk_no DESC, r.id DESC
        LIMIT $${params.length}`,
      params,
    );
  }

  /** One campaign send by its recipient id, in the workspace. */
  async sendById(workspaceId: string, id: string): Promise<CampaignSendRow | undefined> {
    const rows: CampaignSendRow[] = await this.dataSource.query(
      `SELECT r.id, r.run_id, run.campaign_id, c.channel_id, r.contact_id, r.to_number, r.status, r.skip_reason, r.params, r.chunk_no,
              r.not_before, r.waiting_reason, r.attempts, r.provider_message_id, r.error, r.pricing, r.sending_at, r.accepted_at,
              r.sent_at, r.delivered_at, r.read_at, r.failed_at, r.updated_at, run.started_at, run.validity_seconds, run.tags,
              c.template_name, c.language_code, c.template_type, c.template_params
         FROM campaign_recipients r JOIN campaign_runs run ON run.id = r.run_id JOIN campaigns c ON c.id = run.campaign_id
        WHERE r.id = $1 AND r.workspace_id = $2`,
      [id, workspaceId],
    );
    return rows[0];
  }

  /** Statuses from provider events, for recipients (matched by wamid or by `r:<id>` as callback data). */
  async applyStatuses(manager: EntityManager, rows: readonly StatusRow[], withEvents = false): Promise<AppliedStatuses> {
    if (rows.length === 0) return { matched: 0, updated: 0, failed: [], events: [] };
    const applied = toApplied(
      await manager.query(
        statusUpdateSql(
          'campaign_recipients',
          `CASE WHEN s.callback ~ '^r:[0-9]{1,18}$' THEN substring(s.callback from 3)::bigint END`,
          withEvents ? RECIPIENT_EVENT_COLUMNS.replaceAll('r.', 'm.') : undefined,
        ),
        statusParams(rows),
      ),
    );
    if (!withEvents) return applied;
    const events = (applied.events as unknown as Array<SendEventRow & { send_error: SendEventRow['error'] }>).map(({ send_error, ...r }) => ({ ...r, error: send_error }));
    return { ...applied, events: await this.withRunDetails(manager, events) };
  }

  /**
   * Replies to campaign messages: the recipient keeps the button pressed or the text as its `action`. Returns the
   * presses of input buttons (payload `input:<field>`) with the campaign's input group, for the contacts library.
   * An input button with a `reply` records that text instead of its label (the button with the press's payload, the
   * one with the pressed label first when several share a field).
   */
  async applyReplies(
    manager: EntityManager,
    replies: ReadonlyArray<{ workspaceId: string; context: string; text: string | null; payload: string | null; at: Date }>,
  ): Promise<Array<{ groupPk: string; contactId: string; field: string; value: string }>> {
    if (replies.length === 0) return [];
    const rows: Array<{ group_pk: string; contact_id: string; field: string; value: string }> = await manager.query(
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS i(workspace_id, context, text, payload, at)),
       -- Locked in id order, as statuses and the workers' outcomes lock recipients.
       locked AS (
         SELECT r.id FROM campaign_recipients r JOIN i ON r.provider_message_id = i.context AND r.workspace_id = i.workspace_id
          ORDER BY r.id FOR UPDATE OF r),
       acted AS (
         UPDATE campaign_recipients r SET action = left(coalesce(pressed.reply, i.text, i.payload), 1000), action_at = i.at, updated_at = now()
           FROM i CROSS JOIN LATERAL (
                  SELECT (SELECT b->>'reply' FROM campaign_runs cr JOIN campaigns c ON c.id = cr.campaign_id
                                CROSS JOIN LATERAL jsonb_array_elements(c.buttons) AS b
                          WHERE cr.id = r2.run_id AND b->>'type' = 'input' AND i.payload = 'input:' || (b->>'input') AND b->>'reply' IS NOT NULL
                          ORDER BY (b->>'text') IS NOT DISTINCT FROM i.text DESC LIMIT 1) AS reply
                    FROM campaign_recipients r2 WHERE r2.provider_message_id = i.context AND r2.workspace_id = i.workspace_id LIMIT 1) AS pressed,
                locked
          WHERE r.id = locked.id AND r.provider_message_id = i.context AND r.workspace_id = i.workspace_id
         RETURNING r.run_id, r.contact_id, i.payload, i.text, pressed.reply)
       SELECT c.input_group_pk AS group_pk, acted.contact_id, substring(acted.payload from 7) AS field, left(coalesce(acted.reply, acted.text, ''), 1000) AS value
         FROM acted JOIN campaign_runs cr ON cr.id = acted.run_id JOIN campaigns c ON c.id = cr.campaign_id
        WHERE acted.payload LIKE 'input:%' AND c.input_group_pk IS NOT NULL`,
      [replies.map((r) => r.workspaceId), replies.map((r) => r.context), replies.map((r) => r.text), replies.map((r) => r.payload), replies.map((r) => r.at)],
    );
    return rows.map((r) => ({ groupPk: r.group_pk, contactId: r.contact_id, field: r.field, value: r.value }));
  }


}
