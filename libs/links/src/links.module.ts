import { Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { ClickRecorder } from './click-recorder.service';
import { LinkRedirects } from './link-redirects.service';
import { LinkRepository } from './link.repository';
import { LinksService } from './links.service';

/**
 * Tracked links: `LinksService` for the code that sends (create links, rewrite texts, read clicks), and
 * `LinkRedirects` for the API's `GET /l/:code`. The click recorder's timer only runs while clicks wait, so a
 * process that only creates links pays nothing for it.
 */
@Module({
  providers: [LinkRepository, LinksService, LinkRedirects, ClickRecorder, Clock],
  exports: [LinksService, LinkRedirects, ClickRecorder],
})
export class LinksModule {}
