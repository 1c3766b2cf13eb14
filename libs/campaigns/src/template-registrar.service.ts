import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChannelsService, credentialsOf, type ChannelProvider, type TemplateState, type WhatsAppCredentials } from '@herald/channels';
import { HeraldError } from '@herald/common';
import { CHANNEL_PROVIDER } from '@herald/sending';
import { TemplatesService } from '@herald/templates';
import { CampaignRepository, TEMPLATE_PAUSED, type CampaignRow } from './campaign.repository';
import { toTemplateDefinition } from './campaign-message.util';
import { RunJobs } from './run-jobs.service';
import { RecipientRepository } from './recipient.repository';

/** Why runs of a campaign whose template was not approved cannot be sent. */
export function templateFailure(campaign: Pick<CampaignRow, 'template_status' | 'template_reason'>): string {
  return `The template was ${campaign.template_status}${campaign.template_reason ? `: ${campaign.template_reason}` : ''}.`;
}

/** Thrown so the queue tries again later (a transient provider failure). */
export class TemplateRetryError extends Error {}

/**
 * A campaign's template on its channel: submitted once (the submission is looked up by name if a retry finds
 * it exists already), then followed until the provider decides: by its status webhook, or by asking.
 * A decision moves the runs waiting for it: approved ones start, the others fail with the reason.
 */
@Injectable()
export class TemplateRegistrar {
  private readonly logger = new Logger(TemplateRegistrar.name);

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly channels: ChannelsService,
    private readonly jobs: RunJobs,
    @Inject(CHANNEL_PROVIDER) private readonly provider: ChannelProvider<WhatsAppCredentials>,
    private readonly templates: TemplatesService,
    private readonly recipients: RecipientRepository,
  ) {}

  async register(campaignId: string): Promise<string> {
    const campaign = await this.campaigns.campaignById(campaignId);
    if (!campaign || campaign.template_id !== null) return 'nothing to do';
    const channel = await this.channels.forSending(campaign.channel_id);
    if (!channel) {
      await this.decide(campaign, { status: 'REJECTED', reason: 'The channel was deleted before the template was submitted.' });
      return 'channel deleted';
    }
    const credentials = credentialsOf(channel);
    // The image goes to the provider's upload API for a handle: the Cloud API takes no URL as a header's example.
    let imageHandle: string | null = null;
    if (campaign.img_url) {
      try {
        imageHandle = await this.templates.headerHandle(channel.id, 'image', campaign.img_url);
      } catch (error) {
        if (!(error instanceof HeraldError) || error.kind === 'unavailable') throw new TemplateRetryError(`image upload: ${(error as Error).message}`);
        await this.decide(campaign, { status: 'REJECTED', reason: `The image could not be used: ${error.message}` });
        return 'REJECTED';
      }
    }
    const definition = toTemplateDefinition({
      name: campaign.template_name,
      languageCode: campaign.language_code,
      category: campaign.template_type,
      body: campaign.body,
      variables: campaign.variables,
      imageHandle,
      buttons: campaign.buttons,
      ...(campaign.template_params?.linkBase ? { linkBase: campaign.template_params.linkBase } : {}),
    });
    const created = await this.provider.createTemplate(credentials, definition);
    if (created.ok) {
      await this.decide(campaign, created.template);
      return created.template.status;
    }
    if (created.error.retriable) throw new TemplateRetryError(`${created.error.code} ${created.error.title}`);
    // Submitted by an earlier attempt that died before recording it? Then it exists under our name.
    const existing = await this.provider.getTemplate(credentials, {
      name: campaign.template_name,
      language: campaign.language_code,
    });
    if (existing.ok) {
      await this.decide(campaign, existing.template);
      return existing.template.status;
    }
    await this.decide(campaign, {
      status: 'REJECTED',
      reason: `${created.error.code} ${created.error.title}: ${created.error.details}`,
    });
    return 'REJECTED';
  }

  /** Asks the provider where a pending template stands (when its status webhook may have been missed). */
  async poll(campaign: CampaignRow): Promise<void> {
    if (campaign.template_id === null) {
      await this.jobs.registerTemplate(campaign.id);
      await this.campaigns.touchCampaign(campaign.id);
      return;
    }
    const channel = await this.channels.forSending(campaign.channel_id);
    if (!channel) return;
    const state = await this.provider.getTemplate(credentialsOf(channel), { id: campaign.template_id });
    if (state.ok) await this.decide(campaign, state.template);
    else await this.campaigns.touchCampaign(campaign.id);
  }

  /** Records the template's state; a decision starts or fails the runs waiting for it. */
  async decide(
    campaign: CampaignRow,
    state: Pick<TemplateState, 'status'> & { id?: string; rejectedReason?: string; reason?: string },
  ): Promise<void> {
    const reason = state.rejectedReason ?? state.reason ?? null;
    await this.campaigns.setTemplate(campaign.id, {
      id: state.id ?? null,
      status: state.status,
      reason: reason === 'NONE' ? null : reason,
    });
    await this.settleWaitingRuns(campaign.id);
  }

  /**
   * Runs waiting for this campaign's template: started when it is approved, failed when it never will be. Runs paused
   * because Meta paused or disabled the template resume when it is approved again.
   */
  async settleWaitingRuns(campaignId: string): Promise<void> {
    const campaign = await this.campaigns.campaignById(campaignId);
    if (!campaign || campaign.template_status === 'PENDING') return;
    if (campaign.template_status === 'APPROVED' && campaign.deleted_at === null) await this.resumeTemplatePaused(campaignId);
    const waiting = (await this.campaigns.runsOf([campaignId])).filter((r) => r.status === 'waiting_for_template');
    if (waiting.length === 0) return;
    if (campaign.template_status === 'APPROVED') {
      await this.jobs.startsNow(waiting.map((r) => r.id));
      return;
    }
    const reason = templateFailure(campaign);
    const ids = waiting.map((r) => r.id);
    if (campaign.template_status === 'PAUSED' || campaign.template_status === 'DISABLED') return; // paused with the campaign's runs
    if (await this.campaigns.transition(ids, ['waiting_for_template'], 'failed', { completedAt: true, failureReason: reason })) {
      this.logger.warn(`runs ${ids.join(', ')} failed: ${reason}`);
    }
  }

  /** The runs a paused template held, going again: started ones where they stopped, the others at their start. */
  private async resumeTemplatePaused(campaignId: string): Promise<void> {
    for (const run of await this.campaigns.templatePausedRuns(campaignId)) {
      const to = await this.campaigns.resumeRun(run.id, TEMPLATE_PAUSED);
      if (to === undefined) continue;
      if (to === 'scheduled') await this.jobs.startsNow([run.id], new Map([[run.id, run.time_to_run]]));
      else await this.jobs.chunksNow(await this.recipients.pendingChunks([run.id]));
      this.logger.log(`run ${run.id} resumed: its template is approved again`);
    }
  }
}
