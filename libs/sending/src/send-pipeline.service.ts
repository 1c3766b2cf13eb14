import { Inject, Injectable } from '@nestjs/common';
import { ChannelPlatforms, credentialsOf, type ChannelProvider, type OutboundMessage, type SendingChannel, type SendOutcome, type SendRequest, type WhatsAppCredentials } from '@herald/channels';
import { Clock } from '@herald/common';
import { WorkerConfig } from '@herald/config';
import { ContactsService } from '@herald/contacts';
import { TemplatesService } from '@herald/templates';
import { ProviderPolicy } from './provider-policy.service';
import { SendLedgerRepository } from './send-ledger.repository';
import { decide, toMessageError } from './send-policy.util';
import { SendRateLimiter, slotClock, untilSlot, type ReservedSlots } from './send-rate.limiter';
import { SendSettingsService } from './send-settings.service';
import { SendWorkers } from './send-workers.service';
import { windowState, windowZone } from './send-window.util';
import { sendOnSlots, settleAll } from './slot-pacing.util';
import {
  emptyOutcomes,
  type ClaimedSend,
  type MessageError,
  type SendCategory,
  type SendFailure,
  type SendOptions,
  type SendOutcomes,
} from './send.types';

export const CHANNEL_PROVIDER = Symbol('CHANNEL_PROVIDER');

/** The customer-service window: 24 h from the contact's last message to the channel. */
export const SERVICE_WINDOW_MS = 86_400_000;
/** Messenger's and Instagram's HUMAN_AGENT tag: a person may answer up to 7 days after the user's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * SERVICE_WINDOW_MS;
/**
 * Paces beyond the channel's own rate, each in the shared limiter (TELEGRAM_CHAT_MESSAGES_PER_SECOND: about 1 message
 * a second into one Telegram chat, its Bots FAQ; META_AUDIO_VIDEO_PER_SECOND: 10 calls a second per Page or account
 * for audio and video, Meta's Send API limits). A send whose extra slot is further off than this goes back to the
 * queue instead of waiting in the worker.
 */
const EXTRA_PACE_HORIZON_MS = 2_000;
/**
 * Late sends take fresh slots, only slots due within MAX_RESLOT_WAIT_MS, for as long as the batch has been sending
 * less than MAX_RESLOTTING_MS; then what is left goes back to the queue. Not a number of rounds: on a busy event
 * loop every round leaves a few late, and with five rounds a loaded worker handed each send back to Postgres about
 * twice before it went out (bench/throughput.mjs: 6.8 recipient updates per send instead of 2; BENCHMARKS.md).
 */
const MAX_RESLOTTING_MS = 5_000;
/**
 * The least time from a late send's fresh reservation to its first slot. A busy worker takes up Redis' answer some
 * milliseconds after Redis placed the slot; on a number with nothing booked ahead (a limit above what the worker can
 * send), a slot due at once was then already past the lateness budget, and the sends went late again, round after
 * round, each round a reservation, until they went back to the queue (docs/BENCHMARKS.md, "Late sends on a limit
 * the worker cannot reach"). Short, so a late send waits little for it.
 */
const RESLOT_LEAD_MS = 20;
const MAX_RESLOT_WAIT_MS = 500;
/**
 * A source that can say whether its sends are still wanted (`SendOptions.stillWanted`: a campaign run still
 * running) lets late sends take a fresh slot this far ahead: other chunk jobs book the number seconds ahead, so
 * within MAX_RESLOT_WAIT_MS there is rarely one, and a send handed back to the queue is claimed again only after
 * its batch has answered, a provider latency later (at a run's end, that made its tail: docs/BENCHMARKS.md).
 */
const MAX_RESLOT_WAIT_ASKED_MS = 10_000;
/**
 * Never longer than this share of SEND_UNCONFIRMED_AFTER_SECONDS from the batch's start, though: a recipient left
 * `sending` that long is taken for a crashed worker's and queued again, and one still waiting here would then be
 * sent twice (at the 10 s minimum that setting allows, the wait falls back to MAX_RESLOT_WAIT_MS).
 */
