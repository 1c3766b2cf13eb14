import type { MessagePricing, ProviderError, ProviderErrorCategory } from '@herald/channels';
import type { MessageError, SendCategory, SendPricing } from './send.types';

/**
 * The one provider policy, for every send of every source (single messages, campaign recipients, later blasts
 * and other channels), whether the error came back on the send or later in a status webhook. Provider codes are
 * named in one place only — the provider adapter's map from its codes to a `ProviderErrorCategory`
 * (libs/channels/src/whatsapp/graph-error.util.ts) — and this module decides by category: what becomes of the
 * send (`decide`: retry when, fail, or wait for the provider's word) and what it means beyond the send
 * (`effectsOf`: hold the number, pause the channel, mark the number, opt the contact out).
 */

/** How long a number is held after the provider said it is over its throughput (unless it said how long). */
export const THROTTLE_PAUSE_MS = 1_000;
/** The longest backoff between two tries of one send (pair-rate escalation and exponential backoff alike). */
export const MAX_BACKOFF_MS = 15 * 60_000;
/** Meta: do not send a marketing template blocked by its per-user cap (131049) again within 24 h. */
export const MARKETING_CAP_RETRY_AFTER_MS = 86_400_000;

/** Transport failures where the request certainly never reached the provider: safe to send again at once. */
const NEVER_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT|EHOSTUNREACH|ENETUNREACH)\b/;

export function toMessageError(e: ProviderError): MessageError {
  return { code: e.code, title: e.title, details: e.details, category: e.category, ...(e.docsUrl ? { docsUrl: e.docsUrl } : {}) };
}

/** The provider's pricing of a send as Herald keeps it (null when the status carried none). */
export function toSendPricing(p: MessagePricing | undefined): SendPricing | null {
  if (p === undefined) return null;
  const text = (v: string | undefined, max: number) => (v === undefined || v === '' ? null : v.toLowerCase().slice(0, max));
  return { billable: p.billable ?? null, category: text(p.category, 32), pricingModel: p.pricingModel?.slice(0, 16) ?? null, type: text(p.type, 32) };
}

/**
 * A request that got no answer (timeout, connection dropped after sending) may have been taken by the provider:
 * its status webhook, which echoes our callback data, will tell. Never send such a one again blindly.
 */
export function maybeSent(error: ProviderError): boolean {
  return (error.code === 'timeout' || error.code === 'network_error') && !NEVER_SENT.test(error.details);
}

/**
 * A send in doubt (claimed, then no answer recorded: a worker killed mid-request, a timeout) got no status for
 * SEND_UNCONFIRMED_AFTER_SECONDS. That proves it never reached the provider only if Herald would have received its
 * status: Meta retries undelivered webhooks for days, so while Herald's API was down or unreachable (a deploy, a
 * host reboot, a broken proxy) a missing status means nothing, and sending again sends twice. Its neighbours are
 * the sends of the same source (the run; a single message: its channel) the provider took within this many
 * seconds of it. It is sent again only when all of these hold:
 *  - no neighbour is still without a status after half the in-doubt time (one would show statuses were lost then);
 *  - its request was surely over (`over`): its worker gone (SendWorkers: 3 s after its last beat; a worker that cannot
 *    beat sends nothing), or, if that worker recorded no answer (a timeout), when it did;
 *  - webhooks of its channel — for a lone send (nothing else of its source taken or in flight around it), of any
 *    channel of its platform — were *received* after `over` (StatusReceivers: the times the API stored them); the first at `back`;
 *  - an API process of Herald was up from `over` until the later of `over` + SEND_UNCONFIRMED_AFTER_SECONDS and
 *    `back` + (`back` − `over`) + half that wait (webhooks back late: its own status may be in a later round of the
 *    provider's retries), and that time has passed.
 * Otherwise it stays in doubt: settled by its own status when that comes, sent again once the evidence is there,
 * or failed `unconfirmed` (final, never sent again) when its validity runs out. docs/adr/0009-sends-in-doubt.md.
 */
export const IN_DOUBT_NEIGHBOURHOOD_SECONDS = 60;

/**
 * A claim of a worker that still lives is surely over this long after it was made: its sends wait for slots no longer
 * than a share of the in-doubt wait (RESLOT_SHARE_OF_UNCONFIRMED), then the request times out. Only a claim whose
 * outcome could not be recorded is still `sending` then (a timeout clears `claimed_by` when it is recorded).
 */
export function liveClaimOverSeconds(unconfirmedAfterSeconds: number, providerTimeoutMs: number): number {
  return unconfirmedAfterSeconds + Math.ceil(providerTimeoutMs / 1_000);
}

/** A neighbour the provider took counts as silent once its status is this late (half the in-doubt time, in seconds). */
export function silentAfterSeconds(unconfirmedAfterSeconds: number): number {
  return Math.ceil(unconfirmedAfterSeconds / 2);
}

/**
 * Statuses only a provider's webhook brings: a neighbour the provider took in one of them shows statuses were arriving.
 * `messages.answer` (a generated column, migration 1797600000000) spells the same list in SQL: change both together.
 */
export const STATUSES_BY_WEBHOOK = ['sent', 'delivered', 'read'] as const;

