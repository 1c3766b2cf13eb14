import { Injectable, Logger } from '@nestjs/common';
import { CallbackOutbox, type CallbackEventInput } from '@herald/callbacks';
import { Clock } from '@herald/common';
import {
  ChannelPlatforms,
  ChannelsService,
  parseMetaMessagingWebhook,
  parseTelegramUpdate,
  parseWebhook,
  fitInbound,
  notAhead,
  PROVIDER_CLOCK_AHEAD_MS,
  type InboundMessage as ProviderInbound,
  type PlatformWebhook,
  type SendingChannel,
} from '@herald/channels';
import { RecipientEvents } from '@herald/campaigns';
import { ContactsService, VariableGroupsService } from '@herald/contacts';
import { MessageEvents, unresolvedReplies, withCampaignReplies, type InboundMessageRow, type InboundRow } from '@herald/messaging';
import { JobName, JobQueue, stampedJobId } from '@herald/queues';
import { ProviderPolicy, sendStatusEvents, StatusReceivers, toMessageError, toSendPricing, type AppliedStatuses, type SendFailure, type StatusRow } from '@herald/sending';
import { TemplatesService, type TemplateChange } from '@herald/templates';
import type { EntityManager } from 'typeorm';
import { WebhookRepository } from './webhook.repository';

const CAMPAIGN_CALLBACK = /^r:[0-9]{1,18}$/;
const UUID_CALLBACK = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stored events applied together in one transaction. */
export const WEBHOOK_BATCH_EVENTS = 50;

export interface AppliedBatch {
  events: number;
  statuses: number;
  statusesMatched: number;
  inbound: number;
  optedOut: number;
}

/**
 * The one fan-in of provider events. A worker takes a batch of stored webhook events and hands each change to the
 * library that owns the table it touches, all in one transaction with the deletion of the events, each with one
 * set-based statement per table per batch:
 *
 * - statuses → messaging (single messages) and campaigns (recipients): monotonic, idempotent;
 * - inbound messages → messaging (stored once, replies linked), contacts (the sender's service window), and
 *   campaigns (a reply's action), whose input-button presses go to contacts' variable values;
 * - template review decisions → campaigns (its own templates) and templates (status, quality and category of every
 *   template of the account; one it does not have makes it read the account's list again).
 *
 * Then, after the commit (idempotent: a rerun finds them done), the one provider policy acts on the failures the
 * statuses reported — exactly as it does for errors answered on a send — and STOP-like keywords opt contacts out
 * of marketing.
 */
@Injectable()
export class WebhookApplier {
  private readonly logger = new Logger(WebhookApplier.name);

  constructor(
    private readonly events: WebhookRepository,
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
    private readonly variableGroups: VariableGroupsService,
    private readonly messages: MessageEvents,
    private readonly recipients: RecipientEvents,
    private readonly policy: ProviderPolicy,
    private readonly templateLibrary: TemplatesService,
    private readonly outbox: CallbackOutbox,
    private readonly clock: Clock,
    private readonly platforms: ChannelPlatforms,
    private readonly queue: JobQueue,
    private readonly receivers: StatusReceivers,
  ) {}

  /**
   * Applies the event `eventId` and whatever else is waiting, batch after batch, until a batch comes back short:
   * the API asks for one job for all the events stored within a few milliseconds (`WebhookIntake`), so a job
   * drains what it finds rather than one batch of it.
   */
  async apply(eventId: string, optOutKeywords: readonly string[]): Promise<AppliedBatch> {
    const keywords = new Set(optOutKeywords.map((k) => k.toUpperCase()));
    const total: AppliedBatch = { events: 0, statuses: 0, statusesMatched: 0, inbound: 0, optedOut: 0 };
    for (;;) {
      const batch = await this.applyBatch(eventId, keywords, WEBHOOK_BATCH_EVENTS).catch((error: unknown) => this.applyOneByOne(eventId, keywords, error));
      total.events += batch.events;
      total.statuses += batch.statuses;
      total.statusesMatched += batch.statusesMatched;
      total.inbound += batch.inbound;
      total.optedOut += batch.optedOut;
      if (batch.events < WEBHOOK_BATCH_EVENTS) return total;
    }
  }

