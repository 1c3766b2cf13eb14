import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, decodeIdCursor, encodeIdCursor, HeraldError, isUuid } from '@herald/common';
import { CallbacksConfig, SecretsConfig } from '@herald/config';
import { CallbackDeliveryRepository, type DeliveryRow } from './callback-delivery.repository';
import { CallbackEndpointRepository, type EndpointRow } from './callback-endpoint.repository';
import { CALLBACK_EVENT_TYPES, PING_EVENT_TYPE } from './callback-event.types';
import {
  CALLBACK_FORMATS,
  DEFAULT_CALLBACK_FORMAT,
  FORMAT_EVENT_TYPES,
  isCallbackFormat,
  type CallbackFormat,
} from './callback-formats/callback-format.types';
import { CallbackOutbox, envelopeOf } from './callback-outbox.service';
import { newSigningSecret, PREVIOUS_SECRET_VALID_MS, sealSecret } from './callback-secret.util';
import { CallbackUrls } from './callback-urls.service';
import {
  CALLBACK_BATCH_SIZE_MAX,
  type DeliveryPage,
  type DeliveryQuery,
  type DeliveryStatus,
  type DeliveryView,
  type EndpointChange,
  type EndpointInput,
  type EndpointView,
  type EndpointWithSecret,
} from './callbacks.types';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const DELIVERY_ID = /^\d{1,18}$/;

export function endpointView(r: EndpointRow): EndpointView {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    format: isCallbackFormat(r.format) ? r.format : DEFAULT_CALLBACK_FORMAT,
    batchSize: r.batch_size,
    description: r.description,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    disabledAt: iso(r.disabled_at),
    failingSince: iso(r.failing_since),
    secretCreatedAt: r.secret_created_at.toISOString(),
    previousSecretExpiresAt: iso(r.previous_secret_expires_at),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function deliveryView(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastLatencyMs: r.last_latency_ms,
    lastError: r.last_error,
    lastResponse: r.last_response,
    lastAttemptAt: iso(r.last_attempt_at),
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    deliveredAt: iso(r.delivered_at),
    createdAt: r.created_at.toISOString(),
  };
}

