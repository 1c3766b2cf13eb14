import { Injectable, Logger } from '@nestjs/common';
import { SecretsConfig, CallbacksConfig } from '@herald/config';
import { ChannelsService } from '@herald/channels';
import { Clock, HeraldError } from '@herald/common';
import type { CallbackTarget } from '@herald/queues';
import { CALLBACK_DISABLE_AFTER_MS, CALLBACK_RETRY_WINDOW_MS, retryDelayMs } from './callback-backoff.util';
import { CallbackDeliveryRepository, type ClaimedDelivery, type DeliveryOutcome } from './callback-delivery.repository';
import { CallbackEndpointRepository } from './callback-endpoint.repository';
import { ENDPOINT_DISABLED_EVENT_TYPE, type CallbackKick } from './callback-event.types';
import { channelIdOf, parseEnvelope, renderDelivery, vendorSignatureHeaders } from './callback-formats/callback-format.render';
import {
  DEFAULT_CALLBACK_FORMAT,
  isCallbackFormat,
  type CallbackFormat,
  type Rendering,
  type SenderFacts,
} from './callback-formats/callback-format.types';
import { CallbackHttp, CALLBACK_TIMEOUT_MS, type PostAnswer } from './callback-http.adapter';
import { CallbackOutbox, envelopeOf } from './callback-outbox.service';
import { CALLBACK_BATCH_MAX_BYTES, CALLBACK_BATCH_SIZE_MAX } from './callbacks.types';
import { signingSecrets } from './callback-secret.util';
import { signatureHeader } from './callback-signature.util';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** Deliveries one claim takes for a healthy target. */
export const CALLBACK_BATCH = 200;
/** Posts in flight at once per job. */
export const CALLBACK_CONCURRENCY = 32;
/**
 * A claimed delivery is due again after this long unless its outcome was recorded: longer than the slowest batch
 * (200 posts, 32 at a time, 10 s timeout each ≈ 70 s), so a live worker is never overtaken; a dead one's deliveries
 * are claimed again after it.
 */
export const CALLBACK_LEASE_MS = 120_000;
/** Most claim–post–record loops one job runs at once for its target. */
export const CALLBACK_LOOPS = 4;
/** One job stops taking batches after this long (the sweeper enqueues the target again within a second). */
const JOB_BUDGET_MS = 20_000;

const USER_AGENT = 'Herald-Callbacks/1';
/** Headers of every delivery, one event or a batch. */
const BASE_HEADERS = { 'content-type': 'application/json', 'user-agent': USER_AGENT } as const;

/** One request: the deliveries it carries (their indexes in the claimed batch), where it goes, and what. */
interface Post {
  readonly members: readonly number[];
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** The body of a batched POST: the stored envelopes (JSON each) in `{"events": [...]}`, joined as they are. */
function batchBody(envelopes: readonly string[]): string {
  return `{"events":[${envelopes.join(',')}]}`;
}

export interface DeliveryRun {
  readonly claimed: number;
  readonly delivered: number;
  readonly failed: number;
  /** Not posted: the endpoint's format has no shape for the event (recorded `skipped`). */
  readonly skipped: number;
}

const NOTHING: DeliveryRun = { claimed: 0, delivered: 0, failed: 0, skipped: 0 };

/**
 * Delivers one target's due deliveries (an endpoint, or a workspace's per-send callback URLs): claim a batch (leased),
 * post it with bounded concurrency, record every outcome in one statement, again until nothing is due.
 *
 * An endpoint is a circuit: a batch that fails whole opens it (no job claims before `blocked_until`, which backs off
 * like a delivery), then a single delivery probes it; a success closes it. Failing for 3 days disables it.
 */
@Injectable()
export class CallbackDeliverer {
  private readonly logger = new Logger(CallbackDeliverer.name);
  private stopping = false;
  private readonly retryBaseMs: number;

  constructor(
    private readonly endpoints: CallbackEndpointRepository,
    private readonly deliveries: CallbackDeliveryRepository,
    private readonly outbox: CallbackOutbox,
    private readonly http: CallbackHttp,
    private readonly clock: Clock,
    private readonly secrets: SecretsConfig,
    config: CallbacksConfig,
    private readonly channels: ChannelsService,
  ) {
    this.retryBaseMs = config.callbackRetryBaseMs;
  }

  /** Stopping: the running jobs finish the batch in hand and take no other. */
  stop(): void {
    this.stopping = true;
  }