  /**
   * After a batch failed: its events one at a time, each in a transaction of its own, so one that cannot be applied
   * does not hold up the others (the batch is claimed oldest first, so it would be in every batch after it, for every
   * workspace). An event that fails alone for its data (`unapplicable`) is set aside in webhook_events_failed with
   * why; any other failure (Postgres unreachable, a deadlock) is thrown, and the job tries again later.
   */
  private async applyOneByOne(eventId: string, keywords: ReadonlySet<string>, batchError: unknown): Promise<AppliedBatch> {
    this.logger.warn(`a batch of webhook events failed (${errorText(batchError)}): applying them one at a time`);
    const total: AppliedBatch = { events: 0, statuses: 0, statusesMatched: 0, inbound: 0, optedOut: 0 };
    for (const id of await this.events.peek(eventId, WEBHOOK_BATCH_EVENTS)) {
      try {
        const one = await this.applyBatch(id, keywords, 0);
        total.statuses += one.statuses;
        total.statusesMatched += one.statusesMatched;
        total.inbound += one.inbound;
        total.optedOut += one.optedOut;
      } catch (error) {
        if (!unapplicable(error)) throw error;
        if (await this.events.setAside(id, errorText(error))) this.logger.error(`webhook event ${id} cannot be applied and was set aside in webhook_events_failed: ${errorText(error)}`);
      }
      total.events += 1;
    }
    return total;
  }

