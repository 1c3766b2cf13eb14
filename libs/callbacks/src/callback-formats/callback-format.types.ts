import { CALLBACK_EVENT_TYPES, type CallbackEventType } from '../callback-event.types';

/**
 * How an endpoint's deliveries are shaped and signed. `herald` is Herald's own envelope and `Herald-Signature`; the
 * others render the same events the way a vendor's client already parses them, so a client moved from that vendor to
 * Herald keeps its webhook receiver. Part of the public API: never rename one once shipped.
 */
export const CALLBACK_FORMATS = ['herald', 'engagelab', 'bird', 'cloud-api'] as const;
export type CallbackFormat = (typeof CALLBACK_FORMATS)[number];
export const DEFAULT_CALLBACK_FORMAT: CallbackFormat = 'herald';

/**
 * The event types each format can render. Subscribing a vendor-format endpoint to another type is refused (400):
 * the vendor has no shape for it, and a silent drop would look like an outage to the client.
 */
export const FORMAT_EVENT_TYPES: Readonly<Record<CallbackFormat, readonly CallbackEventType[]>> = {
  herald: CALLBACK_EVENT_TYPES,
  engagelab: ['message.status'],
  bird: ['message.status', 'message.inbound'],
  'cloud-api': ['message.status', 'message.inbound'],
};

export function isCallbackFormat(value: unknown): value is CallbackFormat {
  return typeof value === 'string' && (CALLBACK_FORMATS as readonly string[]).includes(value);
}

/** Herald's envelope as the outbox stored it (`envelopeOf`). */
export interface CallbackEnvelope {
  readonly id: string;
  readonly type: string;
  readonly createdAt: string;
  readonly workspaceId: string;
  readonly data: Record<string, unknown>;
}

/** What a vendor shape needs of the channel an event is about (its sending number), read from the channels library. */
export interface SenderFacts {
  readonly kind: string;
  readonly phoneNumberId: string;
  /** As the channel was configured (e.g. "+1 555 010 0000"). */
  readonly displayPhoneNumber: string;
  readonly wabaId: string;
}

/** What to post for one delivery, or why nothing is posted (the delivery is then recorded `skipped`). */
export type Rendering = { readonly body: string } | { readonly skip: string };

/** The digits of a number (Meta writes numbers and WhatsApp ids without `+`, spaces or dashes). */
export function digitsOf(number: string | null | undefined): string {
  return (number ?? '').replace(/\D/g, '');
}

/** Unix seconds of an ISO time (now for a missing or unreadable one). */
export function unixSeconds(iso: unknown): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000);
}

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const rec = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
