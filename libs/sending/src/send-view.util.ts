import type { SendClicksView } from '@herald/links';
import { STATUS_RANK, type MessageStatus, type SendState } from './send-status.util';
import type { MessageError, SendCategory, SendPricing, SkipReason, WaitReason } from './send.types';

export interface StatusStep {
  readonly status: MessageStatus;
  readonly at: Date;
}

/**
 * One send as the API shows it, whichever source it came from: a single message (`id` a uuid) or a campaign
 * run's recipient (`id` is `r:<recipient id>`, with `campaignId` and `runId`). `GET /v1/messages` lists both.
 */
export interface SendView {
  /** Its tracked links' clicks, when it had tracked links and one was clicked. */
  readonly clicks?: SendClicksView;
  readonly id: string;
  readonly channelId: string;
  readonly to: string;
  readonly contactId: string;
  readonly type: string;
  readonly content: Record<string, unknown>;
  readonly template: string | null;
  readonly status: SendState;
  readonly category: SendCategory | null;
  readonly scheduledFor: Date | null;
  readonly expiresAt: Date | null;
  /** Why a send that is due is not being made, and until when. */
  readonly waiting: { readonly reason: WaitReason; readonly until: Date | null } | null;
  /** Why it was never sent; `error.details` says more (for a missing variable, its name). */
  readonly skipReason: SkipReason | null;
  /** Every status reached, with the time it was first reached. */
  readonly statuses: StatusStep[];
  readonly error: MessageError | null;
  readonly providerMessageId: string | null;
  /** What the provider charges for it, as its status webhooks reported (null until one did). */
  readonly pricing: SendPricing | null;
  readonly attempts: number;
  readonly tags: string[];
  readonly requestId: string | null;
  readonly customArgs: Record<string, unknown>;
  /** A single message's own callback URL. */
  readonly callbackUrl?: string | null;
  readonly campaignId: string | null;
  readonly runId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Filters of `GET /v1/messages`, parsed and checked at the edge; each source applies those it has. */
export interface SendFilter {
  readonly status?: SendState;
  readonly tag?: string;
  readonly template?: string;
  readonly number?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Only this campaign's (or run's) sends: single messages never match. */
  readonly campaignId?: string;
  readonly runId?: string;
}

/** The times every table of sends keeps, one per status reached (null: not reached). */
export interface SendTimesRow {
  sending_at: Date | null;
  accepted_at: Date | null;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
}

/**
 * The statuses a send reached, from the times its row keeps and when it was queued (null: never queued), in the
 * order of a send's life (the provider's times have whole seconds, Herald's milliseconds, so times alone could
 * misorder them).
 */
export function statusSteps(queuedAt: Date | null, row: SendTimesRow): StatusStep[] {
  const times: Array<readonly [MessageStatus, Date | null]> = [
    ['queued', queuedAt],
    ['sending', row.sending_at],
    ['accepted', row.accepted_at],
    ['sent', row.sent_at],
    ['delivered', row.delivered_at],
    ['read', row.read_at],
    ['failed', row.failed_at],
  ];
  return times
    .filter((s): s is readonly [MessageStatus, Date] => s[1] !== null)
    .map(([status, at]) => ({ status, at }))
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]);
}