  /** Applies the event `eventId` and up to `more` others waiting, oldest first, in one transaction. */
  private async applyBatch(eventId: string, keywords: ReadonlySet<string>, more: number): Promise<AppliedBatch> {
    const outcome = await this.events.transaction(async (manager) => {
      const claimed = await this.events.claim(manager, eventId, more);
      const statuses: Array<StatusRow & { channelId: string }> = [];
      const inbound: Array<{ channel: SendingChannel; message: ProviderInbound }> = [];
      const templates: Array<{ workspaceId: string; templateId: string; status: string; reason: string | null }> = [];
      const templateChanges: Array<TemplateChange & { channelId: string }> = [];
      const templateEvents: CallbackEventInput[] = [];
      const platform: Array<{ channel: SendingChannel; parsed: PlatformWebhook; attempt: number }> = [];
      const platformOf = new Map<string, string>();
      for (const event of claimed) {
        const channel = await this.channels.forSending(event.channel_id);
        if (!channel) continue; // deleted since: nothing to apply it to
        platformOf.set(channel.id, channel.type);
        if (channel.type !== 'whatsapp') {
          // Only Herald's own events are status retries: a provider's POST shaped like one is read as the provider's.
          const retry = event.own ? statusRetryOf(event.body) : undefined;
          if (retry) {
            platform.push({ channel, ...retry });
            continue;
          }
          const now = this.clock.now().toJSDate();
          const parsed = this.timesNotAhead(parsePlatformWebhook(channel, event.body, now), now, event.id);
          platform.push({ channel, parsed, attempt: 0 });
          // Events for another Page (account) of the same Meta app, posted to the app's one callback URL: applied to
          // that Page's channel, whatever its workspace, when exactly one channel has it with this app's secret.
          for (const senderId of parsed.otherSenders ?? []) {
            const sibling = await this.channels.sibling(channel, senderId);
            if (sibling) platform.push({ channel: sibling, parsed: this.timesNotAhead(parsePlatformWebhook(sibling, event.body, now), now, event.id), attempt: 0 });
            else this.logger.warn(`${channel.type} webhook event ${event.id} (channel ${channel.id}): the events for ${senderId} were skipped: no one channel of this app has it`);
          }
          continue;
        }
        const parsed = this.timesNotAhead(parseWebhook(event.body), this.clock.now().toJSDate(), event.id);
        for (const p of parsed.problems.slice(0, 5)) this.logger.warn(`webhook event ${event.id}: ${p.path} ${p.issue}`);
        for (const s of parsed.statuses) {
          if (s.phoneNumberId !== channel.phoneNumberId) continue; // not this channel's number
          const error = s.errors?.[0];
          statuses.push({
            channelId: channel.id,
            workspaceId: channel.workspaceId,
            providerMessageId: s.providerMessageId,
            callbackData: s.callbackData ?? null,
            status: s.status === 'played' ? 'read' : s.status,
            at: s.timestamp,
            error: error === undefined ? null : toMessageError(error),
            pricing: toSendPricing(s.pricing),
          });
        }
        for (const m of parsed.inbound) if (m.phoneNumberId === channel.phoneNumberId) inbound.push({ channel, message: m });
        for (const t of parsed.templateStatusUpdates) {
          if (t.wabaId !== channel.wabaId) continue;
          const reason = t.reason && t.reason !== 'NONE' ? t.reason : null;
          templates.push({ workspaceId: channel.workspaceId, templateId: t.templateId, status: t.status, reason });
          templateEvents.push({
            workspaceId: channel.workspaceId,
            type: 'template.status',
            occurredAt: t.at ?? this.clock.now().toJSDate(),
            data: {
              channelId: channel.id,
              providerTemplateId: t.templateId,
              name: t.name ?? null,
              language: t.language ?? null,
              status: t.status,
              providerStatus: t.providerStatus,
              reason,
              details: t.otherInfo?.description ?? t.rejectionInfo?.recommendation ?? null,
            },
          });
          const why = [reason, t.otherInfo?.title, t.otherInfo?.description].filter((x): x is string => typeof x === 'string' && x !== '').join(': ');
          templateChanges.push({
            kind: 'status',
            channelId: channel.id,
            workspaceId: channel.workspaceId,
            providerTemplateId: t.templateId,
            status: t.status,
            providerStatus: t.providerStatus,
            reason: why === '' ? null : why,
          });
        }
        for (const q of parsed.templateQualityUpdates) {
          if (q.wabaId !== channel.wabaId) continue;
          templateChanges.push({ kind: 'quality', channelId: channel.id, workspaceId: channel.workspaceId, providerTemplateId: q.templateId, qualityScore: q.newQualityScore });
        }
        for (const c of parsed.templateCategoryUpdates) {
          // An impending change is only a notice; the category changes when Meta says it has.
          if (c.wabaId !== channel.wabaId || c.kind !== 'completed') continue;
          templateChanges.push({ kind: 'category', channelId: channel.id, workspaceId: channel.workspaceId, providerTemplateId: c.templateId, category: c.newCategory.toUpperCase() });
        }
      }
      const { callbackQueries, retries, blocks } = await this.platformChanges(manager, platform, statuses, inbound);
      if (statuses.length > 0) await this.events.withoutJit(manager);
      // Herald's callback data says whose send it is (a message's uuid, a recipient's `r:<id>`): each owner gets
      // its own statuses and those without callback data, instead of probing its table for every status.
      const forMessages = statuses.filter((s) => s.callbackData === null || !CAMPAIGN_CALLBACK.test(s.callbackData));
      const forRecipients = statuses.filter((s) => s.callbackData === null || !UUID_CALLBACK.test(s.callbackData));
      // Who listens for what this batch changes (one query per kind present): their events go to the callback
      // outbox in this transaction. A message's own callbackUrl is heard whatever its workspace listens for.
      const listening = {
        status: await this.listeners(manager, statuses.map((s) => s.workspaceId), 'message.status'),
        inbound: await this.listeners(manager, inbound.map((i) => i.channel.workspaceId), 'message.inbound'),
      };
      const applied = [
        await this.messages.applyStatuses(manager, forMessages),
        await this.recipients.applyStatuses(manager, forRecipients, listening.status.size > 0),
      ];
      const events: CallbackEventInput[] = sendStatusEvents(
        applied.flatMap((a) => a.events).filter((e) => e.callback_url !== null || listening.status.has(e.workspace_id)),
      );
      const stored = await this.storeInbound(manager, inbound);
      events.push(...(await this.inboundEvents(stored.filter((m) => listening.inbound.has(m.workspace_id)))));
      // After the batch's messages, which make their writers reachable again: a block later than them stands.
      for (const [channelId, ofChannel] of blocks) await this.contacts.markBlocked(manager, channelId, ofChannel);
      // Campaign templates' review decisions (the runs waiting for one are moved after the commit).
      const decidedCampaigns = await this.recipients.applyTemplateStatuses(manager, templates);
      const unknownTemplates = await this.templateLibrary.applyChanges(manager, templateChanges);
      const templateListeners = await this.listeners(manager, templates.map((t) => t.workspaceId), 'template.status');
      for (const t of templateEvents) if (templateListeners.has(t.workspaceId)) events.push(t);
      await this.outbox.record(manager, events);
      return { claimed, statuses, applied, stored, unknownTemplates, decidedCampaigns, callbackQueries, retries, platformOf };
    });

    // The provider's webhooks reach Herald: when they were received is what lets a send in doubt be sent again
    // (StatusReceivers). Herald's own events (status retries it stored itself) and events a person put back say
    // nothing of the provider's path.
    await this.receivers.received(
      outcome.claimed.filter((e) => !e.own && !e.replayed).map((e) => ({ channelId: e.channel_id, platform: outcome.platformOf.get(e.channel_id) ?? null, at: e.received_at })),
    );
    for (const { eventId, delayMs } of outcome.retries) {
      await this.queue.add(JobName.ApplyWebhooks, { eventId }, { jobId: stampedJobId(`webhook-${eventId}`, Date.now()), delay: delayMs }).catch((error: Error) => {
        this.logger.warn(`statuses retried as event ${eventId} wait for the sweep: ${error.message}`);
      });
    }
    // Telegram shows a progress bar on a pressed button until the bot answers: answered once the press is stored.
    await Promise.all(outcome.callbackQueries.map(({ channel, id }) => this.platforms.answerCallbackQuery(channel, id)));

    // The one provider policy, on the failures statuses reported (131026 marks the number, 131050 opts out of
    // marketing, an auth or account error pauses the channel), as on errors answered on a send.
    await this.policy.apply(failuresOf(outcome.statuses, outcome.applied));
    if (outcome.unknownTemplates.length > 0) await this.templateLibrary.syncSoon(outcome.unknownTemplates);
    // Runs waiting for a template decided in this batch start now, not at the reconciler's next pass.
    if (outcome.decidedCampaigns.length > 0) await this.recipients.templatesDecided(outcome.decidedCampaigns);
    const stopping = outcome.stored.filter((m) => m.contact_id !== null && m.text !== null && keywords.has(m.text.trim().toUpperCase()));
    const optedOut = await this.contacts.optOutIds(
      stopping.map((m) => m.contact_id!),
      'inbound',
    );
    const matched = outcome.applied.reduce((n, a) => n + a.matched, 0);
    return { events: outcome.claimed.length, statuses: outcome.statuses.length, statusesMatched: matched, inbound: outcome.stored.length, optedOut };
  }

