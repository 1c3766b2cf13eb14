import { Module } from '@nestjs/common';
import { ChannelsModule, WhatsAppCloudAdapter } from '@herald/channels';
import { Clock } from '@herald/common';
import { TemplateRepository } from './template.repository';
import { TEMPLATES_PROVIDER, TemplatesService } from './templates.service';

/**
 * Message templates, for the API (list, create, delete, sync, checks of template sends) and the worker (syncs,
 * webhook changes). Its own provider instance: management calls are few and must not wait behind sends.
 */
@Module({
  imports: [ChannelsModule],
  providers: [
    TemplateRepository,
    TemplatesService,
    Clock,
    { provide: TEMPLATES_PROVIDER, useFactory: () => new WhatsAppCloudAdapter({ requestTimeoutMs: 30_000 }) },
  ],
  exports: [TemplatesService],
})
export class TemplatesModule {}
