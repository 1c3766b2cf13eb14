import { randomBytes } from 'node:crypto';
import { MessagingLimits } from './messaging-limit.util';
import { PairRateLimiter } from './pair-rate.util';
import { PhoneNumberRegistry } from './phone-number-registry.service';
import { createRandom, pickInRange, type Random } from './random.util';
import { ServiceWindows } from './service-window.util';
import { inPeriodicBurst } from './fault-injection.util';
import { defaultRuntimeConfig, mergeRuntimeConfig, type ConfigMerge } from './simulator.config';
import { SimulatorStats } from './simulator-stats.service';
import type { PhoneNumberRegistration, RuntimeConfig, StoredTemplate } from './simulator.types';
import { StatusWebhooks } from './status-webhook.service';
import { TemplateStore } from './template-store.service';
import type { TemplateSeed } from './template-request.util';
import { TimerWheel } from './timer-wheel.util';
import { UploadStore } from './upload-store.service';
import { MediaStore } from './media-store.service';
import { Platforms } from './platforms/platforms.service';
import { WebhookDelivery } from './webhook-delivery.service';
import { templateCategoryEnvelope, templateQualityEnvelope, templateStatusEnvelope } from './webhook-payload.util';
import type { TemplateCategory, TemplateQualityScore } from './simulator.constants';

export interface SimulatorOptions {
  config?: RuntimeConfig;
  phoneNumbers?: PhoneNumberRegistration[];
  templates?: TemplateSeed[];
  now?: () => number;
  log?: (line: string) => void;
}

export interface ResetOptions {
  /** Also forget the registered phone numbers. */
  phoneNumbers?: boolean;
  /** Also forget the templates. */
  templates?: boolean;
  /** Also go back to the start-up configuration. */
  config?: boolean;
  /** Also forget the Messenger/Instagram pages and Telegram bots (and the webhooks bots set). */
  platforms?: boolean;
}

/**
 * The simulated Cloud API's state and parts: configuration, phone numbers, templates, throughput windows, the
 * status pipeline, webhook delivery and the stats. The HTTP layers (GraphApi, AdminApi) work through it.
 */
export class Simulator {
  readonly stats: SimulatorStats;
  readonly registry: PhoneNumberRegistry;
  readonly templates: TemplateStore;
  /** Resumable Upload API sessions and the handles they issued. */
  readonly uploads = new UploadStore();
  /** Files users sent (POST /_sim/inbound), served by GET /{media-id} and its download URL. */
  readonly media = new MediaStore();
  readonly delivery: WebhookDelivery;
  readonly statuses: StatusWebhooks;
  /** Pair rate buckets per (phone number, recipient), when `pairRate.enabled`. */
  readonly pairs: PairRateLimiter;
  /** Customer-service windows opened by inbound messages. */
  readonly serviceWindows: ServiceWindows;
  /** Unique users each business portfolio reached in the last 24 hours. */
  readonly messagingLimits: MessagingLimits;
  /** Messenger and Instagram pages (Graph Send API) and Telegram bots (Bot API). */
  readonly platforms: Platforms;
  /** One wheel for delayed work that is not a status: delayed answers, webhook retries, template reviews. */
  private readonly tasks: TimerWheel<() => void>;
  private runtime: RuntimeConfig;
  private readonly initialConfig: RuntimeConfig;
  private rng: Random;
  /** Phone number id (or "*" for all) → end of an on-demand 130429 burst. */
  private readonly bursts = new Map<string, number>();
  private readonly wamidPrefix = `HBgL${randomBytes(9).toString('base64url')}`;
  private wamidCounter = 0;
  readonly now: () => number;
  readonly log: (line: string) => void;

  constructor(options: SimulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.initialConfig = structuredClone(options.config ?? defaultRuntimeConfig());
    this.runtime = structuredClone(this.initialConfig);
    this.rng = createRandom(this.runtime.seed);
    this.stats = new SimulatorStats(this.now);
    this.tasks = new TimerWheel((task) => task(), { resolutionMs: 5, now: this.now });
    this.registry = new PhoneNumberRegistry(() => this.runtime.defaultMessagesPerSecond);
    this.pairs = new PairRateLimiter(this.now);
    this.serviceWindows = new ServiceWindows();
    this.messagingLimits = new MessagingLimits();
    const later = (delayMs: number, task: () => void) => this.later(delayMs, task);
    this.delivery = new WebhookDelivery(this.stats, () => this.runtime.webhooks, later, this.log);
    this.templates = new TemplateStore(
      () => this.runtime.templates,
      later,
      (template, otherInfo) => this.templateStatusChanged(template, otherInfo),
      this.stats,
      this.now,
    );
    this.statuses = new StatusWebhooks(
      this.registry,
      this.delivery,
      () => this.runtime,
      () => this.rng,
      this.now,
    );
    this.platforms = new Platforms(this);
    for (const phone of options.phoneNumbers ?? []) this.registry.upsert(phone);
    for (const template of options.templates ?? []) this.templates.seed(template);
  }

  get config(): RuntimeConfig {
    return this.runtime;
  }

  /** Merges a partial configuration; nothing changes when any setting is bad. */
  updateConfig(patch: unknown): ConfigMerge {
    const merged = mergeRuntimeConfig(this.runtime, patch);
    if (merged.ok) this.applyConfig(merged.config);
    return merged;
  }

  random(): Random {
    return this.rng;
  }

