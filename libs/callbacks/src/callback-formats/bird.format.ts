import { createHash, createHmac } from 'node:crypto';
import { digitsOf, rec, str, type CallbackEnvelope, type Rendering, type SenderFacts } from './callback-format.types';
import { statusFailureOf } from './status-failure.util';

/**
 * Bird's Channels API webhooks (docs.bird.com/api/channels-api/message-status-and-interactions): `{service:
 * "channels", event: "whatsapp.outbound" | "whatsapp.inbound" | "whatsapp.interaction", payload}`, the payload being
 * Bird's message object (`id`, `channelId`, `sender`, `receiver`, `reference`, `parts[].platformReference`,
 * `status`, `reason`, `direction`, `tags`, `lastStatusAt`, `createdAt`, `updatedAt`, `details`).
 *
 * Signed as Bird signs (docs.bird.com/api/notifications-api/api-reference/webhooks/verifying-a-webhook):
 * `messagebird-request-timestamp: <unix s>` and `messagebird-signature: base64(HMAC-SHA256(signingKey,
 * "<timestamp>\n<url>\n<raw SHA-256 of the body>"))`, the signing key being the endpoint's signing secret and the
 * URL the endpoint's, exactly as stored.
 */
export const BIRD_SIGNATURE_HEADER = 'messagebird-signature';
export const BIRD_TIMESTAMP_HEADER = 'messagebird-request-timestamp';

export function birdSignature(signingKey: string, timestamp: number, url: string, body: string | Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest();
  return createHmac('sha256', signingKey)
    .update(Buffer.concat([Buffer.from(`${timestamp}\n${url}\n`, 'utf8'), bodyHash]))
    .digest('base64');
}

/**
 * Herald's statuses as Bird's message statuses: queued → accepted, scheduled → scheduled, accepted / held →
 * processing, sent and delivered as they are, failed → sending_failed before the provider took the message and
 * delivery_failed after, skipped → skipped, expired → delivery_failed (validity ran out), cancelled → deleted.
 * A read is not a status in Bird but an interaction of a delivered message (see `renderBird`).
 */
const BIRD_STATUS: Readonly<Record<string, string>> = {
  queued: 'accepted',
  scheduled: 'scheduled',
  accepted: 'processing',
  held: 'processing',
  sent: 'sent',
  delivered: 'delivered',
  skipped: 'skipped',
  expired: 'delivery_failed',
  cancelled: 'deleted',
};

export function renderBird(event: CallbackEnvelope, sender: SenderFacts | null): Rendering {
  const platform = sender?.kind ?? 'whatsapp';
  if (event.type === 'message.status') {
    const data = event.data;
    const herald = str(data['status']) ?? '';
    if (herald === 'read') {
      return wrap(`${platform}.interaction`, {
        id: event.id,
        messageId: str(data['messageId']) ?? '',
        channelId: str(data['channelId']) ?? '',
        type: 'opened',
        receiver: receiverOf(str(data['to'])),
        tags: Array.isArray(data['tags']) ? data['tags'] : [],
        createdAt: str(data['at']) ?? event.createdAt,
      });
    }
    const status =
      herald === 'failed' ? (str(data['providerMessageId']) === null ? 'sending_failed' : 'delivery_failed') : BIRD_STATUS[herald];
    if (status === undefined) return { skip: `Bird has no "${herald}" status` };
    const failure = statusFailureOf(data);
    const providerId = str(data['providerMessageId']);
    const at = str(data['at']) ?? event.createdAt;
    const reason = failure === null ? null : herald === 'skipped' ? (str(data['skipReason']) ?? failure.title) : failure.title;
    return wrap(`${platform}.outbound`, {
      id: str(data['messageId']) ?? '',
      channelId: str(data['channelId']) ?? '',
      sender: { connector: { id: str(data['channelId']) ?? '', identifierValue: plus(sender?.displayPhoneNumber) } },
      receiver: receiverOf(str(data['to'])),
      reference: str(data['requestId']) ?? '',
      parts: providerId === null ? [] : [{ platformReference: providerId }],
      status,
      ...(reason === null ? {} : { reason }),
      direction: 'outgoing',
      tags: Array.isArray(data['tags']) ? data['tags'] : [],
      lastStatusAt: at,
      createdAt: at,
      updatedAt: at,
      ...(failure === null ? {} : { details: `${failure.code}: ${failure.details}` }),
    });
  }
  if (event.type === 'message.inbound') {
    const data = event.data;
    const at = str(data['receivedAt']) ?? event.createdAt;
    const replyTo = rec(data['replyTo']);
    const providerId = str(data['providerMessageId']);
    return wrap(`${platform}.inbound`, {
      id: str(data['id']) ?? '',
      channelId: str(data['channelId']) ?? '',
      sender: {
        contact: {
          ...(str(data['contactId']) === null ? {} : { id: data['contactId'] }),
          identifierKey: 'phonenumber',
          identifierValue: str(data['from']) ?? '',
          ...(str(data['profileName']) === null ? {} : { annotations: { name: data['profileName'] } }),
        },
      },
      receiver: { connector: { id: str(data['channelId']) ?? '', identifierValue: plus(sender?.displayPhoneNumber) } },
      body: birdBody(data),
      parts: providerId === null ? [] : [{ platformReference: providerId }],
      status: 'delivered',
      direction: 'incoming',
      ...(replyTo === null ? {} : { replyTo: { id: str(replyTo['messageId']) ?? str(replyTo['providerMessageId']) ?? '', type: 'message' } }),
      lastStatusAt: at,
      createdAt: at,
      updatedAt: at,
    });
  }
  return { skip: `the bird format has no equivalent of ${event.type}` };
}

function wrap(event: string, payload: Record<string, unknown>): Rendering {
  return { body: JSON.stringify({ service: 'channels', event, payload }) };
}

function receiverOf(to: string | null): Record<string, unknown> {
  return { contacts: [{ identifierKey: 'phonenumber', identifierValue: to ?? '' }] };
}

function plus(number: string | null | undefined): string {
  const digits = digitsOf(number);
  return digits === '' ? '' : `+${digits}`;
}

/** An inbound message's content as a Bird message body (text, image, file, location; anything else as text). */
function birdBody(data: Record<string, unknown>): Record<string, unknown> {
  const type = str(data['type']) ?? 'text';
  const text = str(data['text']);
  const media = rec(data['media']);
  const url = str(media?.['downloadUrl']) ?? '';
  if (type === 'image' || type === 'sticker')
    return { type: 'image', image: { images: [{ mediaUrl: url, ...(text === null ? {} : { altText: text }) }] } };
  if (type === 'video' || type === 'audio' || type === 'document')
    return {
      type: 'file',
      file: {
        files: [
          {
            mediaUrl: url,
            contentType: str(media?.['mimeType']) ?? 'application/octet-stream',
            ...(str(media?.['filename']) === null ? {} : { filename: media?.['filename'] }),
          },
        ],
      },
    };
  if (type === 'location') {
    const l = rec(data['location']) ?? {};
    return {
      type: 'location',
      location: {
        coordinates: { latitude: l['latitude'], longitude: l['longitude'] },
        ...(str(l['name']) === null ? {} : { location: { label: l['name'], address: str(l['address']) ?? '' } }),
      },
    };
  }
  const payload = str(data['payload']);
  return { type: 'text', text: { text: text ?? '', ...(payload === null ? {} : { actions: [{ type: 'postback', postback: { payload, text: text ?? '' } }] }) } };
}
