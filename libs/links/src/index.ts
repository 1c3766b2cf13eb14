export * from './links.types';
export { findUrls, withUtm, rewriteText, storedDestination, linkBaseUrl, DESTINATION_MAX } from './link-text.util';
export { isLinkCode, linkUrl, newLinkCodes, LINK_CODE_LENGTH } from './link-code.util';
export { isLinkPreviewFetch, USER_AGENT_MAX } from './link-click.util';
export { LinksService } from './links.service';
export { LinkRedirects, LINK_CACHE_SIZE, type LinkVisit } from './link-redirects.service';
export {
  ClickRecorder,
  CLICK_FLUSH_AT,
  CLICK_FLUSH_EVERY_MS,
  CLICK_PENDING_MAX,
  type ClickRecorderStats,
} from './click-recorder.service';
export * from './links.module';

import { LinkClick } from './link-click.entity';
import { TrackedLink } from './tracked-link.entity';
/** The tables this capability owns. */
export const LINK_ENTITIES = [TrackedLink, LinkClick];
