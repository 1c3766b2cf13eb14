import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Clock, HeraldError, isUuid } from '@herald/common';
import { CampaignRepository, type CampaignRow, type RunRow } from './campaign.repository';
import type { RunStatus } from './campaign-run.entity';
import type { RecipientStatus } from './campaign-recipient.entity';
import { parseBlast } from './campaign-input.util';
import { CampaignsService, type CampaignResults, type RunView } from './campaigns.service';
import type { MediaHeader } from './campaign-message.util';

export interface BlastCreated {
  blastId: string;
  runId: string;
  status: RunStatus;
  /** Recipients fixed when it started (skipped ones included); null while it has not started yet. */
  recipients: number | null;
  timeToRun: Date;
}

export interface BlastView extends Omit<RunView, 'campaignId'> {
  blastId: string;
  title: string;
  channelId: string;
  template: { name: string; language: string; category: string; status: string; reason: string | null };
  /** A blast's own message (Messenger, Instagram, Telegram), as given; null for a template's blast. */
  message: string | null;
  params: readonly string[];
  header: MediaHeader | null;
  buttons: ReadonlyArray<{ index: number; param: string }>;
  results: Omit<CampaignResults, 'runs'>;
}

/** How long `POST /v1/blasts` waits for a blast due now to fix its recipients, to answer how many there are. */
const START_WAIT_MS = 2_000;

/**
 * Blasts: one template the business already has, sent to the contacts a searchSpec matches (or to audiences). A blast
 * is a campaign of kind `blast` with one run: created, controlled and read through the campaigns service, so it has
 * everything a run has (set-based fan-out with exclusions, chunks, every send control, pause / resume / cancel /
 * retry-failed, progress, waiting reasons, results, the recipients export). This only translates.
 */
@Injectable()
export class BlastsService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly repository: CampaignRepository,
    private readonly clock: Clock,
  ) {}

  async create(workspaceId: string, body: unknown): Promise<BlastCreated> {
    const input = parseBlast(body, this.clock.now().toJSDate());
    const where = {
      ...(input.channelId ? { channelId: input.channelId } : {}),
      ...(input.from ? { from: input.from } : {}),
      ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
    };
    // A message of its own (Messenger, Instagram, Telegram: no templates there), else a template the business has.
    const { campaign, run } = input.content
      ? await this.campaigns.createWithMessage(workspaceId, { ...input.content, ...where, sendWindow: null, run: input.run }, 'blast')
      : await this.campaigns.createFromTemplate(workspaceId, { title: input.title, use: input.use!, ...where, sendWindow: null, run: input.run }, 'blast');
    let started = run!;
    if (started.time_to_run.getTime() <= Date.now()) {
      // Due now: a worker fixes its recipients within moments; answer with their number when it is that quick.
      const until = Date.now() + START_WAIT_MS;
      while (started.recipients === null && (started.status === 'scheduled' || started.status === 'waiting_for_template') && Date.now() < until) {
        await sleep(100);
        started = (await this.repository.runById(started.id)) ?? started;
      }
    }
    return { blastId: campaign.id, runId: started.id, status: started.status, recipients: started.recipients, timeToRun: started.time_to_run };
  }

  async get(workspaceId: string, id: string): Promise<BlastView> {
    const { campaign, run } = await this.blast(workspaceId, id);
    const [view, results] = await Promise.all([
      this.campaigns.getRun(workspaceId, campaign.id, run.id),
      this.campaigns.results(workspaceId, campaign.id, run.id),
    ]);
    const { runs: _runs, ...figures } = results;
    return toBlastView(campaign, view, figures);
  }

  pause(workspaceId: string, id: string): Promise<BlastView> {
    return this.control(workspaceId, id, (c, r) => this.campaigns.pause(workspaceId, c, r));
  }

  resume(workspaceId: string, id: string): Promise<BlastView> {
    return this.control(workspaceId, id, (c, r) => this.campaigns.resume(workspaceId, c, r));
  }

  cancel(workspaceId: string, id: string): Promise<BlastView> {
    return this.control(workspaceId, id, (c, r) => this.campaigns.cancel(workspaceId, c, r));
  }

  async retryFailed(workspaceId: string, id: string): Promise<BlastView & { requeued: number }> {
    let requeued = 0;
    const view = await this.control(workspaceId, id, async (c, r) => {
      requeued = (await this.campaigns.retryFailed(workspaceId, c, r)).requeued;
    });
    return { ...view, requeued };
  }

  /** Checks a recipients export request of a blast (`format`, `status`) and returns what to stream. */
  async recipientsQuery(
    workspaceId: string,
    id: string,
    query: Record<string, unknown>,
  ): Promise<{ runIds: string[]; status: RecipientStatus | null; format: 'json' | 'csv' }> {
    const { campaign, run } = await this.blast(workspaceId, id);
    const { runId: _ignored, ...rest } = query;
    return this.campaigns.recipientsQuery(workspaceId, campaign.id, { ...rest, runId: run.id });
  }

  private async control(workspaceId: string, id: string, act: (campaignId: string, runId: string) => Promise<unknown>): Promise<BlastView> {
    const { campaign, run } = await this.blast(workspaceId, id);
    await act(campaign.id, run.id);
    return this.get(workspaceId, id);
  }

  private async blast(workspaceId: string, id: string): Promise<{ campaign: CampaignRow; run: RunRow }> {
    const campaign = isUuid(id) ? await this.repository.findCampaign(workspaceId, id) : undefined;
    const [run] = campaign?.kind === 'blast' ? await this.repository.runsOf([campaign.id]) : [];
    if (!campaign || !run) throw new HeraldError('not_found', 'blast_not_found', `No blast with id "${id}" exists in this workspace.`);
    return { campaign, run };
  }
}

function toBlastView(campaign: CampaignRow, run: RunView, results: Omit<CampaignResults, 'runs'>): BlastView {
  const { campaignId: _campaignId, ...rest } = run;
  const tp = campaign.template_params;
  return {
    blastId: campaign.id,
    title: campaign.title,
    channelId: campaign.channel_id,
    template: {
      name: campaign.template_name,
      language: campaign.language_code,
      category: campaign.template_type,
      status: campaign.template_status,
      reason: campaign.template_reason,
    },
    message: campaign.template_source === 'none' ? campaign.message : null,
    params: tp?.body ?? [],
    header: tp?.header ?? null,
    buttons: tp?.buttons ?? [],
    ...rest,
    results,
  };
}
