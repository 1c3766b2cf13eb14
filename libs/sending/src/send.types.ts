import type { OutboundMessage } from '@herald/channels';

/** An error as Herald records it on a send: the provider's code and words (or Herald's), and where to read more. */
export interface MessageError {
  readonly code: string;
  readonly title: string;
  readonly details: string;
  readonly docsUrl?: string;
  readonly category?: string;
}

/**
 * What the provider will charge for a send, as its status webhooks report it (Meta: per delivered message since
 * 2025-07-01). `category` is the provider's pricing category (marketing, marketing_lite, utility, authentication,
 * authentication_international, service, referral_conversion); `type` says whether and why it is free.
 */
export interface SendPricing {
  readonly billable: boolean | null;
  readonly category: string | null;
  readonly pricingModel: string | null;
  readonly type: string | null;
}

/**
 * What a send is, for the rules that depend on it: a template's category as the provider reports it, or
 * `service` for a free-form message (allowed only inside the customer-service window).
 */
export const SEND_CATEGORIES = ['marketing', 'utility', 'authentication', 'service'] as const;
export type SendCategory = (typeof SEND_CATEGORIES)[number];

/** Why a send that is due is not being sent now. */
export const WAIT_REASONS = [
  'sending_window',
  'quiet_hours',
  'messaging_tier',
  'rate_limit',
  'template_pending',
  'channel_paused',
  'backoff',
  /** Sends that got no answer (a worker killed mid-request, a timeout), waiting for their status from the provider. */
  'unconfirmed',
] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

/** Why a send was never made, decided by a check at claim time. */
export const SKIP_REASONS = ['opted_out', 'not_on_whatsapp', 'frequency_cap', 'missing_variable', 'no_identity', 'unreachable', 'outside_service_window'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * One send a source has claimed (queued → sending in its own table): everything the pipeline needs to check,
 * send and classify it. Sources build the message; the pipeline never reads their tables.
 */
export interface ClaimedSend {
  /** The source's own id of the row. */
  readonly id: string;
  /** Echoed by the provider in this send's status webhooks (a message's uuid, or `r:<recipient id>`). */
  readonly callbackData: string;
  readonly workspaceId: string;
  readonly contactId: string;
  /** E.164 with '+'. */
  readonly to: string;
  readonly message: OutboundMessage;
  /** Tries so far, this one included. */
  readonly attempts: number;
  readonly category: SendCategory;
  /** Not sent after this: it becomes `expired`. */
  readonly expiresAt: Date | null;
  /** The recipient's IANA zone (quiet hours are in the recipient's local time). */
  readonly timezone: string | null;
  readonly ignoreQuietHours: boolean;
  /** Counts towards, and is held to, the workspace's frequency cap (marketing sends of campaigns; single ones when asked). */
  readonly frequencyCapped: boolean;
  /** Herald built the message from input it had already validated: the adapter need not check it again. */
  readonly prevalidated: boolean;
  /** The worker identity that claimed it (`claimed_by`) and the claim's sequence number (`claim_seq`): SendWorkers. */
  readonly claimedBy: string;
  readonly seq: number;
}

/** What became of a batch of claimed sends; sources record it set-based, one statement per kind present. */
export interface SendOutcomes {
  /** `sent`: the platform has no later "sent" status (Messenger, Instagram, Telegram): record the send as sent now. */
  readonly accepted: Array<{ id: string; providerMessageId: string; held: boolean; sent?: boolean }>;
  /** Transient failures: back to queued, not before `delayMs` from now. `attempts`: as claimed. */
  readonly retry: Array<{ id: string; error: MessageError; delayMs: number; attempts: number }>;
  /** `attempts` (as claimed, here and below): an outcome is recorded only on the claim it was decided for. */
  readonly failed: Array<{ id: string; error: MessageError; attempts: number }>;
  /** No answer: the provider may have it. Stays `sending` until its status webhook or the in-doubt timeout. */
  readonly inDoubt: Array<{ id: string; error: MessageError; attempts: number }>;
  /** Claimed but not sent (slot missed, shutting down): back to queued as if never claimed. */
  readonly released: Array<{ id: string; attempts: number }>;
  /** Refused by a check at claim time (opted out, frequency cap): never sent. */
  readonly skipped: Array<{ id: string; attempts: number; reason: SkipReason; error: MessageError }>;
  /** Its validity ran out before it could be sent: never sent. */
  readonly expired: Array<{ id: string; attempts: number }>;
  /** Must wait (quiet hours, tier, paused channel): back to queued, not before `until`, saying why. */
  readonly deferred: Array<{ id: string; attempts: number; until: Date; reason: WaitReason }>;
}

/** What an accepted send is recorded as: `sent` where the platform reports nothing later (Telegram, Messenger, Instagram). */
export function acceptedStatus(a: SendOutcomes['accepted'][number]): 'sent' | 'held' | 'accepted' {
  return a.sent ? 'sent' : a.held ? 'held' : 'accepted';
}

export function emptyOutcomes(): SendOutcomes {
  return { accepted: [], retry: [], failed: [], inDoubt: [], released: [], skipped: [], expired: [], deferred: [] };
}

/** A send that failed, and the contact it was for: what the policy acts on beyond the send. */
export interface SendFailure {
  readonly channelId: string;
  readonly contactId: string;
  readonly error: Pick<MessageError, 'code' | 'title' | 'details'> & { readonly category?: string; readonly retryAfterMs?: number };
}

/** What a source tells `SendPipeline.send` beyond its sends. */
export interface SendOptions {
  /**
   * Whether the batch's sends are still wanted (a campaign run: still running). Given, a send that lost its slot may
   * take a fresh one seconds ahead instead of going back to the queue, and this is asked right before it.
   */
  readonly stillWanted?: () => Promise<boolean>;
}
