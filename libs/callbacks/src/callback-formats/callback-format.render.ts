import { birdSignature, BIRD_SIGNATURE_HEADER, BIRD_TIMESTAMP_HEADER, renderBird } from './bird.format';
import { cloudApiSignature, CLOUD_API_SIGNATURE_HEADER, renderCloudApi } from './cloud-api.format';
import { renderEngagelab } from './engagelab.format';
import { rec, str, type CallbackEnvelope, type CallbackFormat, type Rendering, type SenderFacts } from './callback-format.types';

/** Herald's stored envelope, parsed for a vendor format (null when it is not one: the delivery is then skipped). */
export function parseEnvelope(text: string): CallbackEnvelope | null {
  try {
    const value = rec(JSON.parse(text));
    const data = rec(value?.['data']);
    const id = str(value?.['id']);
    const type = str(value?.['type']);
    if (value === null || data === null || id === null || type === null) return null;
    return { id, type, createdAt: str(value['createdAt']) ?? '', workspaceId: str(value['workspaceId']) ?? '', data };
  } catch {
    return null;
  }
}

/** The channel an event is about, for the formats that name the sending number (null: none or Herald's format). */
export function channelIdOf(envelope: CallbackEnvelope | null): string | null {
  return envelope === null ? null : str(envelope.data['channelId']);
}

/**
 * The body one delivery posts in `format`: Herald's envelope as stored (no parse, no copy), or the vendor's shape of
 * it. Pure: the same event renders the same way on every attempt and redelivery (the endpoint's format then, and
 * the channel's number as it is then).
 */
export function renderDelivery(
  format: CallbackFormat,
  stored: string,
  envelope: CallbackEnvelope | null,
  sender: SenderFacts | null,
): Rendering {
  const unreadable: Rendering = { skip: 'the stored event could not be read' };
  switch (format) {
    case 'herald':
      return { body: stored };
    case 'cloud-api':
      return envelope === null ? unreadable : renderCloudApi(envelope, sender);
    case 'engagelab':
      return envelope === null ? unreadable : renderEngagelab(envelope, sender);
    case 'bird':
      return envelope === null ? unreadable : renderBird(envelope, sender);
  }
}

/**
 * The vendor's signature headers for a body, beside Herald-Signature (which every format carries: the vendor's
 * header is signed with the current secret only, Herald-Signature with every valid one during a rotation).
 */
export function vendorSignatureHeaders(
  format: CallbackFormat,
  input: { readonly secret: string; readonly timestamp: number; readonly url: string; readonly body: string },
): Record<string, string> {
  switch (format) {
    case 'cloud-api':
      return { [CLOUD_API_SIGNATURE_HEADER.toLowerCase()]: cloudApiSignature(input.secret, input.body) };
    case 'bird':
      return {
        [BIRD_SIGNATURE_HEADER]: birdSignature(input.secret, input.timestamp, input.url, input.body),
        [BIRD_TIMESTAMP_HEADER]: String(input.timestamp),
      };
    case 'engagelab': // EngageLab's WhatsApp callback is unsigned: Herald-Signature alone
    case 'herald':
      return {};
  }
}
