import { MESSAGE_STATUSES, rankSql } from './send-status.util';
import type { SendEventRow } from './send-events.util';
import type { MessageError, SendPricing } from './send.types';

/** One status from a provider event, scoped to the workspace of the channel it came through. */
export interface StatusRow {
  workspaceId: string;
  providerMessageId: string;
  callbackData: string | null;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error: MessageError | null;
  /** The pricing the status reported (Meta sends it on sent/delivered), kept on the send. */
  pricing: SendPricing | null;
}

/** What applying statuses changed: failures (whatever the row's status became) with the contact, for the policy. */
export interface AppliedStatuses {
  matched: number;
  updated: number;
  failed: Array<{ contactId: string; providerMessageId: string; error: MessageError }>;
  /** The steps sends newly took, for `message.status` events (asked for with event columns; else empty). */
  events: SendEventRow[];
}

/**
 * SQL: send row `row` is still the claim an outcome (`v`, with its `attempts`) was decided for: `sending`, at the
 * attempts it was claimed with. A claim released meanwhile (in doubt, or by a burial) and claimed again has one attempt
 * more, so an outcome its first worker records late — a check's skip, a failure, an answer that never came — cannot
 * land on the next claim (whose send it would misreport, or whose worker it would erase). Every outcome statement of
 * every source matches so, but the acceptance: the provider took that request, whatever the row is now.
 */
export function claimMatchSql(row: string): string {
  return `${row}.status = 'sending' AND ${row}.attempts = v.attempts`;
}

const STATUS_ARRAY = `ARRAY[${MESSAGE_STATUSES.map((s) => `'${s}'`).join(',')}]::text[]`;

/**
 * One set-based, monotonic status update of a table of sends from unnested statuses ($1..$7): each status is
 * matched by the provider's id, else by our own id echoed as callback data (`idFromCallback`, SQL over
 * `s.callback`); its status only moves forward, each step keeps its first time, a failure is recorded only when
 * the send ends failed, and the latest pricing reported is kept. Rows are locked in id order (as every other statement on these rows does) so concurrent
 * statements cannot deadlock. Used by the owner of each table of sends, for its own table.
 */
