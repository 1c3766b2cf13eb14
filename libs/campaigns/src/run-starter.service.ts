import { Injectable, Logger } from '@nestjs/common';
import { WorkerConfig } from '@herald/config';
import { CampaignRepository } from './campaign.repository';
import { RecipientRepository } from './recipient.repository';
import { RunJobs } from './run-jobs.service';
import { templateFailure } from './template-registrar.service';

/**
 * Starts a run at its timeToRun: waits for the template if it is still under review, fails the run if it was
 * rejected, else fixes the recipients (one set-based INSERT) and marks it running in the same transaction,
 * then queues its chunks. A crash before the commit leaves it scheduled (the job runs again); after it, the
 * reconciler queues the chunks from Postgres.
 */
@Injectable()
export class RunStarter {
  private readonly logger = new Logger(RunStarter.name);

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly recipients: RecipientRepository,
    private readonly jobs: RunJobs,
    private readonly config: WorkerConfig,
  ) {}

  async start(runId: string): Promise<string> {
    const outcome = await this.campaigns.transaction(async (manager) => {
      const run = await this.campaigns.runById(runId, manager, true);
      if (!run || (run.status !== 'scheduled' && run.status !== 'waiting_for_template'))
        return { state: run?.status ?? 'missing', chunks: 0 };
      if (run.time_to_run.getTime() > Date.now() + 1_000) return { state: 'early', chunks: 0, due: run.time_to_run };
      const campaign = await this.campaigns.campaignById(run.campaign_id);
      if (!campaign || campaign.deleted_at !== null) {
        await this.campaigns.transition(
          run.id,
          [run.status],
          'failed',
          { completedAt: true, failureReason: 'The campaign was deleted.' },
          manager,
        );
        return { state: 'failed', chunks: 0 };
      }
      if (campaign.template_status === 'PENDING') {
        await this.campaigns.transition(run.id, [run.status], 'waiting_for_template', {}, manager);
        return { state: 'waiting_for_template', chunks: 0 };
      }
      if (campaign.template_status !== 'APPROVED') {
        await this.campaigns.transition(
          run.id,
          [run.status],
          'failed',
          { completedAt: true, failureReason: templateFailure(campaign) },
          manager,
        );
        return { state: 'failed', chunks: 0 };
      }
      // Audiences or groups deleted since the run was scheduled simply contribute nobody / no values.
      const all = run.audiences.length === 1 && run.audiences[0] === 'all';
      const audiencePks = all
        ? 'all'
        : [...(await this.campaigns.audiencePks(run.workspace_id, run.audiences, manager)).values()];
      const groups = await this.campaigns.variableGroups(
        run.workspace_id,
        campaign.variables.flatMap((v) => (v.kind === 'group' ? [v.group] : [])),
        manager,
      );
      const started = Date.now();
      const { recipients, chunks } = await this.recipients.fanOut(manager, {
        runId: run.id,
        workspaceId: run.workspace_id,
        audiencePks,
        variables: campaign.variables,
        groupPks: new Map([...groups].map(([id, g]) => [id, g.pk])),
        marketing: campaign.template_type === 'MARKETING',
        chunkSize: this.config.campaignChunkSize,
      });
      await this.campaigns.transition(
        run.id,
        [run.status],
        chunks === 0 ? 'completed' : 'running',
        { startedAt: true, completedAt: chunks === 0, recipients, chunkCount: chunks },
        manager,
      );
      this.logger.log(`run ${run.id}: ${recipients} recipients in ${chunks} chunks, fixed in ${Date.now() - started} ms`);
      return { state: chunks === 0 ? 'completed' : 'running', chunks };
    });
    if ('due' in outcome && outcome.due) await this.jobs.scheduleStart(runId, outcome.due);
    if (outcome.chunks > 0) await this.jobs.chunks(Array.from({ length: outcome.chunks }, (_, chunk) => ({ runId, chunk })));
    return outcome.state;
  }
}