  async deliver(target: CallbackTarget): Promise<DeliveryRun> {
    const started = Date.now();
    const total = { claimed: 0, delivered: 0, failed: 0, skipped: 0 };
    let helped = false;
    const loops: Array<Promise<void>> = [];
    // Claim–post–record loops, one to start with and one more (up to CALLBACK_LOOPS) each time a loop finds a full
    // batch: while one records its batch and claims the next (two round trips to Postgres), the others' posts are in
    // flight, so a busy endpoint never waits on the database, and a slow receiver gets more requests in flight. SKIP
    // LOCKED keeps their claims apart. One loop alone delivered ~4,800/s on the benchmark machine with CPU to spare.
    const loop = async (): Promise<void> => {
      while (!this.stopping && Date.now() - started < JOB_BUDGET_MS) {
        const run =
          'endpointId' in target ? await this.endpointBatch(target.endpointId) : await this.directBatch(target.directWorkspaceId);
        total.claimed += run.claimed;
        total.delivered += run.delivered;
        total.failed += run.failed;
        total.skipped += run.skipped;
        if (run.claimed === 0) break;
        const progressed = run.delivered + run.skipped > 0;
        if (run.claimed === CALLBACK_BATCH && progressed) {
          if (loops.length < CALLBACK_LOOPS) loops.push(loop());
          // More are waiting: let another worker take the target's other slot too.
          if (!helped) {
            helped = true;
            await this.outbox.enqueue([target], 2);
          }
        }
        if (!progressed) break; // failing: the circuit (or each delivery's backoff) says when to come back
      }
    };
    loops.push(loop());
    for (let i = 0; i < loops.length; i += 1) await loops[i];
    return total;
  }

  /** The targets with due deliveries, for the sweeper. */
  async dueTargets(): Promise<CallbackTarget[]> {
    const now = this.clock.now().toJSDate();
    const [endpoints, direct] = await Promise.all([this.endpoints.dueEndpoints(now), this.endpoints.dueDirectWorkspaces(now)]);
    return [...endpoints.map((endpointId) => ({ endpointId })), ...direct.map((directWorkspaceId) => ({ directWorkspaceId }))];
  }

  private async endpointBatch(endpointId: string): Promise<DeliveryRun> {
    const now = this.clock.now().toJSDate();
    const endpoint = await this.endpoints.byId(endpointId);
    if (!endpoint || !endpoint.enabled) return NOTHING;
    if (endpoint.blocked_until && endpoint.blocked_until > now) return NOTHING;
    let limit = CALLBACK_BATCH;
    if (endpoint.failing_since) {
      // Half-open: one delivery probes the endpoint; the other jobs find it blocked meanwhile.
      if (!(await this.endpoints.takeProbe(endpointId, now, new Date(now.getTime() + CALLBACK_LEASE_MS))))
        return NOTHING;
      limit = 1;
    }
    const claimed = await this.deliveries.claim({ endpointId }, now, new Date(now.getTime() + CALLBACK_LEASE_MS), limit);
    if (claimed.length === 0) {
      if (endpoint.failing_since) await this.endpoints.succeeded(endpointId).catch(() => undefined); // nothing to probe with: close
      return NOTHING;
    }
    const secrets = signingSecrets(endpoint, now, this.secrets.secretsKey);
    const format = isCallbackFormat(endpoint.format) ? endpoint.format : DEFAULT_CALLBACK_FORMAT;
    // Batches are Herald's own shape: the API refuses batchSize > 1 on a vendor format, and a row that still had one
    // would be posted one event at a time.
    const answers: Array<PostAnswer | string> = new Array(claimed.length);
    const posts =
      endpoint.batch_size > 1 && format === 'herald'
        ? this.batchedPosts(claimed, endpoint.url, secrets, Math.min(endpoint.batch_size, CALLBACK_BATCH_SIZE_MAX))
        : this.singlePosts(
            claimed,
            await this.render(format, endpoint.workspace_id, claimed),
            () => endpoint.url,
            secrets,
            format,
            answers,
          );
    const outcomes = await this.postAll(claimed, posts, answers);
    await this.deliveries.record(outcomes);
    const run = countOf(outcomes);
    if (run.delivered > 0) {
      if (endpoint.failing_since || endpoint.failed_batches > 0) await this.endpoints.succeeded(endpointId);
    } else if (run.delivered + run.failed + run.pending > 0) {
      // Skipped deliveries reached nobody: they neither close nor open the circuit.
      await this.openCircuit(endpointId, endpoint.failed_batches);
    }
    return { claimed: claimed.length, delivered: run.delivered, failed: run.failed, skipped: run.skipped };
  }

