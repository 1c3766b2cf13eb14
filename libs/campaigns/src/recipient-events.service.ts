import { Injectable } from '@nestjs/common';
import type { AppliedStatuses, StatusRow } from '@herald/sending';
import type { EntityManager } from 'typeorm';
import { CampaignRepository } from './campaign.repository';
import { RecipientHistory } from './recipient-history.repository';
import { RecipientRepository } from './recipient.repository';
import { TemplateRegistrar } from './template-registrar.service';

/**
 * What provider events change in this library's tables, applied inside the fan-in's transaction: statuses of
 * campaign recipients, replies to campaign messages, and template review decisions.
 */
@Injectable()
export class RecipientEvents {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly campaigns: CampaignRepository,
    private readonly registrar: TemplateRegistrar,
    private readonly history: RecipientHistory,
  ) {}

  /** The campaign sends replies quote (by provider message id), for an inbound message's \`replyTo\`. */
  replyTargets(workspaceId: string, providerMessageIds: readonly string[]): Promise<Map<string, { id: string; campaignId: string; runId: string }>> {
    return this.history.byProviderIds(workspaceId, providerMessageIds);
  }

  /** `withEvents`: also return the steps recipients newly took, for `message.status` events. */
  /**
   * Messenger's watermarks for campaign sends: the provider ids of the run sends on the channel to these contacts
   * taken at or before `upTo` and not yet at the watermark's status (see MessageEvents.sendsUpTo).
   */
  sendsUpTo(
    manager: EntityManager,
    channelId: string,
    marks: ReadonlyArray<{ contactId: string; status: 'delivered' | 'read'; upTo: Date }>,
  ): Promise<Array<{ providerMessageId: string; status: 'delivered' | 'read'; at: Date }>> {
    return this.recipients.sendsUpTo(manager, channelId, marks);
  }

  /** Of these contacts, those with a campaign send on the channel taken before `upTo` whose answer is not recorded yet. */
  inFlight(manager: EntityManager, channelId: string, contactIds: readonly string[], upTo: Date): Promise<Set<string>> {
    return this.recipients.inFlight(manager, channelId, contactIds, upTo);
  }

  applyStatuses(manager: EntityManager, rows: readonly StatusRow[], withEvents = false): Promise<AppliedStatuses> {
    return this.recipients.applyStatuses(manager, rows, withEvents);
  }

  /** Returns input-button presses (field and value per contact and input group) for the contacts library to keep. */
  applyReplies(
    manager: EntityManager,
    replies: ReadonlyArray<{ workspaceId: string; context: string; text: string | null; payload: string | null; at: Date }>,
  ): Promise<Array<{ groupPk: string; contactId: string; field: string; value: string }>> {
    return this.recipients.applyReplies(manager, replies);
  }

  applyTemplateStatuses(
    manager: EntityManager,
    updates: ReadonlyArray<{ workspaceId: string; templateId: string; status: string; reason: string | null }>,
  ): Promise<string[]> {
    return this.campaigns.applyTemplateStatuses(manager, updates);
  }

  /**
   * After the fan-in's commit: the runs of these campaigns that waited for their template start now that it is
   * approved (or fail when it never will be), instead of at the reconciler's next pass.
   */
  async templatesDecided(campaignIds: readonly string[]): Promise<void> {
    for (const id of campaignIds) await this.registrar.settleWaitingRuns(id);
  }
}