  /**
   * `message.inbound` events: each stored message as `GET /v1/inbound-messages/:id` shows it, its `replyTo`
   * completed with the campaign send it answers (one query per workspace with such replies).
   */
  private async inboundEvents(stored: readonly InboundMessageRow[]): Promise<CallbackEventInput[]> {
    const events: CallbackEventInput[] = [];
    const byWorkspace = new Map<string, InboundMessageRow[]>();
    for (const m of stored) {
      const list = byWorkspace.get(m.workspace_id);
      if (list) list.push(m);
      else byWorkspace.set(m.workspace_id, [m]);
    }
    for (const [workspaceId, rows] of byWorkspace) {
      let views = rows.map((m) => this.messages.inboundView(m));
      const open = unresolvedReplies(views);
      if (open.length > 0) views = withCampaignReplies(views, await this.recipients.replyTargets(workspaceId, open));
      views.forEach((view, i) => events.push({ workspaceId, type: 'message.inbound', occurredAt: rows[i]!.received_at, data: { ...view } }));
    }
    return events;
  }

  /**
   * What Messenger, Instagram and Telegram events change, in the shapes WhatsApp's take: statuses by message id go
   * with the others; watermarks (Messenger: everything sent to the user up to then was delivered or read) become the
   * statuses of the sends they cover; messages and button presses join the inbound ones; a user who blocked the bot
   * is marked unreachable there. Returns the button presses to answer (Telegram's callback queries) and the retries
   * stored. The batch's events of one channel are taken together: a few statements per channel, not per event
   * (Messenger posts a delivery and a read for every send; one query per event cost about 2.5 ms of Postgres each).
   */
  private async platformChanges(
    manager: EntityManager,
    platform: ReadonlyArray<{ channel: SendingChannel; parsed: PlatformWebhook; attempt: number }>,
    statuses: Array<StatusRow & { channelId: string }>,
    inbound: Array<{ channel: SendingChannel; message: ProviderInbound }>,
  ): Promise<{
    callbackQueries: Array<{ channel: SendingChannel; id: string }>;
    retries: Array<{ eventId: string; delayMs: number }>;
    /** Per channel, the users its events said blocked it, with when. */
    blocks: Map<string, Array<{ identity: string; reason: string; at: Date }>>;
  }> {
    const callbackQueries: Array<{ channel: SendingChannel; id: string }> = [];
    const retries: Array<{ eventId: string; delayMs: number }> = [];
    const blocks = new Map<string, Array<{ identity: string; reason: string; at: Date }>>();
    // Retries keep their own count: a fresh event and a retried one of a channel are grouped apart.
    const groups = new Map<string, { channel: SendingChannel; attempt: number; parsed: PlatformWebhook }>();
    for (const { channel, parsed, attempt } of platform) {
      for (const p of parsed.problems.slice(0, 5)) this.logger.warn(`${channel.type} webhook for channel ${channel.id}: ${p.path} ${p.issue}`);
      const key = `${channel.id}:${attempt}`;
      const group = groups.get(key);
      if (group === undefined) {
        groups.set(key, { channel, attempt, parsed: { statuses: [...parsed.statuses], watermarks: [...parsed.watermarks], inbound: [...parsed.inbound], unreachable: [...parsed.unreachable], problems: [] } });
        continue;
      }
      group.parsed.statuses.push(...parsed.statuses);
      group.parsed.watermarks.push(...parsed.watermarks);
      group.parsed.inbound.push(...parsed.inbound);
      group.parsed.unreachable.push(...parsed.unreachable);
    }
    for (const { channel, parsed, attempt } of groups.values()) {
      const base = { channelId: channel.id, workspaceId: channel.workspaceId, callbackData: null, error: null, pricing: null };
      for (const s of parsed.statuses) statuses.push({ ...base, providerMessageId: s.providerMessageId, status: s.status, at: s.timestamp });
      if (parsed.statuses.length > 0 || parsed.watermarks.length > 0) {
        const recipients = [...new Set([...parsed.statuses.map((s) => s.recipientId), ...parsed.watermarks.map((w) => w.recipientId)])];
        const contacts = await this.contacts.contactsOfIdentities(manager, channel.id, recipients);
        const marks = parsed.watermarks.flatMap((w) => {
          const contactId = contacts.get(w.recipientId);
          return contactId === undefined ? [] : [{ contactId, status: w.status, upTo: w.upTo }];
        });
        if (marks.length > 0) {
          const covered = [...(await this.messages.sendsUpTo(manager, channel.id, marks)), ...(await this.recipients.sendsUpTo(manager, channel.id, marks))];
          for (const s of covered) statuses.push({ ...base, providerMessageId: s.providerMessageId, status: s.status, at: s.at });
        }
        // A platform can deliver before the worker has recorded the send's answer (no provider id yet): what these
        // statuses say of such a send is applied again shortly, once it is recorded.
        const touched = [...new Set(contacts.values())];
        if (attempt < MAX_STATUS_RETRIES && touched.length > 0) {
          const latest = new Date(Math.max(...parsed.statuses.map((s) => s.timestamp.getTime()), ...parsed.watermarks.map((w) => w.upTo.getTime())));
          const waiting = new Set([...(await this.messages.inFlight(manager, channel.id, touched, latest)), ...(await this.recipients.inFlight(manager, channel.id, touched, latest))]);
          if (waiting.size > 0) {
            const again = (id: string) => waiting.has(contacts.get(id) ?? '');
            const body: StatusRetry = {
              heraldStatusRetry: {
                attempt: attempt + 1,
                statuses: parsed.statuses.filter((s) => again(s.recipientId)),
                watermarks: parsed.watermarks.filter((w) => again(w.recipientId)),
              },
            };
            retries.push({ eventId: await this.events.storeOwn(manager, channel.id, body), delayMs: 1_000 * 2 ** attempt });
          }
        }
      }
      for (const m of parsed.inbound) {
        inbound.push({ channel, message: m });
        if (m.callbackQueryId !== undefined) callbackQueries.push({ channel, id: m.callbackQueryId });
      }
      // A user who wrote after blocking (in this batch) is reachable: the later event wins.
      const lastWrote = new Map<string, number>();
      for (const m of parsed.inbound) lastWrote.set(m.from, Math.max(lastWrote.get(m.from) ?? 0, m.timestamp.getTime()));
      // A block is kept with the time the platform gives it: a message older than it, applied in a later batch, does
      // not make the user reachable again (ContactsService.ensureIdentities).
      const blocked = new Map(parsed.unreachable.filter((u) => (lastWrote.get(u.recipientId) ?? -Infinity) <= u.at.getTime()).map((u) => [u.recipientId, u]));
      if (blocked.size > 0) blocks.set(channel.id, [...(blocks.get(channel.id) ?? []), ...[...blocked.values()].map((u) => ({ identity: u.recipientId, reason: u.reason, at: u.at }))]);
    }
    return { callbackQueries, retries, blocks };
  }

