import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from '@herald/logging';
import { ConfigModule, WorkerConfig } from '@herald/config';
import { DatabaseModule } from '@herald/database';
import { QueuesModule } from '@herald/queues';
import { ENTITIES } from '@herald/schema';
import { WorkspacesModule } from '@herald/workspaces';
import { ContactsModule } from '@herald/contacts';
import { MessagingWorkerModule } from '@herald/messaging';
import { ProviderEventsWorkerModule } from '@herald/provider-events';
import { SendingModule } from '@herald/sending';
import { CallbacksModule } from '@herald/callbacks';
import { CampaignsWorkerModule } from '@herald/campaigns';
import { TemplatesModule } from '@herald/templates';
import { CampaignsProcessor } from './campaigns/campaigns.processor';
import { MessagesProcessor } from './messages/messages.processor';
import { WebhooksProcessor } from './messages/webhooks.processor';
import { ImportsProcessor } from './imports/imports.processor';
import { ImportRecovery } from './imports/import-recovery.service';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { MaintenanceSchedule } from './maintenance/maintenance-schedule.service';
import { WorkerPool } from './worker-pool.service';
import { CallbacksWorkerModule } from './callbacks/callbacks-worker.module';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forWorker(config),
        LoggerModule.forRoot({ pinoHttp: { level: config.logLevel } }),
        DiscoveryModule,
        DatabaseModule.forRoot(ENTITIES, 'herald-worker'),
        QueuesModule.forRoot(),
        CallbacksModule,
        WorkspacesModule,
        ContactsModule,
        SendingModule,
        MessagingWorkerModule,
        CampaignsWorkerModule,
        ProviderEventsWorkerModule,
        TemplatesModule,
        CallbacksWorkerModule,
      ],
      providers: [MaintenanceProcessor, MaintenanceSchedule, ImportsProcessor, ImportRecovery, MessagesProcessor, WebhooksProcessor, CampaignsProcessor, WorkerPool],
    };
  }
}