export function statusUpdateSql(table: string, idFromCallback: string, eventColumns?: string): string {
  // With event columns: what each send now is (for `message.status` events), and the steps it newly took.
  const events =
    eventColumns === undefined
      ? ''
      : `, ${eventColumns}, next.new_status AS status, m.accepted_at AS step_accepted_at, next.sent_at AS step_sent_at,
         next.delivered_at AS step_delivered_at, next.read_at AS step_read_at, next.failed_at AS step_failed_at,
         array_remove(ARRAY[
           -- A status before the send's own answer was recorded: the provider took it, and that is told first.
           CASE WHEN next.old_accepted_at IS NULL AND m.accepted_at IS NOT NULL AND next.new_status <> 'failed' THEN 'accepted' END,
           CASE WHEN next.old_sent_at IS NULL AND next.sent_at IS NOT NULL THEN 'sent' END,
           CASE WHEN next.old_delivered_at IS NULL AND next.delivered_at IS NOT NULL THEN 'delivered' END,
           CASE WHEN next.old_read_at IS NULL AND next.read_at IS NOT NULL THEN 'read' END,
           CASE WHEN next.new_status = 'failed' AND next.old_status IS DISTINCT FROM 'failed' THEN 'failed' END], NULL) AS steps`;
  return `WITH s AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::jsonb[])
           AS s(workspace_id, wamid, callback, status, at, error, pricing)),
       matched AS (
         SELECT s.*, COALESCE(
                  (SELECT m.id FROM ${table} m WHERE m.provider_message_id = s.wamid AND m.workspace_id = s.workspace_id),
                  (SELECT m.id FROM ${table} m WHERE m.id = ${idFromCallback} AND m.workspace_id = s.workspace_id)) AS row_id
           FROM s),
       agg AS (
         SELECT row_id, min(wamid) AS wamid,
                min(at) FILTER (WHERE status = 'sent') AS sent_at,
                min(at) FILTER (WHERE status = 'delivered') AS delivered_at,
                min(at) FILTER (WHERE status = 'read') AS read_at,
                min(at) FILTER (WHERE status = 'failed') AS failed_at,
                (array_agg(error ORDER BY at DESC) FILTER (WHERE status = 'failed'))[1] AS error,
                (array_agg(pricing ORDER BY at DESC) FILTER (WHERE pricing IS NOT NULL))[1] AS pricing,
                max(${rankSql('status')}) AS top
           FROM matched WHERE row_id IS NOT NULL GROUP BY row_id),
       next AS (
         SELECT agg.*, m.status AS old_status, m.accepted_at AS old_accepted_at, m.sent_at AS old_sent_at, m.delivered_at AS old_delivered_at, m.read_at AS old_read_at,
                CASE WHEN agg.top > ${rankSql('m.status')} THEN (${STATUS_ARRAY})[agg.top] ELSE m.status END AS new_status
           FROM agg JOIN ${table} m ON m.id = agg.row_id
          WHERE ${rankSql('m.status')} IS NOT NULL
          ORDER BY agg.row_id FOR UPDATE OF m),
       updated AS (
         UPDATE ${table} m SET
                provider_message_id = COALESCE(m.provider_message_id, next.wamid),
                -- A status webhook means the provider took it, even when our worker died before recording that.
                accepted_at = COALESCE(m.accepted_at, LEAST(next.sent_at, next.delivered_at, next.read_at, next.failed_at)),
                sent_at = COALESCE(m.sent_at, next.sent_at),
                delivered_at = COALESCE(m.delivered_at, next.delivered_at),
                read_at = COALESCE(m.read_at, next.read_at),
                failed_at = COALESCE(m.failed_at, next.failed_at),
                -- Herald's own 'unconfirmed' (no answer, no status by the end of its validity) was a guess: a status past
                -- 'failed' shows the provider took it after all.
                error = CASE WHEN next.new_status = 'failed' AND next.error IS NOT NULL THEN next.error
                             WHEN next.new_status IN ('delivered', 'read') AND m.error->>'code' = 'unconfirmed' THEN NULL
                             ELSE m.error END,
                pricing = COALESCE(next.pricing, m.pricing),
                status = next.new_status,
                updated_at = now()
           FROM next WHERE m.id = next.row_id
         RETURNING m.contact_id, next.wamid, next.error, next.old_status IS DISTINCT FROM next.new_status AS changed${events})
       SELECT * FROM updated`;
}

export function statusParams(rows: readonly StatusRow[]): unknown[] {
  return [
    rows.map((r) => r.workspaceId),
    rows.map((r) => r.providerMessageId),
    rows.map((r) => r.callbackData),
    rows.map((r) => r.status),
    rows.map((r) => r.at),
    rows.map((r) => (r.error === null ? null : JSON.stringify(r.error))),
    rows.map((r) => (r.pricing === null ? null : JSON.stringify(r.pricing))),
  ];
}

/** A row of `statusUpdateSql` with event columns: the steps it newly took, with their times. */
export interface StatusStepsRow {
  steps: string[];
  step_accepted_at: Date | null;
  step_sent_at: Date | null;
  step_delivered_at: Date | null;
  step_read_at: Date | null;
  step_failed_at: Date | null;
}

/** One `SendEventRow` per step a send newly took (sent, delivered, read, failed), at that step's time. */
export function statusStepRows<R extends StatusStepsRow & Omit<SendEventRow, 'status' | 'at'>>(rows: readonly R[]): SendEventRow[] {
  const out: SendEventRow[] = [];
  for (const r of rows) {
    for (const step of r.steps ?? []) {
      const at = (r as unknown as Record<string, Date | null>)[`step_${step}_at`] ?? new Date();
      out.push({ ...r, status: step as SendEventRow['status'], at });
    }
  }
  return out;
}

export function toApplied(
  result: Array<{ contact_id: string; wamid: string; error: MessageError | null; changed: boolean } & Partial<StatusStepsRow>>,
): AppliedStatuses {
  return {
    matched: result.length,
    updated: result.filter((r) => r.changed).length,
    failed: result.filter((r) => r.error !== null && r.error !== undefined).map((r) => ({ contactId: r.contact_id, providerMessageId: r.wamid, error: r.error! })),
    events: result.length > 0 && result[0]!.steps !== undefined ? statusStepRows(result as unknown as Array<StatusStepsRow & Omit<SendEventRow, 'status' | 'at'>>) : [],
  };
}
