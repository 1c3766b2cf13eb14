import { Module } from '@nestjs/common';
import { ChannelsModule, WhatsAppCloudAdapter } from '@herald/channels';
import { Clock } from '@herald/common';
import { MediaFetchConfig } from '@herald/config';
import { TemplateRepository } from './template.repository';
import { TEMPLATES_PROVIDER, TemplatesService } from './templates.service';

/**
 * Message templates, for the API (list, create, delete, sync, checks of template sends) and the worker (syncs,
 * webhook changes). Its own provider instance: management calls are few and must not wait behind sends. It fetches
 * header media from users' URLs (templates from the API, campaign images in the worker): under the SSRF guard unless
 * MEDIA_ALLOW_PRIVATE_URLS (a process without that configuration keeps the guard).
 */
@Module({
  imports: [ChannelsModule],
  providers: [
    TemplateRepository,
    TemplatesService,
    Clock,
    {
      provide: TEMPLATES_PROVIDER,
      inject: [{ token: MediaFetchConfig, optional: true }],
      useFactory: (config?: MediaFetchConfig) =>
        new WhatsAppCloudAdapter({ requestTimeoutMs: 30_000, mediaAllowPrivateUrls: config?.mediaAllowPrivateUrls ?? false }),
    },
  ],
  exports: [TemplatesService],
})
export class TemplatesModule {}