/** A send still in doubt when its validity ran out: never sent again (it may have gone out), final. */
export const UNCONFIRMED: MessageError = {
  code: 'unconfirmed',
  title: 'Not confirmed by the provider',
  details:
    'The request got no answer and no status came from the provider before the send\'s validity ran out, and nothing Herald received after the request was over showed that its status would have come: it may or may not have reached the recipient. It was not sent again, so that it is never sent twice.',
  category: 'unknown',
};

/** What becomes of one send the provider refused (or did not answer). */
export type SendDecision =
  /** Back to the queue, not before `delayMs` from now. */
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** Final for this try. */
  | { readonly kind: 'failed' }
  /** No answer: stays `sending` until its status webhook says what happened, or the in-doubt timeout. */
  | { readonly kind: 'in_doubt' };

/**
 * The one backoff rule. The provider's own word wins (Retry-After, or the wait its documentation advises for the
 * code); a pair-rate refusal (131056) escalates as Meta advises, 4^X seconds before retry X; anything else
 * doubles from 1 s. `attempts`: tries so far, the failed one included.
 */
export function backoffMs(error: ProviderError, attempts: number): number {
  const tries = Math.max(1, attempts);
  if (error.category === 'pair_rate_limited') return Math.min(MAX_BACKOFF_MS, 1_000 * 4 ** tries);
  return Math.min(MAX_BACKOFF_MS, error.retryAfterMs ?? Math.min(60_000, 1_000 * 2 ** (tries - 1)));
}

/** What becomes of a send that failed with `error` on its `attempts`-th try, when at most `maxAttempts` are allowed. */
export function decide(error: ProviderError, attempts: number, maxAttempts: number): SendDecision {
  if (!error.retriable) return { kind: 'failed' };
  if (maybeSent(error)) return { kind: 'in_doubt' };
  if (attempts >= maxAttempts) return { kind: 'failed' };
  return { kind: 'retry', delayMs: backoffMs(error, attempts) };
}

/** What an error means beyond the one send. */
export interface PolicyEffects {
  /** Hold every send of the number for this long (throughput exceeded). */
  readonly holdNumberMs?: number;
  /** The channel cannot send until a person fixes it (token, account, spam limit). */
  readonly pauseChannel?: boolean;
  /** The recipient's number is not on WhatsApp: skipped by later sends. */
  readonly markNotOnWhatsApp?: boolean;
  /** The recipient cannot be reached on this channel (blocked it, never started it): skipped there by later sends. */
  readonly markUnreachable?: boolean;
  /** The recipient stopped marketing messages: opt the contact out of marketing. */
  readonly optOutMarketing?: boolean;
}

/** The effects of a category, exhaustively: a new category does not compile until it is given its policy here. */
export function effectsOf(error: Pick<ProviderError, 'category' | 'retryAfterMs'>): PolicyEffects {
  const category: ProviderErrorCategory = error.category;
  switch (category) {
    case 'throttled':
      return { holdNumberMs: error.retryAfterMs ?? THROTTLE_PAUSE_MS };
    case 'not_on_whatsapp':
      return { markNotOnWhatsApp: true };
    case 'recipient_unreachable':
      return { markUnreachable: true };
    case 'marketing_opt_out':
      return { optOutMarketing: true };
    case 'auth_expired':
    case 'channel_blocked':
    case 'spam_limited':
      return { pauseChannel: true };
    case 'pair_rate_limited':
    case 'throughput_upgrade':
    case 'api_rate_limited':
    case 'transient':
    case 'outside_service_window':
    case 'marketing_cap':
    case 'marketing_experiment':
    case 'invalid_request':
    case 'template_problem':
    case 'unknown':
      return {};
  }
}

/**
 * Failed sends `retry-failed` may put back in the queue, and from when: transient failures at once; Meta's
 * per-user marketing cap (131049) only 24 h after the failure; never a marketing experiment (130472), an opt-out
 * or a request the provider refused as wrong.
 */
export const RETRYABLE_FAILURES: ReadonlyArray<{ readonly category: ProviderErrorCategory; readonly afterMs: number }> = [
  { category: 'transient', afterMs: 0 },
  { category: 'throttled', afterMs: 0 },
  { category: 'api_rate_limited', afterMs: 0 },
  { category: 'pair_rate_limited', afterMs: 0 },
  { category: 'throughput_upgrade', afterMs: 0 },
  { category: 'marketing_cap', afterMs: MARKETING_CAP_RETRY_AFTER_MS },
];

/** How long a send stays valid when its caller does not say: 36 h; 10 minutes for authentication templates. */
export const DEFAULT_VALIDITY_SECONDS = 36 * 3_600;
export const AUTHENTICATION_VALIDITY_SECONDS = 600;
/** The longest validity a caller may ask for. */
export const MAX_VALIDITY_SECONDS = 30 * 86_400;

/** The validity a send has: its own, or its category's default. */
export function validitySecondsOf(validitySeconds: number | null, category: SendCategory | null): number {
  return validitySeconds ?? (category === 'authentication' ? AUTHENTICATION_VALIDITY_SECONDS : DEFAULT_VALIDITY_SECONDS);
}

/** When a send due at `dueAt` stops being valid: never sent after it (it becomes `expired`). */
export function expiresAt(dueAt: Date, validitySeconds: number | null, category: SendCategory | null): Date {
  return new Date(dueAt.getTime() + validitySecondsOf(validitySeconds, category) * 1000);
}
