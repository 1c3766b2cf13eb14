import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiConfig, ConfigModule } from '@herald/config';
import { DatabaseModule } from '@herald/database';
import { LoggerModule } from '@herald/logging';
import { QueuesModule } from '@herald/queues';
import { ContactsModule } from '@herald/contacts';
import { ChannelsModule } from '@herald/channels';
import { MessagingModule } from '@herald/messaging';
import { ProviderEventsModule } from '@herald/provider-events';
import { SendSettingsModule } from '@herald/sending';
import { CallbacksModule } from '@herald/callbacks';
import { CampaignsModule } from '@herald/campaigns';
import { ENTITIES } from '@herald/schema';
import { TemplatesModule } from '@herald/templates';
import { WorkspacesModule } from '@herald/workspaces';
import { AccessGuard } from './http/access.guard';
import { ContentTypeGuard } from './http/content-type.guard';
import { ErrorFilter } from './http/error.filter';
import { VENDOR_ERROR_SHAPES } from './http/vendor-error-shape.types';
import { WHAUTOCHAT_ERROR_SHAPE } from './compat/whautochat/whautochat-error.shape';
import { CHATINC_ERROR_SHAPE } from './compat/chatinc/chatinc-error.shape';
import { BIRD_ERROR_SHAPE } from './compat/bird/bird-error.shape';
import { ENGAGELAB_ERROR_SHAPE } from './compat/engagelab/engagelab-error.shape';
import { CLOUD_API_ERROR_SHAPE } from './compat/cloud-api/cloud-api-error.shape';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { LinksApiModule } from './links/links-api.module';
import { InboundApiModule } from './inbound/inbound-api.module';
import { CallbacksApiModule } from './webhook-endpoints/callbacks-api.module';
import { ApiKeysController } from './workspaces/api-keys.controller';
import { ContactsController } from './contacts/contacts.controller';
import { AudiencesController } from './audiences/audiences.controller';
import { VariableGroupsController } from './variable-groups/variable-groups.controller';
import { ImportsController } from './imports/imports.controller';
import { ImportUploads } from './imports/import-uploads.service';
import { WorkspacesController } from './workspaces/workspaces.controller';
import { ChannelsController } from './channels/channels.controller';
import { MessagesController } from './messages/messages.controller';
import { SendsListing } from './messages/sends.service';
import { FailedWebhookEventsController } from './webhooks/failed-webhook-events.controller';
import { PlatformWebhooksController, WebhooksController } from './webhooks/webhooks.controller';
import { StatusReceiverBeat } from './webhooks/status-receiver-beat.service';
import { CampaignsController } from './campaigns/campaigns.controller';
import { RunsController } from './campaigns/runs.controller';
import { BlastsController } from './blasts/blasts.controller';
import { SettingsController } from './settings/settings.controller';
import { TemplatesController } from './templates/templates.controller';
import { WhautoChatController } from './compat/whautochat/whautochat.controller';
import { ChitChatLabsController } from './compat/chitchatlabs/chitchatlabs.controller';
import { ChatIncCompatModule } from './compat/chatinc/chatinc-compat.module';
import { BirdCompatModule } from './compat/bird/bird-compat.module';
import { EngageLabCompatModule } from './compat/engagelab/engagelab-compat.module';
import { CloudApiCompatModule } from './compat/cloud-api/cloud-api-compat.module';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Reuses a caller's X-Request-Id when it is sane, otherwise makes one; echoed in the response. */
function requestId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forApi(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Lines logged while handling a request carry only its id, not the whole request.
            quietReqLogger: true,
            genReqId: requestId,
            customAttributeKeys: { reqId: 'requestId' },
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          },
        }),
        DatabaseModule.forRoot(ENTITIES, 'herald-api'),
        QueuesModule.forRoot(),
        CallbacksModule,
        WorkspacesModule,
        ContactsModule,
        ChannelsModule,
        MessagingModule,
        ProviderEventsModule,
        SendSettingsModule,
        CampaignsModule,
        TemplatesModule,
        HealthModule,
        MetricsModule,
        LinksApiModule,
        InboundApiModule,
        CallbacksApiModule,
        ChatIncCompatModule,
        BirdCompatModule,
        EngageLabCompatModule,
        CloudApiCompatModule,
      ],
      controllers: [
        WorkspacesController,
        ApiKeysController,
        ContactsController,
        AudiencesController,
        VariableGroupsController,
        ImportsController,
        ChannelsController,
        FailedWebhookEventsController,
        MessagesController,
        WebhooksController,
        PlatformWebhooksController,
        CampaignsController,
        RunsController,
        BlastsController,
        SettingsController,
        TemplatesController,
        WhautoChatController,
        ChitChatLabsController,
      ],
      providers: [
        // Guards run in this order: who is calling, then what they sent.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: ContentTypeGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        // Under /compat/<vendor>/, errors answer in that vendor's shape.
        { provide: VENDOR_ERROR_SHAPES, useValue: [WHAUTOCHAT_ERROR_SHAPE, CHATINC_ERROR_SHAPE, BIRD_ERROR_SHAPE, ENGAGELAB_ERROR_SHAPE, CLOUD_API_ERROR_SHAPE] },
        SendsListing,
        ImportUploads,
        StatusReceiverBeat,
      ],
    };
  }
}
