export * from './whatsapp.constants';
export * from './whatsapp.types';
export * from './whatsapp-cloud.adapter';
export { GRAPH_ERROR_POLICIES, mapGraphError, mapGraphFailure, transportError, type GraphFailure } from './graph-error.util';
export { toGraphMessage, toGraphTemplateDefinition, type GraphJson } from './graph-payload.util';
export { validateOutboundMessage, type FieldIssue, type OutboundMessageValidation } from './outbound-message.util';
export { parseWebhook, templateStatus } from './webhook-payload.util';
export {
  FETCH_MEDIA_DEFAULTS,
  RESUMABLE_UPLOAD_MIME_TYPES,
  TEMPLATE_HEADER_MEDIA,
  fetchMedia,
  mimeTypeOf,
  templateHeaderMediaProblem,
  type FetchMediaOptions,
  type TemplateHeaderMediaFormat,
} from './media-fetch.util';
export { signatureFor, verifySignature } from './webhook-signature.util';
export { MAX_INBOUND_MEDIA_BYTES } from './media-download.util';
