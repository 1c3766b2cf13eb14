import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { PinoLogger } from '@herald/logging';
import { WorkerConfig } from '@herald/config';
import { JobName, QueueName, WORKER_OPTIONS, type JobNameOf, type JobPayloads } from '@herald/queues';
import { WorkspacesService } from '@herald/workspaces';
import { MessageRecovery } from '@herald/messaging';
import { WebhookRecovery } from '@herald/provider-events';
import { ProviderLimits } from '@herald/sending';
import { CampaignReconciler } from '@herald/campaigns';
import { TemplatesService } from '@herald/templates';
import { CallbackRetention } from '@herald/callbacks';
import { ImportRecovery } from '../imports/import-recovery.service';

/** Housekeeping jobs. Thin: each job name calls one service method. */
@Processor(QueueName.Maintenance, WORKER_OPTIONS)
export class MaintenanceProcessor extends WorkerHost {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly config: WorkerConfig,
    private readonly importRecovery: ImportRecovery,
    private readonly messageRecovery: MessageRecovery,
    private readonly webhookRecovery: WebhookRecovery,
    private readonly providerLimits: ProviderLimits,
    private readonly campaignReconciler: CampaignReconciler,
    private readonly templates: TemplatesService,
    private readonly callbackRetention: CallbackRetention,
    private readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(MaintenanceProcessor.name);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobNameOf<QueueName.Maintenance>;
    switch (name) {
      case JobName.PurgeRevokedApiKeys: {
        const deleted = await this.workspaces.purgeRevokedApiKeys(this.config.revokedApiKeyRetentionDays);
        this.logger.info({ jobId: job.id, deleted }, 'purged revoked API keys');
        return { deleted };
      }
      case JobName.RequeueImports:
        return this.importRecovery.requeue();
      case JobName.RequeueMessages:
        return this.messageRecovery.requeueMessages(this.config.sendUnconfirmedAfterSeconds);
      case JobName.RequeueWebhooks:
        return this.webhookRecovery.requeue();
      case JobName.ReadChannelLimits: {
        const { channelId } = job.data as JobPayloads[JobName.ReadChannelLimits];
        return this.providerLimits.read(channelId === undefined ? undefined : [channelId]);
      }
      case JobName.SyncTemplates: {
        const { channelId } = job.data as JobPayloads[JobName.SyncTemplates];
        if (channelId !== undefined) return this.templates.syncChannel(channelId);
        return this.templates.syncDue();
      }
      case JobName.ReconcileCampaigns:
        return this.campaignReconciler.reconcile();
      case JobName.PurgeCallbacks: {
        const run = await this.callbackRetention.purge();
        this.logger.info({ jobId: job.id, ...run }, 'purged finished callback deliveries and their events');
        return run;
      }
      case JobName.PurgeFailedWebhooks: {
        const deleted = await this.webhookRecovery.purgeFailed(this.config.webhookFailedRetentionDays);
        if (deleted > 0) this.logger.info({ jobId: job.id, deleted }, 'deleted webhook events set aside longer ago than WEBHOOK_FAILED_RETENTION_DAYS');
        return { deleted };
      }
      default: {
        const unknown: never = name;
        throw new Error(`maintenance queue has no handler for job "${String(unknown)}"`);
      }
    }
  }

  /** Stopping: a retention run ends after the statement in hand (the next run goes on from where it is). */
  @OnWorkerEvent('closing')
  onClosing(): void {
    this.callbackRetention.stop();
  }
}