  /**
   * The parsed event with no time later than a few minutes past now (`notAhead`): a message stamped in year 9999
   * would sort first for ever and hold its writer's service window open; a watermark so, cover sends not made yet.
   */
  private timesNotAhead<T extends { statuses: ReadonlyArray<{ timestamp: Date }>; inbound: ReadonlyArray<{ timestamp: Date }>; watermarks?: ReadonlyArray<{ upTo: Date }>; unreachable?: ReadonlyArray<{ at: Date }> }>(
    parsed: T,
    now: Date,
    eventId: string,
  ): T {
    const statuses = notAhead(parsed.statuses, 'timestamp', now);
    const inbound = notAhead(parsed.inbound, 'timestamp', now);
    const watermarks = notAhead(parsed.watermarks ?? [], 'upTo', now);
    const unreachable = notAhead(parsed.unreachable ?? [], 'at', now);
    const moved = statuses.moved + inbound.moved + watermarks.moved + unreachable.moved;
    if (moved === 0) return parsed;
    this.logger.warn(`webhook event ${eventId}: ${moved} time(s) more than ${PROVIDER_CLOCK_AHEAD_MS / 60_000} minutes ahead of this clock read as now`);
    return {
      ...parsed,
      statuses: statuses.items,
      inbound: inbound.items,
      ...(parsed.watermarks ? { watermarks: watermarks.items } : {}),
      ...(parsed.unreachable ? { unreachable: unreachable.items } : {}),
    };
  }

