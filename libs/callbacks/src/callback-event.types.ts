/**
 * The events Herald tells a workspace's systems about (callback endpoints subscribe to some of them). These
 * strings are part of the public API: never rename one once shipped.
 */
export const CALLBACK_EVENT_TYPES = [
  'message.status',
  'message.inbound',
  'message.clicked',
  'run.status',
  'template.status',
  'import.status',
  'contact.opted_out',
] as const;
export type CallbackEventType = (typeof CALLBACK_EVENT_TYPES)[number];

/** One event as a producer hands it to the outbox. */
export interface CallbackEventInput {
  readonly workspaceId: string;
  readonly type: CallbackEventType;
  /** When the change it reports happened. */
  readonly occurredAt: Date;
  /** The event's `data`, as JSON. */
  readonly data: Record<string, unknown>;
  /** Also delivered to this URL (a send's own `callbackUrl`), signed with the workspace's callback secret. */
  readonly callbackUrl?: string | null;
}

/** What `record` wrote, for `kick` after the commit. */
export interface CallbackKick {
  readonly endpointIds: readonly string[];
  /** Deliveries to per-send callback URLs were written too. */
  readonly direct: boolean;
  /** The workspaces whose per-send callback URL deliveries were written (when `direct`). */
  readonly directWorkspaceIds?: readonly string[];
}

export const NO_KICK: CallbackKick = { endpointIds: [], direct: false, directWorkspaceIds: [] };

/** Events Herald makes about callbacks themselves (not subscribable: sent to whom they concern). */
export const PING_EVENT_TYPE = 'ping';
/** Told to the workspace's other enabled endpoints when one is disabled after failing for 3 days. */
export const ENDPOINT_DISABLED_EVENT_TYPE = 'webhook_endpoint.disabled';
