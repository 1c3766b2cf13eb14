import { createHmac } from 'node:crypto';
import {
  digitsOf,
  rec,
  str,
  unixSeconds,
  type CallbackEnvelope,
  type Rendering,
  type SenderFacts,
} from './callback-format.types';
import { statusFailureOf } from './status-failure.util';

/**
 * Meta's WhatsApp Cloud API webhook shape (`object: whatsapp_business_account`, one entry, one `messages` change),
 * for clients of Herald's Cloud API surface: the webhook they already parse, carrying the ids Herald answered.
 *
 * Header: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` — Meta signs with the app secret, Herald
 * with the endpoint's signing secret (the client sets it where it kept its app secret).
 */
export const CLOUD_API_SIGNATURE_HEADER = 'X-Hub-Signature-256';

/** The value of X-Hub-Signature-256 for a body. */
export function cloudApiSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Herald's statuses Meta has too, as they are; failures of every kind become `failed` with an error. */
const META_STATUS: Readonly<Record<string, 'sent' | 'delivered' | 'read' | 'failed'>> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  skipped: 'failed',
  expired: 'failed',
  cancelled: 'failed',
};

export function renderCloudApi(event: CallbackEnvelope, sender: SenderFacts | null): Rendering {
  if (sender !== null && sender.kind !== 'whatsapp')
    return { skip: `the cloud-api format renders WhatsApp channels only (this channel is ${sender.kind})` };
  let value: Record<string, unknown>;
  if (event.type === 'message.status') {
    const status = cloudApiStatus(event.data);
    if ('skip' in status) return status;
    value = { ...valueHead(sender), statuses: [status.status] };
  } else if (event.type === 'message.inbound') {
    const { contact, message } = cloudApiInbound(event.data, sender);
    value = { ...valueHead(sender), contacts: [contact], messages: [message] };
  } else {
    return { skip: `the cloud-api format has no equivalent of ${event.type}` };
  }
  return {
    body: JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: sender?.wabaId ?? '', changes: [{ value, field: 'messages' }] }],
    }),
  };
}

function valueHead(sender: SenderFacts | null): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: digitsOf(sender?.displayPhoneNumber), phone_number_id: sender?.phoneNumberId ?? '' },
  };
}

/**
 * One `statuses[]` item of a `message.status` event. `id` is Herald's message id exactly as the Cloud API surface
 * answered it (`messages[0].id`); Herald's statuses before the provider sent it (queued, scheduled, accepted, held)
 * have no Meta counterpart — Meta's own answer to the send is that acceptance — and are skipped.
 */
export function cloudApiStatus(data: Record<string, unknown>): { status: Record<string, unknown> } | { skip: string } {
  const herald = str(data['status']) ?? '';
  const status = META_STATUS[herald];
  if (status === undefined) return { skip: `Meta has no "${herald}" status (Herald's own step before the provider sent it)` };
  const failure = statusFailureOf(data);
  const opaque = str(rec(data['customArgs'])?.['biz_opaque_callback_data']);
  return {
    status: {
      id: str(data['messageId']) ?? '',
      status,
      timestamp: String(unixSeconds(data['at'])),
      recipient_id: digitsOf(str(data['to'])),
      ...(opaque === null ? {} : { biz_opaque_callback_data: opaque }),
      ...(failure === null
        ? {}
        : {
            errors: [
              {
                code: failure.code,
                title: failure.title,
                message: failure.title,
                error_data: { details: failure.details },
                ...(failure.href === null ? {} : { href: failure.href }),
              },
            ],
          }),
    },
  };
}

