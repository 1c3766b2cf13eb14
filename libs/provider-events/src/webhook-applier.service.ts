import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService, parseWebhook, type InboundMessage as ProviderInbound, type SendingChannel } from '@herald/channels';
import { ContactsService } from '@herald/contacts';
import { toMessageError } from './provider-policy.service';
import { WebhookRepository, type InboundRow, type StatusRow } from './webhook.repository';

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
 * The worker's side of webhooks: takes a batch of stored events, applies every status to its message (set-
 * based, monotonic, idempotent), stores inbound messages once, links replies, and acts on opt-outs: an
 * inbound keyword (OPT_OUT_KEYWORDS) or error 131050 opts the contact out of marketing; 131026 marks the
 * number as not on WhatsApp. All of it commits with the deletion of the events, or none of it.
 */
@Injectable()
export class WebhookApplier {
  private readonly logger = new Logger(WebhookApplier.name);

  constructor(
    private readonly events: WebhookRepository,
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
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
      const batch = await this.applyBatch(eventId, keywords);
      total.events += batch.events;
      total.statuses += batch.statuses;
      total.statusesMatched += batch.statusesMatched;
      total.inbound += batch.inbound;
      total.optedOut += batch.optedOut;
      if (batch.events < WEBHOOK_BATCH_EVENTS) return total;
    }
  }

  private async applyBatch(eventId: string, keywords: ReadonlySet<string>): Promise<AppliedBatch> {
    const outcome = await this.events.transaction(async (manager) => {
      const claimed = await this.events.claim(manager, eventId, WEBHOOK_BATCH_EVENTS);
      const statuses: StatusRow[] = [];
      const inbound: Array<{ channel: SendingChannel; message: ProviderInbound }> = [];
      const templates: Array<{ workspaceId: string; templateId: string; status: string; reason: string | null }> = [];
      for (const event of claimed) {
        const channel = await this.channels.forSending(event.channel_id);
        if (!channel) continue; // deleted since: nothing to apply it to
        const parsed = parseWebhook(event.body);
        for (const p of parsed.problems.slice(0, 5)) this.logger.warn(`webhook event ${event.id}: ${p.path} ${p.issue}`);
        for (const s of parsed.statuses) {
          if (s.phoneNumberId !== channel.phoneNumberId) continue; // not this channel's number
          const status = s.status === 'played' ? 'read' : s.status;
          const error = s.errors?.[0];
          statuses.push({
            workspaceId: channel.workspaceId,
            providerMessageId: s.providerMessageId,
            callbackData: s.callbackData ?? null,
            status,
            at: s.timestamp,
            error: error === undefined ? null : toMessageError(error),
          });
        }
        for (const m of parsed.inbound) if (m.phoneNumberId === channel.phoneNumberId) inbound.push({ channel, message: m });
        for (const t of parsed.templateStatusUpdates) {
          if (t.wabaId !== channel.wabaId) continue;
          templates.push({ workspaceId: channel.workspaceId, templateId: t.templateId, status: t.status, reason: t.reason && t.reason !== 'NONE' ? t.reason : null });
        }
      }
      const applied = await this.events.applyStatuses(manager, statuses);
      const stored = await this.storeInbound(manager, inbound);
      // Campaign templates' review decisions; runs waiting for one are moved by the campaign reconciler.
      await this.events.applyTemplateStatuses(manager, templates);
      return { claimed: claimed.length, statuses: statuses.length, applied, stored };
    });

    // Effects on contacts, after the commit (idempotent: a rerun finds them done).
    const failedContacts = (code: string) => outcome.applied.failed.filter((f) => f.code === code).map((f) => f.contactId);
    await this.contacts.markNotOnWhatsApp(failedContacts('131026'));
    let optedOut = await this.contacts.optOutIds(failedContacts('131050'), 'provider');
    const stopping = outcome.stored.filter((m) => m.contact_id !== null && m.text !== null && keywords.has(m.text.trim().toUpperCase()));
    optedOut += await this.contacts.optOutIds(
      stopping.map((m) => m.contact_id!),
      'inbound',
    );
    return { events: outcome.claimed, statuses: outcome.statuses, statusesMatched: outcome.applied.matched, inbound: outcome.stored.length, optedOut };
  }

  private async storeInbound(
    manager: Parameters<Parameters<WebhookRepository['transaction']>[0]>[0],
    inbound: Array<{ channel: SendingChannel; message: ProviderInbound }>,
  ) {
    if (inbound.length === 0) return [];
    const byWorkspace = new Map<string, ProviderInbound[]>();
    for (const { channel, message } of inbound) {
      const list = byWorkspace.get(channel.workspaceId);
      if (list) list.push(message);
      else byWorkspace.set(channel.workspaceId, [message]);
    }
    const ids = new Map<string, Map<string, string>>();
    for (const [workspaceId, messages] of byWorkspace) {
      ids.set(workspaceId, await this.contacts.ensureNumbers(workspaceId, messages.map((m) => ({ number: m.from, name: m.profileName ?? null }))));
    }
    const rows: InboundRow[] = inbound.map(({ channel, message: m }) => {
      const from = m.from.startsWith('+') ? m.from : `+${m.from}`;
      return {
        workspaceId: channel.workspaceId,
        channelId: channel.id,
        providerMessageId: m.providerMessageId,
        fromNumber: from.slice(0, 16),
        contactId: ids.get(channel.workspaceId)?.get(from) ?? null,
        type: m.type,
        text: m.text ?? m.button?.text ?? m.interactive?.title ?? m.media?.caption ?? null,
        payload: m.button?.payload ?? m.interactive?.id ?? null,
        contextProviderMessageId: m.contextMessageId ?? null,
        receivedAt: m.timestamp,
      };
    });
    const stored = await this.events.insertInbound(manager, rows);
    await this.events.applyReplies(manager, rows);
    return stored;
  }
}
