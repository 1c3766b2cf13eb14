import type { CallbackFormat } from './callback-formats/callback-format.types';

/**
 * The most events one POST to an endpoint may carry (`batchSize`). 1, the default, posts each event alone with its
 * envelope as the body; above 1 the events due together are posted as `{"events": [envelope, ...]}`, 1 to
 * `batchSize` of them and at most CALLBACK_BATCH_MAX_BYTES.
 */
export const CALLBACK_BATCH_SIZE_MAX = 100;

/**
 * The most bytes of envelopes one batched POST carries: an event's envelope can hold 4 KB of `customArgs`, an
 * inbound message's text, a run's tags, so 100 of them could pass the 100 KB body limit receivers' JSON parsers
 * commonly default to (Express's), and that receiver would refuse every full batch. An envelope larger than this
 * goes alone, as it would without batches.
 */
export const CALLBACK_BATCH_MAX_BYTES = 64 * 1024;

/** An endpoint as the API shows it (never its secret, except once in `CreatedEndpoint`). */
export interface EndpointView {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  /** How its deliveries are shaped and signed: `herald`, or a vendor's webhook shape (docs/CALLBACKS.md, formats). */
  readonly format: CallbackFormat;
  /** Most events per POST: 1 (each event alone) or up to CALLBACK_BATCH_SIZE_MAX (`{"events": [...]}`). */
  readonly batchSize: number;
  readonly description: string | null;
  readonly enabled: boolean;
  /** Why it was disabled (after failing for 3 days, or through the API), null while enabled. */
  readonly disabledReason: string | null;
  readonly disabledAt: string | null;
  /** Since when its deliveries have been failing with no success between; null when healthy. */
  readonly failingSince: string | null;
  readonly secretCreatedAt: string;
  /** After a rotation: until when the previous secret still signs deliveries too. */
  readonly previousSecretExpiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Shown once: on creation and on rotation. */
export interface EndpointWithSecret extends EndpointView {
  readonly secret: string;
}

export interface EndpointInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly description?: string | null;
  /** `herald` when not given. */
  readonly format?: string;
  /** 1 when not given. */
  readonly batchSize?: number;
}

export interface EndpointChange {
  readonly url?: string;
  readonly events?: readonly string[];
  readonly enabled?: boolean;
  readonly description?: string | null;
  readonly format?: string;
  readonly batchSize?: number;
}

/**
 * `skipped`: the endpoint's format has no shape for that event (e.g. a `ping` to a `cloud-api` endpoint, or a
 * `queued` status Meta never reports): nothing was posted, `lastError` says why. Final like delivered and failed.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One delivery of the log. */
export interface DeliveryView {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastLatencyMs: number | null;
  readonly lastError: string | null;
  readonly lastResponse: string | null;
  readonly lastAttemptAt: string | null;
  /** When it will be tried next (pending only). */
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly createdAt: string;
}

export interface DeliveryPage {
  readonly data: DeliveryView[];
  readonly nextCursor: string | null;
}

export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  /** An event type, or an event id. */
  readonly event?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface CallbackSecretView {
  readonly exists: boolean;
  readonly createdAt: string | null;
  readonly previousSecretExpiresAt: string | null;
}

export interface CallbackSecretWithSecret {
  readonly secret: string;
  readonly createdAt: string;
  readonly previousSecretExpiresAt: string | null;
}
