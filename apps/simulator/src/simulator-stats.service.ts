import { MAX_REFUSALS_KEPT, MAX_VIOLATION_SECONDS, type SendEndpoint } from './simulator.constants';
import { STALL_TICK_MS, StallWatch } from './stall-watch.util';
import type { WindowShape } from './throughput-window.util';
import type { StatusName } from './simulator.types';

export type FaultKind = 'serverError' | 'timeout' | 'extraLatency' | 'throttleBurst';
/** `pageEvent`: a Messenger/Instagram webhook; `telegramUpdate`: one Telegram Update. */
export type WebhookKind = 'statuses' | 'inbound' | 'templateStatus' | 'pageEvent' | 'telegramUpdate';

/** The acceptance timeline's resolution, and its length (10 minutes of a number's sending). */
const TIMELINE_BUCKET_MS = 100;
const MAX_TIMELINE_BUCKETS = 6_000;

function increment<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function toObject<K extends string | number>(map: Map<K, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of map) out[String(key)] = value;
  return out;
}

/**
 * Everything the simulator counts, for GET /_sim/stats. `generation` changes on every reset so work started
 * before a reset (a webhook POST in flight) does not count into the fresh figures.
 */
export class SimulatorStats {
  generation = 0;
  private startedAt = Date.now();

  private acceptedTotal = 0;
  private readonly acceptedByPhone = new Map<string, number>();
  private readonly acceptedByEndpoint = new Map<SendEndpoint, number>();
  /** Accepted sends whose only status is `failed`, by the error code the webhook carries. */
  private failedTotal = 0;
  private readonly failedByCode = new Map<number, number>();
  /** Template sends answered "held_for_quality_assessment". */
  private heldTotal = 0;
  /** Sends through /marketing_messages for a WABA not onboarded, sent as Cloud API marketing messages. */
  private marketingFallbacks = 0;
  /** Per number, when its first and its latest accepted send arrived (the rate the provider saw). */
  private readonly acceptedTimesByPhone = new Map<string, { first: number; last: number }>();
  /** Per number, accepted sends per TIMELINE_BUCKET_MS from its first (where a rate below the limit went). */
  private readonly acceptedTimelineByPhone = new Map<string, number[]>();

  private violationsTotal = 0;
  private readonly violationsByPhone = new Map<string, number>();
  /** Unix second → violations in it (insertion order is time order). */
  private readonly violationsBySecond = new Map<number, number>();
  /**
   * The first refusals, each with what its number's window held then (why sends came too close) and how long the
   * simulator itself stood still in a stall that ended where the window's first send was stamped (`simulatorStallMs`,
   * see `StallWatch`).
   */
  private readonly refusals: Array<{ phoneNumberId: string; at: string; simulatorStallMs: number } & WindowShape> = [];
  /** When this process's own event loop stood still (started by the server; tests drive it by hand). */
  readonly stalls: StallWatch;

  private readonly seenCallbackData = new Set<string>();
  private readonly repeatedCallbackData = new Set<string>();
  private callbackDataDuplicates = 0;

  private rejectedTotal = 0;
  private readonly rejectedByCode = new Map<number, number>();

  private readonly faults = new Map<FaultKind, number>();

  private webhookPosts = 0;
  private webhookPostsSucceeded = 0;
  private webhookPostsFailed = 0;
  private webhookRetries = 0;
  private webhookAbandoned = 0;
  private readonly webhookDelivered = new Map<WebhookKind, number>();
  private readonly statusesSent = new Map<StatusName, number>();
  private statusesFailedToDeliver = 0;
  private lastWebhookError: string | null = null;