/** Event types an endpoint may subscribe to: known ones, each once. */
function checkedEvents(events: readonly string[]): string[] {
  const unknown = events.filter((e) => !(CALLBACK_EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length > 0) {
    throw new HeraldError(
      'invalid',
      'validation_failed',
      `events has unknown types: ${unknown.join(', ')} (known: ${CALLBACK_EVENT_TYPES.join(', ')}).`,
      [{ field: 'events', issue: `unknown types ${unknown.join(', ')}` }],
    );
  }
  if (events.length === 0) throw HeraldError.invalid('events', 'must list at least one event type');
  return [...new Set(events)];
}

/** A known format (400 naming the allowed values otherwise). */
function checkedFormat(format: string): CallbackFormat {
  if (isCallbackFormat(format)) return format;
  throw new HeraldError(
    'invalid',
    'validation_failed',
    `format must be one of ${CALLBACK_FORMATS.join(', ')} (got "${String(format)}").`,
    [{ field: 'format', issue: `must be one of ${CALLBACK_FORMATS.join(', ')}` }],
  );
}

/** A vendor format receives only the event types its vendor has a shape for: anything else is refused, not dropped. */
function checkFormatEvents(format: CallbackFormat, events: readonly string[]): void {
  const allowed: readonly string[] = FORMAT_EVENT_TYPES[format];
  const refused = events.filter((e) => !allowed.includes(e));
  if (refused.length === 0) return;
  throw new HeraldError(
    'invalid',
    'unsupported_event_for_format',
    `A "${format}" endpoint can receive only ${allowed.join(', ')}: the vendor's webhooks have no shape for ${refused.join(', ')}. Use a "herald" endpoint for those.`,
    [{ field: 'events', issue: `${refused.join(', ')} not available in format ${format}` }],
  );
}

/** A whole number of events per POST, 1 to CALLBACK_BATCH_SIZE_MAX (400 otherwise). */
function checkedBatchSize(batchSize: unknown): number {
  if (Number.isInteger(batchSize) && (batchSize as number) >= 1 && (batchSize as number) <= CALLBACK_BATCH_SIZE_MAX)
    return batchSize as number;
  throw HeraldError.invalid(
    'batchSize',
    `must be a whole number from 1 to ${CALLBACK_BATCH_SIZE_MAX} (got ${JSON.stringify(batchSize)})`,
  );
}

/**
 * Several events per POST is Herald's own shape (`{"events": [...]}`): a vendor format posts what its vendor posts,
 * one event at a time, so it takes batchSize 1 only.
 */
function checkFormatBatching(format: CallbackFormat, batchSize: number): void {
  if (batchSize === 1 || format === 'herald') return;
  throw new HeraldError(
    'invalid',
    'batching_unsupported_for_format',
    `A "${format}" endpoint receives one event per POST, as the vendor posts them: batchSize must be 1 (got ${batchSize}). Batches ({"events": [...]}) are Herald's own format: use a "herald" endpoint.`,
    [{ field: 'batchSize', issue: `must be 1 with format ${format}` }],
  );
}

/** The workspace's callback endpoints: create, change, rotate secrets, test, and their delivery log. */
@Injectable()
export class CallbackEndpoints {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: CallbackEndpointRepository,
    private readonly deliveries: CallbackDeliveryRepository,
    private readonly outbox: CallbackOutbox,
    private readonly urls: CallbackUrls,
    private readonly clock: Clock,
    private readonly secrets: SecretsConfig,
    private readonly config: CallbacksConfig,
  ) {}

  async create(workspaceId: string, input: EndpointInput): Promise<EndpointWithSecret> {
    const events = checkedEvents(input.events);
    const format = checkedFormat(input.format ?? DEFAULT_CALLBACK_FORMAT);
    checkFormatEvents(format, events);
    const batchSize = checkedBatchSize(input.batchSize ?? 1);
    checkFormatBatching(format, batchSize);
    await this.urls.check(input.url);
    const secret = newSigningSecret();
    const row = await this.endpoints.insert({
      workspaceId,
      url: input.url,
      events,
      format,
      batchSize,
      description: input.description ?? null,
      secretSealed: sealSecret(secret, this.secrets.secretsKey),
      now: this.clock.now().toJSDate(),
    });
    return { ...endpointView(row), secret };
  }

  async list(workspaceId: string): Promise<EndpointView[]> {
    return (await this.endpoints.list(workspaceId)).map(endpointView);
  }

  async get(workspaceId: string, id: string): Promise<EndpointView> {
    return endpointView(await this.row(workspaceId, id));
  }

  async update(workspaceId: string, id: string, change: EndpointChange): Promise<EndpointView> {
    const current = await this.row(workspaceId, id);
    const events = change.events === undefined ? undefined : checkedEvents(change.events);
    const format = change.format === undefined ? undefined : checkedFormat(change.format);
    const batchSize = change.batchSize === undefined ? undefined : checkedBatchSize(change.batchSize);
    const formatAfter = format ?? (isCallbackFormat(current.format) ? current.format : DEFAULT_CALLBACK_FORMAT);
    if (events !== undefined || format !== undefined) checkFormatEvents(formatAfter, events ?? current.events);
    if (batchSize !== undefined || format !== undefined) checkFormatBatching(formatAfter, batchSize ?? current.batch_size);
    if (change.url !== undefined) await this.urls.check(change.url);
    const row = await this.endpoints.update(
      workspaceId,
      id,
      {
        ...(change.url !== undefined ? { url: change.url } : {}),
        ...(events ? { events } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
        ...(format !== undefined ? { format } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
      },
      this.clock.now().toJSDate(),
    );
    if (!row) throw HeraldError.notFound('webhook endpoint', id);
    if (change.enabled === true) await this.outbox.kick({ endpointIds: [id], direct: false });
    return endpointView(row);
  }

  /** Deletes the endpoint and its delivery log (pending deliveries are dropped with it). */
  async remove(workspaceId: string, id: string): Promise<void> {
    if (!isUuid(id)) throw HeraldError.notFound('webhook endpoint', id);
    if (!(await this.dataSource.transaction((m) => this.endpoints.delete(workspaceId, id, m)))) throw HeraldError.notFound('webhook endpoint', id);
    // Then its deliveries, a batch at a time (a dead endpoint may have millions); the sweeper ignores them meanwhile.
    await this.deliveries.deleteOfEndpoint(id);
  }

  /** A new secret, shown once; the previous one keeps signing (alongside) for 24 h. */
  async rotate(workspaceId: string, id: string): Promise<EndpointWithSecret> {
    await this.row(workspaceId, id);
    const now = this.clock.now().toJSDate();
    const secret = newSigningSecret();
    const row = await this.endpoints.rotate(
      workspaceId,
      id,
      sealSecret(secret, this.secrets.secretsKey),
      now,
      new Date(now.getTime() + PREVIOUS_SECRET_VALID_MS),
    );
    if (!row) throw HeraldError.notFound('webhook endpoint', id);
    return { ...endpointView(row), secret };
  }

  /** A `ping` event for this endpoint alone, delivered like any other (and in its log). */
  async ping(workspaceId: string, id: string): Promise<{ eventId: string; deliveryId: string }> {
    const endpoint = await this.row(workspaceId, id);
    if (!endpoint.enabled)
      throw new HeraldError(
        'conflict',
        'webhook_endpoint_disabled',
        'The endpoint is disabled: enable it (PATCH {"enabled": true}) before testing it.',
      );
    const now = this.clock.now().toJSDate();
    const eventId = randomUUID();
    const body = envelopeOf(eventId, PING_EVENT_TYPE, now, workspaceId, { endpointId: id, message: 'A test event from Herald.' });
    const [deliveryId] = await this.dataSource.transaction(async (m) => {
      await this.deliveries.insertEvents([{ id: eventId, workspaceId, type: PING_EVENT_TYPE, createdAt: now, body }], m);
      return this.deliveries.insertDeliveries(
        [{ eventId, eventType: PING_EVENT_TYPE, workspaceId, endpointId: id, url: null }],
        now,
        m,
      );
    });
    await this.outbox.kick({ endpointIds: [id], direct: false });
    return { eventId, deliveryId: deliveryId! };
  }

  async deliveriesOf(workspaceId: string, id: string, query: DeliveryQuery): Promise<DeliveryPage> {
    await this.row(workspaceId, id);
    const limit = query.limit ?? 50;
    const beforeId = decodeIdCursor('d', query.cursor);
    const event = query.event;
    const rows = await this.deliveries.log(workspaceId, id, {
      limit: limit + 1,
      ...(query.status ? { status: query.status } : {}),
      ...(event ? (isUuid(event) ? { eventId: event } : { eventType: event }) : {}),
      ...(beforeId ? { beforeId } : {}),
    });
    const page = rows.slice(0, limit);
    return {
      data: page.map(deliveryView),
      nextCursor: rows.length > limit ? encodeIdCursor('d', page[page.length - 1]!.id) : null,
    };
  }

  async redeliver(workspaceId: string, id: string, deliveryId: string): Promise<DeliveryView> {
    const endpoint = await this.row(workspaceId, id);
    if (!DELIVERY_ID.test(deliveryId)) throw HeraldError.notFound('delivery', deliveryId);
    const row = await this.deliveries.redeliver(workspaceId, id, deliveryId, this.clock.now().toJSDate());
    if (!row) throw this.deliveryGone(deliveryId);
    if (endpoint.enabled) await this.outbox.kick({ endpointIds: [id], direct: false });
    return deliveryView(row);
  }

  async redeliverRange(
    workspaceId: string,
    id: string,
    range: { from: Date; to: Date; status: DeliveryStatus },
  ): Promise<{ redelivered: number }> {
    const endpoint = await this.row(workspaceId, id);
    if (range.to.getTime() <= range.from.getTime()) throw HeraldError.invalid('to', 'must be after from');
    const n = await this.deliveries.redeliverRange(
      workspaceId,
      id,
      range.status,
      range.from,
      range.to,
      this.clock.now().toJSDate(),
    );
    if (n > 0 && endpoint.enabled) await this.outbox.kick({ endpointIds: [id], direct: false });
    return { redelivered: n };
  }

  /**
   * No such delivery on this endpoint: never one, or deleted by retention (finished deliveries go
   * CALLBACK_RETENTION_DAYS after their last attempt, with their event). The 404 says so.
   */
  private deliveryGone(deliveryId: string): HeraldError {
    const days = this.config.callbackRetentionDays;
    return new HeraldError(
      'not_found',
      'delivery_not_found',
      `No delivery with id "${deliveryId}" exists for this webhook endpoint. Finished deliveries are deleted ${days} day${days === 1 ? '' : 's'} after their last attempt (CALLBACK_RETENTION_DAYS): one older than that can no longer be redelivered.`,
      [{ field: 'deliveryId', issue: `not found (finished deliveries are kept ${days} days)` }],
    );
  }

  private async row(workspaceId: string, id: string): Promise<EndpointRow> {
    const row = isUuid(id) ? await this.endpoints.find(workspaceId, id) : undefined;
    if (!row) throw HeraldError.notFound('webhook endpoint', id);
    return row;
  }
}