  /** Of these workspaces, those with an endpoint subscribed to `type` (no query when there are none). */
  private async listeners(manager: EntityManager, workspaceIds: readonly string[], type: CallbackEventInput['type']): Promise<ReadonlySet<string>> {
    return workspaceIds.length === 0 ? new Set() : this.outbox.subscribed(new Set(workspaceIds), type, manager);
  }

  private async storeInbound(manager: EntityManager, all: Array<{ channel: SendingChannel; message: ProviderInbound }>) {
    const inbound = all.flatMap(({ channel, message }) => {
      const fitted = fitInbound(message);
      if (fitted.problem !== undefined) this.logger.warn(`${channel.type} inbound message for channel ${channel.id}${fitted.message ? '' : ' skipped'}: ${fitted.problem}`);
      return fitted.message ? [{ channel, message: fitted.message }] : [];
    });
    if (inbound.length === 0) return [];
    // WhatsApp senders are numbers (contacts by number); the other platforms' are ids on the channel (by identity).
    const byWorkspace = new Map<string, ProviderInbound[]>();
    const byChannel = new Map<string, { channel: SendingChannel; messages: ProviderInbound[] }>();
    for (const { channel, message } of inbound) {
      if (channel.type !== 'whatsapp') {
        const entry = byChannel.get(channel.id) ?? { channel, messages: [] };
        entry.messages.push(message);
        byChannel.set(channel.id, entry);
        continue;
      }
      const list = byWorkspace.get(channel.workspaceId);
      if (list) list.push(message);
      else byWorkspace.set(channel.workspaceId, [message]);
    }
    const ids = new Map<string, Map<string, string>>();
    for (const [workspaceId, messages] of byWorkspace) {
      ids.set(workspaceId, await this.contacts.ensureNumbers(workspaceId, messages.map((m) => ({ number: m.from, name: m.profileName ?? null }))));
    }
    for (const { channel, messages } of byChannel.values()) {
      ids.set(channel.id, await this.contacts.ensureIdentities(manager, channel.workspaceId, channel.id, messages.map((m) => ({ identity: m.from, name: m.profileName ?? null, at: m.timestamp }))));
    }
    const rows: InboundRow[] = inbound.map(({ channel, message: m }) => {
      const whatsapp = channel.type === 'whatsapp';
      const from = !whatsapp || m.from.startsWith('+') ? m.from : `+${m.from}`;
      return {
        workspaceId: channel.workspaceId,
        channelId: channel.id,
        providerMessageId: m.providerMessageId,
        fromNumber: from.slice(0, whatsapp ? 16 : 64),
        contactId: (whatsapp ? ids.get(channel.workspaceId) : ids.get(channel.id))?.get(from) ?? null,
        type: m.type,
        text: m.text ?? m.button?.text ?? m.interactive?.title ?? m.media?.caption ?? null,
        payload: m.button?.payload ?? m.interactive?.id ?? null,
        contextProviderMessageId: m.contextMessageId ?? null,
        receivedAt: m.timestamp,
        message: m,
      };
    });
    const stored = await this.messages.storeInbound(manager, rows);
    await this.contacts.noteInbound(
      manager,
      rows.flatMap((r) => (r.contactId === null ? [] : [{ channelId: r.channelId, contactId: r.contactId, at: r.receivedAt }])),
    );
    const inputs = await this.recipients.applyReplies(
      manager,
      rows.flatMap((r) =>
        r.contextProviderMessageId === null
          ? []
          : [{ workspaceId: r.workspaceId, context: r.contextProviderMessageId, text: r.text, payload: r.payload, at: r.receivedAt }],
      ),
    );
    await this.variableGroups.mergeFields(manager, inputs);
    return stored;
  }
}

