export * from './callback-format.types';
export { parseEnvelope, channelIdOf, renderDelivery, vendorSignatureHeaders } from './callback-format.render';
export { cloudApiSignature, CLOUD_API_SIGNATURE_HEADER, renderCloudApi } from './cloud-api.format';
export { birdSignature, BIRD_SIGNATURE_HEADER, BIRD_TIMESTAMP_HEADER, renderBird } from './bird.format';
export { renderEngagelab } from './engagelab.format';
export { statusFailureOf, type StatusFailure } from './status-failure.util';