  /**
   * Each claimed delivery's body in the endpoint's format: Herald's stored envelope as is, or rendered in the
   * vendor's shape — once per delivery (one event for one endpoint), at delivery time, so a redelivery renders with
   * the endpoint's format then. The channels the events name are read once per batch (their sending number, for the
   * shapes that carry it), through the channels library's service.
   */
  private async render(format: CallbackFormat, workspaceId: string, batch: readonly ClaimedDelivery[]): Promise<Rendering[]> {
    if (format === 'herald') return batch.map((d) => ({ body: d.body }));
    const envelopes = batch.map((d) => parseEnvelope(d.body));
    const channelIds = new Set<string>();
    for (const e of envelopes) {
      const id = channelIdOf(e);
      if (id !== null) channelIds.add(id);
    }
    const senders = new Map<string, SenderFacts | null>();
    await Promise.all([...channelIds].map(async (id) => senders.set(id, await this.senderOf(workspaceId, id))));
    return batch.map((d, i) => {
      const envelope = envelopes[i] ?? null;
      const channelId = channelIdOf(envelope);
      return renderDelivery(format, d.body, envelope, channelId === null ? null : (senders.get(channelId) ?? null));
    });
  }

  /** The sending number of a channel of the workspace; null when it is gone (deleted) — the shape then leaves it empty. */
  private async senderOf(workspaceId: string, channelId: string): Promise<SenderFacts | null> {
    try {
      const c = await this.channels.get(workspaceId, channelId);
      return { kind: c.type, phoneNumberId: c.phoneNumberId, displayPhoneNumber: c.displayPhoneNumber, wabaId: c.wabaId };
    } catch (error) {
      if (error instanceof HeraldError && error.kind === 'not_found') return null;
      throw error; // a database hiccup: the batch's leases expire and it is tried again, rendered whole
    }
  }

  private async directBatch(workspaceId: string): Promise<DeliveryRun> {
    const now = this.clock.now().toJSDate();
    const secret = await this.endpoints.secret(workspaceId);
    if (!secret) return NOTHING;
    const claimed = await this.deliveries.claim(
      { directWorkspaceId: workspaceId },
      now,
      new Date(now.getTime() + CALLBACK_LEASE_MS),
      CALLBACK_BATCH,
    );
    if (claimed.length === 0) return NOTHING;
    const answers: Array<PostAnswer | string> = new Array(claimed.length);
    const posts = this.singlePosts(
      claimed,
      claimed.map((d) => ({ body: d.body })),
      (d) => d.url ?? '',
      signingSecrets(secret, now, this.secrets.secretsKey),
      DEFAULT_CALLBACK_FORMAT,
      answers,
    );
    const outcomes = await this.postAll(claimed, posts, answers);
    await this.deliveries.record(outcomes);
    const run = countOf(outcomes);
    return { claimed: claimed.length, delivered: run.delivered, failed: run.failed, skipped: run.skipped };
  }

  /**
   * One request per delivery (each delivery's rendering, with its own event headers); a skipped rendering is not
   * posted, its reason is its answer.
   */
  private singlePosts(
    batch: readonly ClaimedDelivery[],
    renderings: readonly Rendering[],
    urlOf: (d: ClaimedDelivery) => string,
    secrets: readonly string[],
    format: CallbackFormat,
    answers: Array<PostAnswer | string>,
  ): Post[] {
    // One time for the batch's signatures (a batch posts within seconds, far inside the receivers' 5 min tolerance).
    const t = this.signingTime();
    const posts: Post[] = [];
    batch.forEach((d, i) => {
      const rendering = renderings[i]!;
      if ('skip' in rendering) {
        answers[i] = rendering.skip;
        return;
      }
      const url = urlOf(d);
      const body = rendering.body;
      posts.push({
        members: [i],
        url,
        body,
        headers: {
          ...BASE_HEADERS,
          'herald-event-id': d.eventId,
          'herald-event-type': d.eventType,
          'herald-signature': signatureHeader(secrets, t, body),
          ...vendorSignatureHeaders(format, { secret: secrets[0]!, timestamp: t, url, body }),
        },
      });
    });
    return posts;
  }

  /**
   * Up to `batchSize` deliveries (and CALLBACK_BATCH_MAX_BYTES of envelopes) per request, as `{"events": [...]}` of
   * their stored envelopes (joined as stored, never parsed), signed once per request.
   */
  private batchedPosts(batch: readonly ClaimedDelivery[], url: string, secrets: readonly string[], batchSize: number): Post[] {
    const t = this.signingTime();
    const posts: Post[] = [];
    const flush = (members: number[]): void => {
      const body = batchBody(members.map((i) => batch[i]!.body));
      posts.push({
        members,
        url,
        body,
        headers: {
          ...BASE_HEADERS,
          'herald-event-count': String(members.length),
          'herald-signature': signatureHeader(secrets, t, body),
        },
      });
    };
    let members: number[] = [];
    let bytes = 0;
    batch.forEach((d, i) => {
      const size = Buffer.byteLength(d.body) + 1; // and its comma
      if (members.length > 0 && (members.length === batchSize || bytes + size > CALLBACK_BATCH_MAX_BYTES)) {
        flush(members);
        members = [];
        bytes = 0;
      }
      members.push(i);
      bytes += size;
    });
    if (members.length > 0) flush(members);
    return posts;
  }