const RESLOT_SHARE_OF_UNCONFIRMED = 0.5;
/** How long before a far fresh slot the source is asked whether the sends are still wanted (one read). */
const STILL_WANTED_LEAD_MS = 50;
/** Unique recipients per rolling 24 h of each limited messaging tier. */
const TIER_LIMITS: Readonly<Record<string, number>> = { '250': 250, '2000': 2_000, '10000': 10_000, '100000': 100_000 };

/** Herald's own refusals, recorded like a provider's errors. */
const OUTSIDE_SERVICE_WINDOW: MessageError = {
  code: 'outside_service_window',
  title: 'Outside the customer-service window',
  details:
    'A free-form message can only be sent within 24 hours of the contact\'s last message to this number; send an approved template instead.',
  category: 'outside_service_window',
};
const OPTED_OUT = (scope: string): MessageError => ({
  code: 'opted_out',
  title: 'Contact opted out',
  details: scope === 'all' ? 'The contact opted out of all messages.' : 'The contact opted out of marketing messages.',
});
const OUTSIDE_MESSAGING_WINDOW = (kind: string, humanAgent: boolean): MessageError => ({
  code: 'outside_service_window',
  title: 'Outside the messaging window',
  details: humanAgent
    ? `A HUMAN_AGENT message on ${kind} can only go out within 7 days of the user's last message.`
    : `A message on ${kind} can only go out within 24 hours of the user's last message, or outside it with an allowed tag (${kind === 'instagram' ? 'HUMAN_AGENT' : 'CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, ACCOUNT_UPDATE or HUMAN_AGENT'}).`,
  category: 'outside_service_window',
});
const NO_IDENTITY = (kind: string): MessageError => ({
  code: 'no_identity',
  title: 'Not reachable on this channel',
  details: `Herald does not know who the contact is on ${kind}: they must write to the channel first, or their id must be set with PUT /v1/contacts/:ref/identities/:channelId.`,
});
const UNREACHABLE = (reason: string): MessageError => ({
  code: 'unreachable',
  title: 'Unreachable on this channel',
  details: `The platform said the contact cannot be reached on this channel (${reason}); sends resume once they write again.`,
});
const NOT_ON_WHATSAPP: MessageError = {
  code: 'not_on_whatsapp',
  title: 'Not on WhatsApp',
  details: 'The provider said earlier that this number cannot receive WhatsApp messages (131026).',
};
const FREQUENCY_CAP: MessageError = {
  code: 'frequency_cap',
  title: 'Frequency cap reached',
  details: "The contact got the workspace's maximum of marketing messages in its window.",
};

/** The number's tier of unique recipients per 24 h, or undefined when unlimited. */
export function tierLimit(channel: Pick<SendingChannel, 'messagingTier'>): number | undefined {
  return TIER_LIMITS[channel.messagingTier];
}

/**
 * The one send pipeline. Every kind of send — a single message, a campaign recipient, and every later source —
 * comes here once its source has claimed it in its own table (queued → sending):
 *
 *   checks at claim time (`check`) → rate-limit slots (the caller's reservation) → provider (`send`)
 *   → one classifier and one backoff rule (`decide`) → what failures mean beyond the send (`ProviderPolicy`)
 *
 * and goes back to its source as `SendOutcomes`, which the source records set-based. The pipeline never reads
 * or writes a source's table: sources are libraries of their own and plug in by claiming and recording.
 */
@Injectable()
export class SendPipeline {
  constructor(
    private readonly contacts: ContactsService,
    private readonly settings: SendSettingsService,
    private readonly ledger: SendLedgerRepository,
    private readonly policy: ProviderPolicy,
    private readonly limiter: SendRateLimiter,
    private readonly clock: Clock,
    @Inject(CHANNEL_PROVIDER) private readonly provider: ChannelProvider<WhatsAppCredentials>,
    private readonly templates: TemplatesService,
    private readonly platforms: ChannelPlatforms,
    private readonly config: WorkerConfig,
    private readonly workers: SendWorkers,
  ) {}