  /** How long the next Graph answer waits (`latency.responseMs`); draws nothing when the range is 0–0. */
  responseDelay(): number {
    const range = this.runtime.latency.responseMs;
    return range.max === 0 ? 0 : pickInRange(range, this.rng);
  }

  later(delayMs: number, task: () => void): void {
    this.tasks.schedule(this.now() + delayMs, task);
  }

  nextWamid(): string {
    this.wamidCounter += 1;
    return `wamid.${this.wamidPrefix}${this.wamidCounter.toString(36).padStart(8, '0')}`;
  }

  /** Answers every send (of one number, or all) with 130429 for `durationMs`. */
  startThrottleBurst(phoneNumberId: string | undefined, durationMs: number): void {
    this.bursts.set(phoneNumberId ?? '*', this.now() + durationMs);
  }

  burstOn(phoneNumberId: string, now: number): boolean {
    if (inPeriodicBurst(now, this.runtime.faults.throttleBurst)) return true;
    if (this.bursts.size === 0) return false;
    for (const key of ['*', phoneNumberId]) {
      const until = this.bursts.get(key);
      if (until === undefined) continue;
      if (now < until) return true;
      this.bursts.delete(key);
    }
    return false;
  }

  /**
   * Clears the stats, seen callback data, throughput windows, bursts, pending statuses, pair rate buckets,
   * customer-service windows, messaging-limit counts and inbound media files, and what pages and bots lived
   * through (users, chats, windows, blocks, sends, planned page events); more when asked.
   */
  reset(options: ResetOptions = {}): void {
    this.stats.reset();
    this.statuses.clear();
    this.bursts.clear();
    this.registry.resetWindows();
    this.pairs.clear();
    this.serviceWindows.clear();
    this.messagingLimits.clear();
    this.media.clear();
    this.platforms.reset(options.platforms === true);
    if (options.phoneNumbers) this.registry.clear();
    if (options.templates) {
      this.templates.clear();
      this.uploads.clear();
    }
    if (options.config) this.applyConfig(structuredClone(this.initialConfig));
    // With a seed, a run after a reset makes the same choices as the first one.
    if (this.runtime.seed !== null) this.rng = createRandom(this.runtime.seed);
  }

  templateCounts(): Record<string, number> {
    return this.templates.countsByStatus();
  }

  async stop(): Promise<void> {
    this.stats.stalls.stop();
    this.statuses.stop();
    this.tasks.stop();
    await this.delivery.close();
  }

  private applyConfig(next: RuntimeConfig): void {
    const reseed = next.seed !== this.runtime.seed;
    this.runtime = next;
    if (reseed) this.rng = createRandom(next.seed);
  }

  /**
   * Sets a template's quality score and, when it changed, sends `message_template_quality_update`. Undefined when
   * the id is unknown; `webhook` says whether one was sent.
   */
  setTemplateQuality(id: string, score: TemplateQualityScore): { template: StoredTemplate; webhook: boolean } | undefined {
    const changed = this.templates.setQuality(id, score);
    if (!changed) return undefined;
    const { template, previous } = changed;
    if (previous === score) return { template, webhook: false };
    return {
      template,
      webhook: this.postTemplateWebhook(template.wabaId, templateQualityEnvelope(template, previous, this.now())),
    };
  }

  /**
   * Changes a template's category and sends the completed `template_category_update` (`previous_category`,
   * `new_category`); with `impending`, changes nothing and sends the advance notice instead (`correct_category` =
   * `category`, `new_category` = the current one, `category_update_timestamp` = `effectiveAtMs`).
   */
  setTemplateCategory(
    id: string,
    category: TemplateCategory,
    impending?: { effectiveAtMs: number },
  ): { template: StoredTemplate; webhook: boolean } | undefined {
    const now = this.now();
    if (impending) {
      const template = this.templates.get(id);
      if (!template) return undefined;
      const payload = templateCategoryEnvelope(
        template,
        { kind: 'impending', correct: category, effectiveAtMs: impending.effectiveAtMs },
        now,
      );
      return { template, webhook: this.postTemplateWebhook(template.wabaId, payload) };
    }
    const changed = this.templates.setCategory(id, category);
    if (!changed) return undefined;
    const { template, previous } = changed;
    if (previous === category) return { template, webhook: false };
    const payload = templateCategoryEnvelope(template, { kind: 'completed', previous }, now);
    return { template, webhook: this.postTemplateWebhook(template.wabaId, payload) };
  }

  private templateStatusChanged(template: StoredTemplate, otherInfo?: { title: string; description: string }): void {
    this.postTemplateWebhook(template.wabaId, templateStatusEnvelope(template, this.now(), otherInfo));
  }

  /**
   * Posts a template webhook (status, quality, category) to every distinct webhook of the WABA's numbers, the way
   * Meta sends WABA fields to the app's subscription; off with `templates.statusWebhooks: false`. True when posted.
   */
  private postTemplateWebhook(wabaId: string, payload: unknown): boolean {
    if (!this.runtime.templates.statusWebhooks) return false;
    const sent = new Set<string>();
    for (const phone of this.registry.inWaba(wabaId)) {
      if (!phone.webhookUrl) continue;
      const key = `${phone.webhookUrl}\u0000${phone.appSecret}`;
      if (sent.has(key)) continue;
      sent.add(key);
      this.delivery.post({ url: phone.webhookUrl, appSecret: phone.appSecret, payload, kind: 'templateStatus', statuses: [] });
    }
    return sent.size > 0;
  }
}