  /** Unix seconds for a batch's signatures. */
  private signingTime(): number {
    return Math.floor(this.clock.now().toMillis() / 1000);
  }

  /**
   * Makes the posts, CALLBACK_CONCURRENCY at a time, and says what each delivery's attempt came to: every delivery a
   * post carried shares its answer (one attempt each); one not posted has its reason in `answers` already.
   */
  private async postAll(
    batch: readonly ClaimedDelivery[],
    posts: readonly Post[],
    answers: Array<PostAnswer | string>,
  ): Promise<DeliveryOutcome[]> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < posts.length) {
        const post = posts[next++]!;
        const answer = await this.http.post(post.url, post.headers, post.body);
        for (const i of post.members) answers[i] = answer;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CALLBACK_CONCURRENCY, posts.length) }, lane));
    const now = this.clock.now().toJSDate();
    return batch.map((d, i) => this.outcomeOf(d, answers[i]!, now));
  }

  private outcomeOf(d: ClaimedDelivery, answer: PostAnswer | string, now: Date): DeliveryOutcome {
    if (typeof answer === 'string') {
      return {
        id: d.id,
        attempts: d.attempts,
        status: 'skipped',
        nextAttemptAt: now,
        statusCode: null,
        latencyMs: 0,
        error: `not posted: ${answer}`.slice(0, 500),
        response: null,
        deliveredAt: null,
      };
    }
    const base = {
      id: d.id,
      attempts: d.attempts,
      statusCode: answer.statusCode,
      latencyMs: answer.latencyMs,
      error: answer.error,
      response: answer.response,
    };
    if (answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300) {
      return { ...base, status: 'delivered', nextAttemptAt: now, deliveredAt: now };
    }
    // Retried for at least CALLBACK_RETRY_WINDOW_MS: only a failure after the window has passed is final.
    if (now.getTime() - d.pendingSince.getTime() >= CALLBACK_RETRY_WINDOW_MS)
      return { ...base, status: 'failed', nextAttemptAt: now, deliveredAt: null };
    return {
      ...base,
      status: 'pending',
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(d.attempts, this.retryBaseMs)),
      deliveredAt: null,
    };
  }

  private async openCircuit(endpointId: string, failedBatches: number): Promise<void> {
    const now = this.clock.now().toJSDate();
    const blockedUntil = new Date(now.getTime() + retryDelayMs(failedBatches + 1, this.retryBaseMs));
    const reason = `failing continuously for ${CALLBACK_DISABLE_AFTER_MS / 86_400_000} days`;
    // The disabling and the notice of it commit together: never one without the other.
    const kick = await this.endpoints.transaction(async (manager) => {
      const state = await this.endpoints.failed(endpointId, now, blockedUntil, new Date(now.getTime() - CALLBACK_DISABLE_AFTER_MS), reason, manager);
      if (!state?.disabled) return null;
      this.logger.warn(
        `callback endpoint ${endpointId} of workspace ${state.workspaceId} disabled: ${reason} (since ${state.failingSince.toISOString()})`,
      );
      return this.noticeDisabled(manager, state.workspaceId, endpointId, reason, state.failingSince, now);
    });
    if (kick !== null) await this.outbox.kick(kick);
  }

  /** `webhook_endpoint.disabled` to every other enabled endpoint of the workspace, whatever it subscribes to. */
  private async noticeDisabled(
    manager: EntityManager,
    workspaceId: string,
    endpointId: string,
    reason: string,
    failingSince: Date,
    now: Date,
  ): Promise<CallbackKick> {
    const others = (await this.endpoints.enabledOf([workspaceId], manager)).filter((e) => e.id !== endpointId);
    if (others.length === 0) return { endpointIds: [], direct: false };
    const id = randomUUID();
    const data = { endpointId, reason, failingSince: failingSince.toISOString(), disabledAt: now.toISOString() };
    await this.deliveries.insertEvents(
      [
        {
          id,
          workspaceId,
          type: ENDPOINT_DISABLED_EVENT_TYPE,
          createdAt: now,
          body: envelopeOf(id, ENDPOINT_DISABLED_EVENT_TYPE, now, workspaceId, data),
        },
      ],
      manager,
    );
    await this.deliveries.insertDeliveries(
      others.map((e) => ({ eventId: id, eventType: ENDPOINT_DISABLED_EVENT_TYPE, workspaceId, endpointId: e.id, url: null })),
      now,
      manager,
    );
    return { endpointIds: others.map((e) => e.id), direct: false };
  }
}

export { CALLBACK_TIMEOUT_MS };

function countOf(outcomes: readonly DeliveryOutcome[]): { delivered: number; failed: number; pending: number; skipped: number } {
  const n = { delivered: 0, failed: 0, pending: 0, skipped: 0 };
  for (const o of outcomes) n[o.status] += 1;
  return n;
}