/** Failures reported by status webhooks, with the channel and contact, for the provider policy. */
/**
 * Whether an event failed for what it holds, so that trying it again can never succeed: Postgres refused its data
 * (SQLSTATE class 22, data exception: an invalid time, text it cannot store; class 23, a constraint), or the code
 * reading it threw (a TypeError or RangeError on a body of an unforeseen shape). Not: Postgres or the network away,
 * a deadlock or a serialization failure, a timeout.
 */
function unapplicable(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = typeof e?.driverError?.code === 'string' ? e.driverError.code : typeof e?.code === 'string' ? e.code : undefined;
  if (sqlState !== undefined && /^[0-9A-Z]{5}$/.test(sqlState)) return sqlState.startsWith('22') || sqlState.startsWith('23');
  return error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function failuresOf(statuses: ReadonlyArray<StatusRow & { channelId: string }>, applied: readonly AppliedStatuses[]): SendFailure[] {
  if (!applied.some((a) => a.failed.length > 0)) return [];
  const channelOf = new Map(statuses.map((s) => [s.providerMessageId, s.channelId]));
  return applied.flatMap((a) =>
    a.failed.flatMap((f) => {
      const channelId = channelOf.get(f.providerMessageId);
      return channelId === undefined ? [] : [{ channelId, contactId: f.contactId, error: f.error }];
    }),
  );
}

/** Statuses that came before their send was recorded are applied again up to this many times (1, 2, 4, 8, 16 s). */
const MAX_STATUS_RETRIES = 5;

/** Herald's own event: platform statuses to apply again (`platformChanges`); times as ISO strings once stored. */
interface StatusRetry {
  heraldStatusRetry: { attempt: number; statuses: PlatformWebhook['statuses']; watermarks: PlatformWebhook['watermarks'] };
}

function statusRetryOf(body: unknown): { parsed: PlatformWebhook; attempt: number } | undefined {
  if (typeof body !== 'object' || body === null || !('heraldStatusRetry' in body)) return undefined;
  const retry = (body as StatusRetry).heraldStatusRetry;
  return {
    attempt: retry.attempt,
    parsed: {
      statuses: retry.statuses.map((s) => ({ ...s, timestamp: new Date(s.timestamp) })),
      watermarks: retry.watermarks.map((w) => ({ ...w, upTo: new Date(w.upTo) })),
      inbound: [],
      unreachable: [],
      problems: [],
    },
  };
}

/**
 * A stored Messenger, Instagram or Telegram webhook, parsed by its platform's rules. Telegram gives no time for a
 * button press: `receivedAt` (when the batch is applied, within a second or so of arrival) stands in for it.
 */
function parsePlatformWebhook(channel: SendingChannel, body: unknown, receivedAt: Date): PlatformWebhook & { otherSenders?: readonly string[] } {
  switch (channel.type) {
    case 'messenger':
    case 'instagram':
      return parseMetaMessagingWebhook(body, channel.type, channel.phoneNumberId);
    case 'telegram':
      return parseTelegramUpdate(body, channel.phoneNumberId, receivedAt);
    case 'whatsapp':
      throw new TypeError('WhatsApp webhooks are parsed by parseWebhook');
  }
}
