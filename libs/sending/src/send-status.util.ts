/**
 * A message's life. The status only moves forward, by rank: a duplicate or late webhook never moves it
 * back. `failed` outranks `sent` (the provider gave up after accepting) but not `delivered`/`read`: a
 * message the recipient got was not a failure, whatever arrives after.
 */
export const MESSAGE_STATUSES = ['queued', 'sending', 'accepted', 'sent', 'failed', 'delivered', 'read'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const STATUS_RANK: Readonly<Record<MessageStatus, number>> = Object.fromEntries(MESSAGE_STATUSES.map((s, i) => [s, i])) as Record<
  MessageStatus,
  number
>;

/** The status after `next` is reported for a message at `current`. */
export function advance(current: MessageStatus, next: MessageStatus): MessageStatus {
  return STATUS_RANK[next] > STATUS_RANK[current] ? next : current;
}

/** SQL: the rank of a status column or value, for monotonic updates in set-based statements. */
export function rankSql(expression: string): string {
  return `array_position(ARRAY[${MESSAGE_STATUSES.map((s) => `'${s}'`).join(',')}]::text[], ${expression}::text)`;
}

export function isMessageStatus(value: unknown): value is MessageStatus {
  return typeof value === 'string' && (MESSAGE_STATUSES as readonly string[]).includes(value);
}
