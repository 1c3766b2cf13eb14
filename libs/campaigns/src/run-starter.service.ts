import { Injectable, Logger } from '@nestjs/common';
import { WorkerConfig } from '@herald/config';
import { CampaignRepository } from './campaign.repository';
import { RecipientRepository } from './recipient.repository';
import { RunJobs } from './run-jobs.service';

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
        await this.campaigns.transition(manager, run.id, [run.status], 'failed', {
          completedAt: true,
          failureReason: 'The campaign was deleted.',
        });
        return { state: 'failed', chunks: 0 };
      }
      if (campaign.template_status === 'PENDING') {
        await this.campaigns.transition(manager, run.id, [run.status], 'waiting_for_template');
        return { state: 'waiting_for_template', chunks: 0 };
      }
      if (campaign.template_status !== 'APPROVED') {
        const reason = `The template was ${campaign.template_status}${campaign.template_reason ? `: ${campaign.template_reason}` : ''}.`;
        await this.campaigns.transition(manager, run.id, [run.status], 'failed', { completedAt: true, failureReason: reason });
        return { state: 'failed', chunks: 0 };
      }
      const audiencePks = await this.audiencePks(manager, run.workspace_id, run.audiences);
      const groups = [...new Set(campaign.variables.flatMap((v) => (v.kind === 'group' ? [v.group] : [])))];
      const groupRows: Array<{ id: string; pk: string }> =
        groups.length === 0
          ? []
          : await manager.query('SELECT id, pk FROM variable_groups WHERE workspace_id = $1 AND id = ANY($2::text[])', [
              run.workspace_id,
              groups,
            ]);
      const started = Date.now();
      const { recipients, chunks } = await this.recipients.fanOut(manager, {
        runId: run.id,
        workspaceId: run.workspace_id,
        audiencePks,
        variables: campaign.variables,
        groupPks: new Map(groupRows.map((g) => [g.id, g.pk])),
        marketing: campaign.template_type === 'MARKETING',
        frequencyCap: await this.campaigns.frequencyCap(manager, run.workspace_id),
        chunkSize: this.config.campaignChunkSize,
      });
      await this.campaigns.transition(manager, run.id, [run.status], chunks === 0 ? 'completed' : 'running', {
        startedAt: true,
        completedAt: chunks === 0,
        recipients,
        chunkCount: chunks,
      });
      this.logger.log(`run ${run.id}: ${recipients} recipients in ${chunks} chunks, fixed in ${Date.now() - started} ms`);
      return { state: chunks === 0 ? 'completed' : 'running', chunks };
    });
    if ('due' in outcome && outcome.due) await this.jobs.scheduleStart(runId, outcome.due);
    if (outcome.chunks > 0) await this.jobs.chunks(Array.from({ length: outcome.chunks }, (_, chunk) => ({ runId, chunk })));
    return outcome.state;
  }

  /** Audiences deleted since the run was scheduled simply contribute nobody. */
  private async audiencePks(
    manager: Parameters<Parameters<CampaignRepository['transaction']>[0]>[0],
    workspaceId: string,
    audiences: string[],
  ): Promise<string[] | 'all'> {
    if (audiences.length === 1 && audiences[0] === 'all') return 'all';
    const rows: Array<{ pk: string }> = await manager.query(
      'SELECT pk FROM audiences WHERE workspace_id = $1 AND id = ANY($2::text[])',
      [workspaceId, audiences],
    );
    return rows.map((r) => r.pk);
  }
}