/** A `message.inbound` event (the inbound message's API view) as Meta's `contacts[0]` and `messages[0]`. */
export function cloudApiInbound(
  data: Record<string, unknown>,
  sender: SenderFacts | null,
): { contact: Record<string, unknown>; message: Record<string, unknown> } {
  const from = digitsOf(str(data['from']));
  const type = str(data['type']) ?? 'unsupported';
  const replyTo = rec(data['replyTo']);
  const message: Record<string, unknown> = {
    from,
    id: str(data['providerMessageId']) ?? str(data['id']) ?? '',
    timestamp: String(unixSeconds(data['receivedAt'])),
    type,
  };
  // The message it answers by the id the client knows: Herald's message id when it answers one of Herald's sends.
  if (replyTo !== null && type !== 'reaction')
    message['context'] = {
      from: digitsOf(sender?.displayPhoneNumber),
      id: str(replyTo['messageId']) ?? str(replyTo['providerMessageId']) ?? '',
    };
  Object.assign(message, contentOf(type, data, replyTo));
  const errors = data['errors'];
  if (Array.isArray(errors) && errors.length > 0)
    message['errors'] = errors.map((e) => {
      const r = rec(e) ?? {};
      const title = str(r['title']) ?? '';
      return { code: Number(r['code']) || 0, title, message: title, error_data: { details: str(r['details']) ?? title } };
    });
  const name = str(data['profileName']);
  return { contact: { profile: { name: name ?? '' }, wa_id: from }, message };
}

function contentOf(type: string, data: Record<string, unknown>, replyTo: Record<string, unknown> | null): Record<string, unknown> {
  const media = rec(data['media']);
  switch (type) {
    case 'text':
      return { text: { body: str(data['text']) ?? '' } };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      if (media === null) return {};
      const m: Record<string, unknown> = { id: str(media['id']) ?? '', mime_type: str(media['mimeType']) ?? '' };
      if (str(media['sha256']) !== null) m['sha256'] = media['sha256'];
      if (str(media['caption']) !== null) m['caption'] = media['caption'];
      if (str(media['filename']) !== null) m['filename'] = media['filename'];
      if (typeof media['animated'] === 'boolean') m['animated'] = media['animated'];
      if (typeof media['voice'] === 'boolean') m['voice'] = media['voice'];
      return { [type]: m };
    }
    case 'location': {
      const l = rec(data['location']) ?? {};
      const out: Record<string, unknown> = { latitude: l['latitude'], longitude: l['longitude'] };
      for (const k of ['name', 'address', 'url']) if (str(l[k]) !== null) out[k] = l[k];
      return { location: out };
    }
    case 'contacts': {
      const cards = Array.isArray(data['contacts']) ? data['contacts'] : [];
      return {
        contacts: cards.map((c) => {
          const card = rec(c) ?? {};
          const phones = Array.isArray(card['phones']) ? card['phones'] : [];
          const emails = Array.isArray(card['emails']) ? card['emails'] : [];
          return {
            name: { formatted_name: str(card['name']) ?? '' },
            phones: phones.map((p) => {
              const phone = rec(p) ?? {};
              return {
                phone: str(phone['phone']) ?? '',
                ...(str(phone['waId']) === null ? {} : { wa_id: phone['waId'] }),
                ...(str(phone['type']) === null ? {} : { type: phone['type'] }),
              };
            }),
            emails: emails.filter((e) => typeof e === 'string').map((email) => ({ email })),
            ...(str(card['organization']) === null ? {} : { org: { company: card['organization'] } }),
          };
        }),
      };
    }
    case 'reaction': {
      const r = rec(data['reaction']) ?? {};
      return {
        reaction: {
          message_id: str(replyTo?.['messageId']) ?? str(r['messageId']) ?? '',
          ...(str(r['emoji']) === null ? {} : { emoji: r['emoji'] }),
        },
      };
    }
    case 'button': {
      const b = rec(data['button']) ?? {};
      return { button: { payload: str(b['payload']) ?? '', text: str(b['text']) ?? '' } };
    }
    case 'interactive': {
      const i = rec(data['interactive']) ?? {};
      const kind = str(i['type']) ?? 'button_reply';
      return {
        interactive: {
          type: kind,
          [kind]: {
            id: str(i['id']) ?? '',
            title: str(i['title']) ?? '',
            ...(str(i['description']) === null ? {} : { description: i['description'] }),
          },
        },
      };
    }
    default:
      return {};
  }
}