  /**
   * The checks every send passes at claim time, for the whole batch at once: validity (expired → never sent),
   * opt-out in its scope, numbers known not to be on WhatsApp, the customer-service window for free-form
   * messages, quiet hours in the recipient's local time (marketing), the workspace's frequency cap (marketing)
   * and the channel's messaging tier (business-initiated). Returns what may go out now; the rest is in `outcomes`.
   */
  async check(channel: SendingChannel, claimed: readonly ClaimedSend[]): Promise<{ sendable: ClaimedSend[]; outcomes: SendOutcomes }> {
    const outcomes = emptyOutcomes();
    if (claimed.length === 0) return { sendable: [], outcomes };
    const now = this.clock.now().toJSDate();
    let rest: ClaimedSend[] = [];
    for (const c of claimed) {
      if (c.expiresAt !== null && c.expiresAt.getTime() <= now.getTime()) outcomes.expired.push({ id: c.id, attempts: c.attempts });
      else rest.push(c);
    }

    const states = await this.contacts.sendStates(channel.id, [...new Set(rest.map((c) => c.contactId))]);
    rest = rest.filter((c) => {
      const state = states.get(c.contactId);
      const scope = state?.optOutScope ?? null;
      if (scope === 'all' || (scope === 'marketing' && c.category === 'marketing')) {
        outcomes.skipped.push({ id: c.id, attempts: c.attempts, reason: 'opted_out', error: OPTED_OUT(scope) });
        return false;
      }
      if (channel.type !== 'whatsapp') return this.platformCheck(channel, c, state, now, outcomes);
      if (state?.notOnWhatsApp) {
        outcomes.skipped.push({ id: c.id, attempts: c.attempts, reason: 'not_on_whatsapp', error: NOT_ON_WHATSAPP });
        return false;
      }
      if (c.category === 'service' && (state?.lastInboundAt == null || now.getTime() - state.lastInboundAt.getTime() >= SERVICE_WINDOW_MS)) {
        outcomes.failed.push({ id: c.id, error: OUTSIDE_SERVICE_WINDOW, attempts: c.attempts });
        return false;
      }
      return true;
    });

    for (const workspaceId of new Set(rest.map((c) => c.workspaceId))) {
      const { quietHours, frequencyCap } = await this.settings.cached(workspaceId, now.getTime());
      const marketing = rest.filter((c) => c.workspaceId === workspaceId && c.category === 'marketing');
      const waiting = new Set<string>();
      if (quietHours !== null) {
        for (const c of marketing) {
          if (c.ignoreQuietHours) continue;
          const state = windowState(quietHours, windowZone(quietHours, c.timezone ?? states.get(c.contactId)?.timezone), now);
          if (!state.open) continue;
          waiting.add(c.id);
          outcomes.deferred.push({ id: c.id, attempts: c.attempts, until: state.closesAt, reason: 'quiet_hours' });
        }
      }
      if (frequencyCap !== null) {
        const capped = await this.ledger.admitMarketing(
          workspaceId,
          frequencyCap,
          marketing.filter((c) => c.frequencyCapped && !waiting.has(c.id)).map((c) => ({ key: c.callbackData, contactId: c.contactId })),
        );
        for (const c of marketing) {
          if (!capped.has(c.callbackData)) continue;
          waiting.add(c.id);
          outcomes.skipped.push({ id: c.id, attempts: c.attempts, reason: 'frequency_cap', error: FREQUENCY_CAP });
        }
      }
      if (waiting.size > 0) rest = rest.filter((c) => !waiting.has(c.id));
    }

    const limit = tierLimit(channel);
    if (limit !== undefined) {
      // Business-initiated conversations count towards the tier, in the ledger of the channel's business portfolio
      // (shared with its other accounts' channels); a free-form reply inside the window does not.
      const initiated = rest.filter((c) => c.category !== 'service');
      const { refused, freesAt } = await this.ledger.admitTier(channel, limit, initiated.map((c) => c.to));
      if (refused.size > 0) {
        const until = freesAt ?? new Date(now.getTime() + 3_600_000);
        rest = rest.filter((c) => {
          if (c.category === 'service' || !refused.has(c.to)) return true;
          outcomes.deferred.push({ id: c.id, attempts: c.attempts, until, reason: 'messaging_tier' });
          return false;
        });
      }
    }
    return { sendable: rest, outcomes };
  }

