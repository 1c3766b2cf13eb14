import type { PhoneNumberRegistry } from './phone-number-registry.service';
import type { Random } from './random.util';
import type { AcceptedMessage, RuntimeConfig, StatusItem, StatusName } from './simulator.types';
import { planStatuses } from './status-plan.util';
import { TimerWheel } from './timer-wheel.util';
import { chunk, shakeStatuses } from './webhook-batch.util';
import type { WebhookDelivery } from './webhook-delivery.service';
import { statusesEnvelope, statusItem } from './webhook-payload.util';

interface ScheduledStatus {
  message: AcceptedMessage;
  status: StatusName;
}

/**
 * The life of an accepted message after the answer: its planned statuses wait in one timer wheel (not a timer
 * each); when due they are buffered per phone number and posted in batches of at most `maxStatusesPerPost`,
 * whenever a buffer fills and every `flushIntervalMs`, with the configured duplicates and reordering.
 */
export class StatusWebhooks {
  private readonly wheel: TimerWheel<ScheduledStatus>;
  private readonly buffers = new Map<string, StatusItem[]>();
  private readonly heldBack = new Map<string, StatusItem[]>();
  private buffered = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly registry: PhoneNumberRegistry,
    private readonly delivery: WebhookDelivery,
    private readonly config: () => RuntimeConfig,
    private readonly random: () => Random,
    private readonly now: () => number = Date.now,
  ) {
    this.wheel = new TimerWheel((entry) => this.due(entry), { resolutionMs: 5, now });
  }

  /** Statuses waiting for their time. */
  get pending(): number {
    return this.wheel.size;
  }

  /** Statuses due and waiting for a POST. */
  get bufferedCount(): number {
    return this.buffered;
  }

  schedule(message: AcceptedMessage, acceptedAt: number): void {
    if (this.stopped) return;
    const plan = planStatuses(
      message.recipientId,
      this.config().statuses,
      this.random(),
      message.failureCode !== undefined,
      message.holdMs ?? 0,
    );
    for (const step of plan) {
      this.wheel.schedule(acceptedAt + step.afterMs, { message, status: step.status });
    }
  }

  /** Posts everything buffered now. */
  flushAll(): void {
    const ids = new Set([...this.buffers.keys(), ...this.heldBack.keys()]);
    for (const id of ids) this.flushPhone(id);
  }

  /** Drops every planned and buffered status. */
  clear(): void {
    this.wheel.clear();
    this.buffers.clear();
    this.heldBack.clear();
    this.buffered = 0;
    this.disarm();
  }

  stop(): void {
    this.stopped = true;
    this.wheel.stop();
    this.clear();
  }

  private due(entry: ScheduledStatus): void {
    const phoneNumberId = entry.message.phoneNumberId;
    const phone = this.registry.get(phoneNumberId);
    if (!phone?.webhookUrl) return;
    const config = this.config();
    const item = statusItem(entry.message, entry.status, this.now(), config.statuses.includePricing);
    let buffer = this.buffers.get(phoneNumberId);
    if (!buffer) {
      buffer = [];
      this.buffers.set(phoneNumberId, buffer);
    }
    buffer.push(item);
    this.buffered += 1;
    if (buffer.length >= config.webhooks.maxStatusesPerPost) this.flushPhone(phoneNumberId);
    this.arm();
  }

  private flushPhone(phoneNumberId: string): void {
    const fresh = this.buffers.get(phoneNumberId) ?? [];
    const held = this.heldBack.get(phoneNumberId) ?? [];
    this.buffers.delete(phoneNumberId);
    this.heldBack.delete(phoneNumberId);
    this.buffered -= fresh.length + held.length;
    const phone = this.registry.get(phoneNumberId);
    if (!phone?.webhookUrl) return;
    const config = this.config();
    const shaken = shakeStatuses(
      held,
      fresh,
      this.random(),
      config.statuses.duplicateProbability,
      config.statuses.reorderProbability,
    );
    if (shaken.later.length > 0) {
      this.heldBack.set(phoneNumberId, shaken.later);
      this.buffered += shaken.later.length;
    }
    for (const batch of chunk(shaken.now, config.webhooks.maxStatusesPerPost)) {
      this.delivery.post({
        url: phone.webhookUrl,
        appSecret: phone.appSecret,
        payload: statusesEnvelope(phone, batch),
        kind: 'statuses',
        statuses: batch.map((item) => item.status),
      });
    }
  }

  private arm(): void {
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushAll();
      if (this.buffered > 0) this.arm();
    }, this.config().webhooks.flushIntervalMs);
    this.flushTimer.unref();
  }

  private disarm(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }
}
