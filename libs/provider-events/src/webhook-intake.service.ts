import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { ChannelsService, verifySignature, type ChannelKind } from '@herald/channels';
import { HeraldError } from '@herald/common';
import { ApiConfig } from '@herald/config';
import { JobName, JobQueue, stampedJobId } from '@herald/queues';
import { WebhookRepository } from './webhook.repository';


function notFound(): HeraldError {
  return new HeraldError('not_found', 'channel_not_found', 'No channel with this id exists.');
}

/**
 * The API's side of provider webhooks: the verification handshake, and intake of signed POSTs. A POST is
 * checked against the channel's app secret on its raw bytes, stored in Postgres as it came (Postgres parses it)
 * and acknowledged; a worker applies it, with the others stored at about the same time. Nothing unsigned is stored.
 */
@Injectable()
export class WebhookIntake implements OnModuleDestroy {
  private readonly logger = new Logger(WebhookIntake.name);
  private pending?: { eventId: string; timer: NodeJS.Timeout };

  constructor(
    private readonly channels: ChannelsService,
    private readonly events: WebhookRepository,
    private readonly queue: JobQueue,
    private readonly config: ApiConfig,
  ) {}

  /** For /metrics: events set aside as unappliable, and the age of the oldest one waiting to be applied. */
  backlog(): Promise<{ failed: number; oldestWaitingSeconds: number }> {
    return this.events.backlog();
  }

  /** Meta's GET handshake: echo `hub.challenge` when `hub.verify_token` is the channel's. */
  async handshake(channelId: string, query: Record<string, unknown>, kind: ChannelKind): Promise<string> {
    const channel = await this.channels.forSending(channelId);
    if (!channel || channel.type !== kind) throw notFound();
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    if (mode !== 'subscribe' || typeof token !== 'string' || token !== channel.secrets.verifyToken) {
      throw new HeraldError('forbidden', 'verification_failed', 'hub.mode must be subscribe and hub.verify_token must be this channel\'s verify token.');
    }
    if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 200) {
      throw new HeraldError('invalid', 'validation_failed', 'hub.challenge is missing.', [{ field: 'hub.challenge', issue: 'is required' }]);
    }
    return challenge;
  }

  /**
   * Verifies and stores one webhook POST, then hands it to a worker. Returns the stored event's id. `proof` is the
   * X-Hub-Signature-256 header (WhatsApp, Messenger, Instagram: HMAC of the raw body with the app secret) or
   * Telegram's X-Telegram-Bot-Api-Secret-Token (the secret given to setWebhook, compared in constant time).
   */
  async receive(channelId: string, rawBody: Buffer | undefined, proof: string | undefined, kind: ChannelKind): Promise<string> {
    // Wall time, not the injectable clock: compared with Postgres' now() by the in-doubt rule (StatusReceivers).
    const arrivedAt = new Date();
    const channel = await this.channels.forSending(channelId);
    if (!channel || channel.type !== kind) throw notFound();
    if (kind === 'telegram') {
      if (rawBody === undefined || !sameSecret(proof, channel.secrets.verifyToken)) {
        throw new HeraldError('unauthorized', 'invalid_secret_token', "X-Telegram-Bot-Api-Secret-Token is missing or is not this channel's webhook secret.");
      }
    } else if (rawBody === undefined || !verifySignature(rawBody, proof, channel.secrets.appSecret)) {
      throw new HeraldError('unauthorized', 'invalid_signature', 'X-Hub-Signature-256 is missing or does not match this channel\'s app secret.');
    }
    const stored = await this.events.store(channel.id, rawBody.toString('utf8'), arrivedAt);
    if ('refused' in stored) {
      throw stored.refused === 'not_json'
        ? new HeraldError('invalid', 'invalid_json', 'The webhook body is not JSON.')
        : new HeraldError('invalid', 'body_too_deep', 'The webhook body nests deeper than any provider sends.');
    }
    this.applySoon(stored.id);
    return stored.id;
  }

  /**
   * Asks a worker to apply `eventId` within WEBHOOK_APPLY_DELAY_MS, together with every event stored before the
   * ask: POSTs that arrive together (a provider flushing its queue) share one job, which takes the newest event
   * and the oldest others (`WebhookApplier`). Once an ask is on its way, the next event waits for an ask of its own.
   *
   * The wait is what lets the statuses of one message coalesce: Meta sends `sent` and `delivered` about a second
   * apart, and statuses applied in one batch change each row once (a status update rewrites the row and its
   * index entries, about 30 µs of Postgres CPU each; three in one batch cost half of three apart: BENCHMARKS.md).
   */
  private applySoon(eventId: string): void {
    if (this.pending) {
      this.pending.eventId = eventId;
      return;
    }
    this.pending = { eventId, timer: setTimeout(() => void this.enqueue(), this.config.webhookApplyDelayMs) };
  }

  private async enqueue(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    const { eventId } = pending;
    await this.queue.add(JobName.ApplyWebhooks, { eventId }, { jobId: stampedJobId(`webhook-${eventId}`, Date.now()) }).catch((error: unknown) => {
      this.logger.warn(`webhook events up to ${eventId} wait for the sweep: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Stopping: ask for what is stored now rather than leave it to the sweep. */
  async onModuleDestroy(): Promise<void> {
    await this.enqueue();
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