  /**
   * The checks of a channel that addresses people by id (Messenger, Instagram, Telegram): Herald must know the
   * contact there and the platform must not have said they cannot be reached; on Messenger and Instagram the
   * message must fall inside the 24-hour window, or carry a tag that allows it outside (HUMAN_AGENT: 7 days).
   * Telegram has no window: a user who started the bot can be written to until they block it.
   */
  private platformCheck(
    channel: SendingChannel,
    c: ClaimedSend,
    state: { identity: string | null; unreachable: { reason: string } | null; lastInboundAt: Date | null } | undefined,
    now: Date,
    outcomes: SendOutcomes,
  ): boolean {
    if (!state?.identity) {
      outcomes.skipped.push({ id: c.id, attempts: c.attempts, reason: 'no_identity', error: NO_IDENTITY(channel.type) });
      return false;
    }
    if (state.unreachable) {
      outcomes.skipped.push({ id: c.id, attempts: c.attempts, reason: 'unreachable', error: UNREACHABLE(state.unreachable.reason) });
      return false;
    }
    if (channel.type === 'telegram') return true;
    const tag = c.message.tag;
    // Messenger's other tags carry non-promotional updates at any time; HUMAN_AGENT and untagged ones need the window.
    if (tag !== undefined && tag !== 'HUMAN_AGENT') return true;
    const windowMs = tag === 'HUMAN_AGENT' ? HUMAN_AGENT_WINDOW_MS : SERVICE_WINDOW_MS;
    if (state.lastInboundAt !== null && now.getTime() - state.lastInboundAt.getTime() < windowMs) return true;
    outcomes.failed.push({ id: c.id, error: OUTSIDE_MESSAGING_WINDOW(channel.type, tag === 'HUMAN_AGENT'), attempts: c.attempts });
    return false;
  }

  /** The extra slot a send needs beyond its channel's rate (see EXTRA_PACE_HORIZON_MS), if any. */
  private extraPace(channel: SendingChannel, c: ClaimedSend): { key: string; perSecond: number } | undefined {
    if (channel.type === 'telegram') return { key: `${channel.phoneNumberId}:chat:${c.to}`, perSecond: this.config.telegramChatMessagesPerSecond };
    if ((channel.type === 'messenger' || channel.type === 'instagram') && (c.message.type === 'audio' || c.message.type === 'video')) {
      return { key: `${channel.phoneNumberId}:audio-video`, perSecond: this.config.metaAudioVideoPerSecond };
    }
    return undefined;
  }

  /**
   * A send's category: a template's as Herald's templates library has it (kept current by sync and category
   * webhooks), else as the provider answers a lookup (cached by the adapter); `service` for a free-form message.
   * When neither can say (unreachable, unknown template), `marketing`: the strictest rules apply, and a template
   * that does not exist is refused by the provider on the send itself.
   */
  async categoryOf(channel: SendingChannel, message: OutboundMessage): Promise<SendCategory> {
    if (message.type !== 'template') return 'service';
    const { name, language } = message.template;
    let category = await this.templates.categoryOf(channel.workspaceId, channel.wabaId, name, language);
    if (category === undefined) {
      const found = await this.provider.getTemplateCategory(credentialsOf(channel), name, language);
      if (!found.ok) return 'marketing';
      category = found.category;
    }
    const lower = category.toLowerCase();
    return lower === 'utility' || lower === 'authentication' ? lower : 'marketing';
  }

