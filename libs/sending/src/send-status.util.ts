/**
 * A send's life, the same for a single message and a campaign recipient. The provider-facing statuses only
 * move forward, by rank: a duplicate or late webhook never moves one back. `failed` outranks `sent` (the
 * provider gave up after accepting) but not `delivered`/`read`: a message the recipient got was not a failure,
 * whatever arrives after. `held` is Meta's `held_for_quality_assessment`: accepted, neither sent nor failed
 * until its next status arrives.
 */
export const MESSAGE_STATUSES = ['queued', 'sending', 'accepted', 'held', 'sent', 'failed', 'delivered', 'read'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * States outside the ranked life, never moved by a provider status: `scheduled` (not due yet), and the ends of
 * a send that was never made — `expired` (its validity ran out first), `cancelled`, `skipped` (a check at claim
 * time refused it: opted out, frequency cap…).
 */
export const UNSENT_STATES = ['scheduled', 'expired', 'cancelled', 'skipped'] as const;
export type UnsentState = (typeof UNSENT_STATES)[number];
export type SendState = MessageStatus | UnsentState;
export const SEND_STATES: readonly SendState[] = ['scheduled', ...MESSAGE_STATUSES, 'expired', 'cancelled', 'skipped'];

export const STATUS_RANK: Readonly<Record<MessageStatus, number>> = Object.fromEntries(MESSAGE_STATUSES.map((s, i) => [s, i])) as Record<
  MessageStatus,
  number
>;

/** The status after `next` is reported for a message at `current`. */
export function advance(current: MessageStatus, next: MessageStatus): MessageStatus {
  return STATUS_RANK[next] > STATUS_RANK[current] ? next : current;
}

/** SQL: the rank of a status column or value (NULL for the unsent states), for monotonic set-based updates. */
export function rankSql(expression: string): string {
  return `array_position(ARRAY[${MESSAGE_STATUSES.map((s) => `'${s}'`).join(',')}]::text[], ${expression}::text)`;
}

export function isMessageStatus(value: unknown): value is MessageStatus {
  return typeof value === 'string' && (MESSAGE_STATUSES as readonly string[]).includes(value);
}

export function isSendState(value: unknown): value is SendState {
  return typeof value === 'string' && (SEND_STATES as readonly string[]).includes(value);
}