  private templatesCreated = 0;
  private readonly templatesReviewed = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
    this.stalls = new StallWatch(now);
  }

  accepted(phoneNumberId: string, callbackData: string | undefined, at = this.now(), endpoint: SendEndpoint = 'messages'): void {
    this.acceptedTotal += 1;
    increment(this.acceptedByPhone, phoneNumberId);
    increment(this.acceptedByEndpoint, endpoint);
    const times = this.acceptedTimesByPhone.get(phoneNumberId);
    if (times) times.last = at;
    else this.acceptedTimesByPhone.set(phoneNumberId, { first: at, last: at });
    const bucket = Math.floor((at - (times?.first ?? at)) / TIMELINE_BUCKET_MS);
    if (bucket < MAX_TIMELINE_BUCKETS) {
      let timeline = this.acceptedTimelineByPhone.get(phoneNumberId);
      if (!timeline) this.acceptedTimelineByPhone.set(phoneNumberId, (timeline = []));
      while (timeline.length <= bucket) timeline.push(0);
      timeline[bucket] = (timeline[bucket] ?? 0) + 1;
    }
    if (callbackData === undefined) return;
    if (this.seenCallbackData.has(callbackData)) {
      this.callbackDataDuplicates += 1;
      this.repeatedCallbackData.add(callbackData);
    } else {
      this.seenCallbackData.add(callbackData);
    }
  }

  throttled(phoneNumberId: string, atMs: number, shape?: WindowShape): void {
    if (shape !== undefined && this.refusals.length < MAX_REFUSALS_KEPT) {
      // A stall ending where the window's first send was stamped stamped the sends it held together. The tick that
      // notes it runs before or after the requests held (the loop's timers and I/O phases): a tick either side.
      const first = atMs - shape.spanMs;
      const simulatorStallMs = this.stalls.longestEndingWithin(first - STALL_TICK_MS, first + 2 * STALL_TICK_MS);
      this.refusals.push({ phoneNumberId, at: new Date(atMs).toISOString(), ...shape, simulatorStallMs });
    }
    this.violationsTotal += 1;
    increment(this.violationsByPhone, phoneNumberId);
    const second = Math.floor(atMs / 1000);
    const count = this.violationsBySecond.get(second);
    if (count !== undefined) {
      this.violationsBySecond.set(second, count + 1);
      return;
    }
    this.violationsBySecond.set(second, 1);
    if (this.violationsBySecond.size > MAX_VIOLATION_SECONDS) {
      const oldest = this.violationsBySecond.keys().next().value;
      if (oldest !== undefined) this.violationsBySecond.delete(oldest);
    }
  }

  /** An accepted send that will fail in its status webhook with `code`. */
  failedByWebhook(code: number): void {
    this.failedTotal += 1;
    increment(this.failedByCode, code);
  }

  held(): void {
    this.heldTotal += 1;
  }

  marketingFallback(): void {
    this.marketingFallbacks += 1;
  }

  rejected(code: number): void {
    this.rejectedTotal += 1;
    increment(this.rejectedByCode, code);
  }

  fault(kind: FaultKind): void {
    increment(this.faults, kind);
  }

  webhookAttempt(generation: number, ok: boolean, error?: string): void {
    if (generation !== this.generation) return;
    this.webhookPosts += 1;
    if (ok) this.webhookPostsSucceeded += 1;
    else {
      this.webhookPostsFailed += 1;
      if (error) this.lastWebhookError = error;
    }
  }

  webhookRetry(generation: number): void {
    if (generation === this.generation) this.webhookRetries += 1;
  }

  webhookDeliveredPost(generation: number, kind: WebhookKind, statuses: readonly StatusName[]): void {
    if (generation !== this.generation) return;
    increment(this.webhookDelivered, kind);
    for (const status of statuses) increment(this.statusesSent, status);
  }

  webhookGaveUp(generation: number, statusCount: number): void {
    if (generation !== this.generation) return;
    this.webhookAbandoned += 1;
    this.statusesFailedToDeliver += statusCount;
  }

  templateCreated(): void {
    this.templatesCreated += 1;
  }

  templateReviewed(status: string): void {
    increment(this.templatesReviewed, status);
  }

  /** Accepted sends whose biz_opaque_callback_data had been accepted before. */
  get duplicates(): number {
    return this.callbackDataDuplicates;
  }

  get acceptedCount(): number {
    return this.acceptedTotal;
  }

  snapshot(extra: {
    statusesPending: number;
    statusesBuffered: number;
    postsPending: number;
    heldRequests: number;
    templates: Record<string, number>;
    serviceWindowsOpen?: number;
    messagingLimitUsers?: Record<string, number>;
  }) {
    let maxInOneSecond = 0;
    for (const count of this.violationsBySecond.values()) if (count > maxInOneSecond) maxInOneSecond = count;
    const sent = toObject(this.statusesSent);
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeMs: this.now() - this.startedAt,
      accepted: {
        total: this.acceptedTotal,
        byPhoneNumberId: toObject(this.acceptedByPhone),
        byEndpoint: {
          messages: this.acceptedByEndpoint.get('messages') ?? 0,
          marketing_messages: this.acceptedByEndpoint.get('marketing_messages') ?? 0,
        },
        marketingMessagesFallbacks: this.marketingFallbacks,
        heldForQualityAssessment: this.heldTotal,
        timesByPhoneNumberId: Object.fromEntries(
          [...this.acceptedTimesByPhone].map(([phone, { first, last }]) => [
            phone,
            {
              first: new Date(first).toISOString(),
              last: new Date(last).toISOString(),
              spanMs: last - first,
              bucketMs: TIMELINE_BUCKET_MS,
              perBucket: this.acceptedTimelineByPhone.get(phone) ?? [],
            },
          ]),
        ),
      },
      throttle: {
        violations: this.violationsTotal,
        byPhoneNumberId: toObject(this.violationsByPhone),
        bySecond: toObject(this.violationsBySecond),
        secondsWithViolations: this.violationsBySecond.size,
        maxInOneSecond,
        refusals: [...this.refusals],
      },
      /** How often and how long the simulator's own event loop stood still (its stamps on sends were late). */
      ownStalls: this.stalls.summary(),
      callbackData: {
        distinct: this.seenCallbackData.size,
        duplicates: this.callbackDataDuplicates,
        valuesAcceptedMoreThanOnce: this.repeatedCallbackData.size,
      },
      rejected: { total: this.rejectedTotal, byCode: toObject(this.rejectedByCode) },
      failed: { total: this.failedTotal, byCode: toObject(this.failedByCode) },
      serviceWindowsOpen: extra.serviceWindowsOpen ?? 0,
      messagingLimitUsers: extra.messagingLimitUsers ?? {},
      faults: {
        serverError: this.faults.get('serverError') ?? 0,
        timeout: this.faults.get('timeout') ?? 0,
        extraLatency: this.faults.get('extraLatency') ?? 0,
        throttleBurst: this.faults.get('throttleBurst') ?? 0,
        heldRequests: extra.heldRequests,
      },
      webhooks: {
        posts: this.webhookPosts,
        postsSucceeded: this.webhookPostsSucceeded,
        postsFailed: this.webhookPostsFailed,
        retries: this.webhookRetries,
        abandoned: this.webhookAbandoned,
        postsPending: extra.postsPending,
        delivered: {
          statuses: this.webhookDelivered.get('statuses') ?? 0,
          inbound: this.webhookDelivered.get('inbound') ?? 0,
          templateStatus: this.webhookDelivered.get('templateStatus') ?? 0,
          pageEvent: this.webhookDelivered.get('pageEvent') ?? 0,
          telegramUpdate: this.webhookDelivered.get('telegramUpdate') ?? 0,
        },
        statusesSent: Object.values(sent).reduce((sum, n) => sum + n, 0),
        statusesSentByStatus: {
          sent: sent.sent ?? 0,
          delivered: sent.delivered ?? 0,
          read: sent.read ?? 0,
          failed: sent.failed ?? 0,
        },
        statusesFailed: this.statusesFailedToDeliver,
        statusesPending: extra.statusesPending,
        statusesBuffered: extra.statusesBuffered,
        lastError: this.lastWebhookError,
      },
      templates: { created: this.templatesCreated, reviewed: toObject(this.templatesReviewed), byStatus: extra.templates },
    };
  }

  reset(): void {
    this.generation += 1;
    this.startedAt = this.now();
    this.acceptedTotal = 0;
    this.acceptedByPhone.clear();
    this.acceptedByEndpoint.clear();
    this.acceptedTimesByPhone.clear();
    this.acceptedTimelineByPhone.clear();
    this.failedTotal = 0;
    this.failedByCode.clear();
    this.heldTotal = 0;
    this.marketingFallbacks = 0;
    this.violationsTotal = 0;
    this.violationsByPhone.clear();
    this.violationsBySecond.clear();
    this.refusals.length = 0;
    this.stalls.reset();
    this.seenCallbackData.clear();
    this.repeatedCallbackData.clear();
    this.callbackDataDuplicates = 0;
    this.rejectedTotal = 0;
    this.rejectedByCode.clear();
    this.faults.clear();
    this.webhookPosts = 0;
    this.webhookPostsSucceeded = 0;
    this.webhookPostsFailed = 0;
    this.webhookRetries = 0;
    this.webhookAbandoned = 0;
    this.webhookDelivered.clear();
    this.statusesSent.clear();
    this.statusesFailedToDeliver = 0;
    this.lastWebhookError = null;
    this.templatesCreated = 0;
    this.templatesReviewed.clear();
  }
}