  /**
   * `count` consecutive slots of the channel's rate limit (shared by every worker; `SendRateLimiter.reserve`), for the
   * batch a source is about to claim; null when the number is booked beyond `horizonMs`, or this process is fenced. First the provider's one-time
   * warm-up for the number in this process (WhatsApp: a read of the number, which opens a connection): done after the
   * slots, inside `send`, it held the first batch of every number and process a whole provider latency, 250–400 ms,
   * past all of its slots (docs/BENCHMARKS.md, provider latency). Cheap once done; its outcome does not matter.
   */
  async reserve(
    channel: SendingChannel,
    count: number,
    options: { horizonMs?: number; leadMs?: number } = {},
  ): Promise<ReservedSlots | null> {
    // A fenced process (no beat recorded lately, SendWorkers) books nothing: its sends would only be handed back.
    if (!this.workers.fresh()) return null;
    if (channel.type === 'whatsapp') await this.provider.prepare?.(credentialsOf(channel));
    return this.limiter.reserve(channel.phoneNumberId, channel.messagesPerSecond, count, options);
  }

  /** Records sends as leaving (SendWorkers.departing), for sendOnSlots. */
  private readonly depart = (sends: readonly ClaimedSend[]): Promise<boolean> => this.workers.departing(sends);

  /**
   * Sends each claimed send on its own rate-limit slot of `slots` (reserved by the caller for this batch) and sorts
   * out what became of each. One that would leave late (the claim or the event loop took longer than the slack)
   * takes a fresh slot if one is due soon, else goes back to the queue. With `options.stillWanted`, a fresh slot
   * may be further off (up to MAX_RESLOT_WAIT_ASKED_MS), and the source is asked right before it whether the sends
   * are still wanted (a paused run's are not: they go back to the queue unsent, so a pause still stops new sends
   * within a second). What failures mean beyond their send is acted on once per kind. `into`: outcomes to add to
   * (the checks' ones).
   */
  async send(
    channel: SendingChannel,
    sends: readonly ClaimedSend[],
    slots: ReservedSlots,
    maxAttempts: number,
    into: SendOutcomes = emptyOutcomes(),
    options: SendOptions = {},
  ): Promise<SendOutcomes> {
    if (sends.length === 0) return into;
    const whatsapp = channel.type === 'whatsapp';
    const credentials = whatsapp ? credentialsOf(channel) : undefined;
    const deliver = (request: SendRequest): Promise<SendOutcome> =>
      credentials ? this.provider.send(credentials, request) : this.platforms.send(channel, request);
    const failures: SendFailure[] = [];
    const sendOne = async (c: ClaimedSend): Promise<void> => {
      const pace = this.extraPace(channel, c);
      if (pace !== undefined) {
        const slot = await this.limiter.reserve(pace.key, pace.perSecond, 1, { horizonMs: EXTRA_PACE_HORIZON_MS });
        if (slot === null) {
          into.deferred.push({ id: c.id, attempts: c.attempts, until: new Date(this.clock.now().toMillis() + EXTRA_PACE_HORIZON_MS), reason: 'rate_limit' });
          return;
        }
        await untilSlot(slot.firstAt);
      }
      // Fenced: with no beat recorded lately, the in-doubt rule may count this process gone; a request leaving now
      // could be sent again by another worker. Likewise a send claimed under an identity this process lost (buried).
      // Handed back unsent (SendWorkers).
      if (!this.workers.mayLeave(c)) {
        into.released.push({ id: c.id, attempts: c.attempts });
        return;
      }
      const sent = await deliver({
        to: c.to,
        message: c.message,
        callbackData: c.callbackData,
        ...(c.prevalidated ? { prevalidated: true as const } : {}),
        // Marketing templates of a number onboarded to the Marketing Messages API go there (its category decides).
        ...(c.category === 'marketing' && channel.marketingMessages && c.message.type === 'template' ? { route: 'marketing_messages' as const } : {}),
        // Messenger and Instagram: a tagged message goes as MESSAGE_TAG; the window check let the others through.
        ...(channel.type === 'messenger' || channel.type === 'instagram' ? { messagingType: c.message.tag ? ('MESSAGE_TAG' as const) : ('RESPONSE' as const) } : {}),
      });
      if (sent.ok) {
        into.accepted.push({ id: c.id, providerMessageId: sent.providerMessageId, held: 'held' in sent && sent.held === true, ...(sent.sent ? { sent: true } : {}) });
        return;
      }
      const error = sent.error;
      const recorded = toMessageError(error);
      failures.push({ channelId: channel.id, contactId: c.contactId, error: { ...recorded, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) } });
      const decision = decide(error, c.attempts, maxAttempts);
      switch (decision.kind) {
        case 'failed':
          into.failed.push({ id: c.id, error: recorded, attempts: c.attempts });
          return;
        case 'in_doubt':
          into.inDoubt.push({ id: c.id, error: recorded, attempts: c.attempts });
          return;
        case 'retry':
          into.retry.push({ id: c.id, error: recorded, delayMs: decision.delayMs, attempts: c.attempts });
          return;
      }
    };
    let pending: readonly ClaimedSend[] = sends;
    let current = slots;
    const started = slotClock();
    // Each round's sends, in flight while the late ones of that round take fresh slots.
    const rounds: Array<Promise<void>> = [];
    try {
      for (;;) {
        // Each slice of sends is recorded as leaving just before its slots (SendWorkers.departing): a worker that dies
        // leaves the ones not yet recorded to be queued again at once (rule 5). Not recorded (Postgres away, or this
        // process buried meanwhile): handed back unsent.
        const { late, unrecorded, sent } = await sendOnSlots(pending, current, sendOne, this.depart);
        rounds.push(sent);
        if (unrecorded.length > 0) into.released.push(...unrecorded.map((c) => ({ id: c.id, attempts: c.attempts })));
        if (late.length === 0) break;
        // Without the source's say, only slots due soon: reserving further ahead and then handing the sends back would
        // leave those slots unused too (each late send would cost two). With it, a far slot is kept and given up only
        // when the source no longer wants the sends (a paused run). The first fresh slot is RESLOT_LEAD_MS away or more.
        const { stillWanted } = options;
        const unconfirmedLeftMs = this.config.sendUnconfirmedAfterSeconds * 1_000 * RESLOT_SHARE_OF_UNCONFIRMED - (slotClock() - started);
        const horizonMs = stillWanted ? Math.max(MAX_RESLOT_WAIT_MS, Math.min(MAX_RESLOT_WAIT_ASKED_MS, unconfirmedLeftMs)) : MAX_RESLOT_WAIT_MS;
        const next =
          slotClock() - started < MAX_RESLOTTING_MS
            ? await this.limiter.reserve(channel.phoneNumberId, channel.messagesPerSecond, late.length, { horizonMs, leadMs: RESLOT_LEAD_MS })
            : null;
        // Far off: asked right before it (the slots go unused when the answer is no).
        if (next !== null && stillWanted && next.firstAt - slotClock() > MAX_RESLOT_WAIT_MS) {
          await untilSlot(next.firstAt - STILL_WANTED_LEAD_MS);
          // A failed read counts as no: sends not made are handed back, never made blindly.
          if (!(await stillWanted().catch(() => false))) {
            into.released.push(...late.map((c) => ({ id: c.id, attempts: c.attempts })));
            break;
          }
        }
        if (next === null) {
          into.released.push(...late.map((c) => ({ id: c.id, attempts: c.attempts })));
          break;
        }
        pending = late;
        current = next;
      }
    } finally {
      try {
        await settleAll(rounds); // every send made has answered: none is left in flight, `into` is complete
      } finally {
        await this.policy.apply(failures);
      }
    }
    return into;
  }
}

