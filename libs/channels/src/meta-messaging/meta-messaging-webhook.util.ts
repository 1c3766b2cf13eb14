import type { MetaMessagingPlatform, PlatformInbound, PlatformStatus, PlatformWatermark, PlatformWebhook } from '../platform.types';
import { isRecord } from '../whatsapp/graph-error.util';
import type { InboundMedia } from '../whatsapp/whatsapp.types';
import { providerDate } from '../provider-time.util';

/** The webhook `object` each platform's events come under. */
const WEBHOOK_OBJECTS: Readonly<Record<MetaMessagingPlatform, string>> = { messenger: 'page', instagram: 'instagram' };

/** Meta's attachment types that are files Herald can download, as Herald's inbound types. */
const MEDIA_TYPES: Readonly<Record<string, 'image' | 'video' | 'audio' | 'document'>> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'document',
};

/** Webhook fields whose `changes[].value` is one messaging event (the App Dashboard's test notifications). */
const MESSAGING_FIELDS: ReadonlySet<string> = new Set([
  'messages',
  'messaging_postbacks',
  'message_deliveries',
  'message_reads',
  'messaging_seen',
  'message_reactions',
  'message_echoes',
]);

/** Below this a timestamp is read as seconds (Meta's test notifications), above as milliseconds (1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;

type Problems = Array<{ readonly path: string; readonly issue: string }>;

interface Collected {
  readonly statuses: PlatformStatus[];
  readonly watermarks: PlatformWatermark[];
  readonly inbound: PlatformInbound[];
  readonly problems: Problems;
  /** The channel's Page or account: events addressed to another are not its. */
  readonly businessId: string;
  readonly otherSenders: Set<string>;
}

/** A Messenger or Instagram webhook read for one channel, and the other Pages or accounts it also carried events for. */
export interface MetaMessagingWebhook extends PlatformWebhook {
  /** Senders (Page or account ids) other than the channel's whose events were skipped: another channel's, maybe. */
  readonly otherSenders: string[];
}

/**
 * Reads a Messenger (`object: "page"`) or Instagram (`object: "instagram"`) webhook into Herald's platform shape.
 * Never throws: whatever is malformed or not handled becomes a `problems` entry and the rest is still read.
 *
 * - `message` → an inbound message (text; a quick-reply tap as `button`; image, video, audio or file attachments as
 *   media whose `id` is the attachment's CDN URL, for `downloadMedia`). Every media attachment of one message is
 *   kept, in order: the first under the message's `mid`, the n-th (n ≥ 2) under `<mid>#<n>`. Echoes of the
 *   business's own messages (`is_echo`) are skipped silently.
 * - `postback` → an inbound `button` press, under `postback.mid`, else `pb:<user>:<timestamp ms>` so a redelivery
 *   of the same event carries the same id.
 * - `delivery` (Messenger) → a `delivered` status per listed mid and a `delivered` watermark.
 * - `read` → a `read` watermark (Messenger's `watermark`) or a `read` status (Instagram's `messaging_seen`, `mid`).
 * - `reaction` → an inbound `reaction` under `rx:<user>:<timestamp ms>`; no emoji when the user took it back.
 *
 * Only events addressed to `businessId` (the channel's Page or account: `recipient.id`) are read: Meta posts the
 * events of every Page of an app to the app's one callback URL, so the others are listed in `otherSenders`, for the
 * caller to hand to their own channel, and never read as this channel's.
 */
export function parseMetaMessagingWebhook(payload: unknown, platform: MetaMessagingPlatform, businessId: string): MetaMessagingWebhook {
  const out: Collected = { statuses: [], watermarks: [], inbound: [], problems: [], businessId, otherSenders: new Set() };
  const result = (): MetaMessagingWebhook => ({
    statuses: out.statuses,
    watermarks: out.watermarks,
    inbound: out.inbound,
    problems: out.problems,
    unreachable: [],
    otherSenders: [...out.otherSenders],
  });
  if (!isRecord(payload)) {
    out.problems.push({ path: '', issue: 'the payload is not a JSON object' });
    return result();
  }
  const expected = WEBHOOK_OBJECTS[platform];
  if (payload['object'] !== expected) {
    out.problems.push({ path: 'object', issue: `must be "${expected}" for ${platform}, is ${JSON.stringify(payload['object'] ?? null)}` });
    return result();
  }
  const entries = payload['entry'];
  if (!Array.isArray(entries)) {
    out.problems.push({ path: 'entry', issue: 'must be an array' });
    return result();
  }
  entries.forEach((entry: unknown, i) => {
    const at = `entry[${i}]`;
    if (!isRecord(entry)) {
      out.problems.push({ path: at, issue: 'must be an object' });
      return;
    }
    const entryTime = toDate(entry['time']);
    let read = false;
    if (Array.isArray(entry['messaging'])) {
      read = true;
      entry['messaging'].forEach((event: unknown, j) => readEvent(out, event, `${at}.messaging[${j}]`, entryTime));
    }
    if (Array.isArray(entry['changes'])) {
      read = true;
      entry['changes'].forEach((change: unknown, j) => {
        const cat = `${at}.changes[${j}]`;
        if (isRecord(change) && typeof change['field'] === 'string' && MESSAGING_FIELDS.has(change['field'])) {
          readEvent(out, change['value'], `${cat}.value`, entryTime);
        } else {
          const field = isRecord(change) ? change['field'] : undefined;
          out.problems.push({ path: cat, issue: `field ${JSON.stringify(field ?? null)} is not a messaging event Herald reads` });
        }
      });
    }
    // Handover protocol: events while another app controls the thread. Herald does not take part in handover.
    if (Array.isArray(entry['standby'])) {
      read = true;
      out.problems.push({ path: `${at}.standby`, issue: 'standby events (another app controls the thread) are not read' });
    }
    if (!read) out.problems.push({ path: at, issue: 'has no messaging events' });
  });
  return result();
}

function readEvent(out: Collected, event: unknown, at: string, entryTime: Date | undefined): void {
  if (!isRecord(event)) {
    out.problems.push({ path: at, issue: 'must be an object' });
    return;
  }
  const message = isRecord(event['message']) ? event['message'] : undefined;
  // The business's own message, sent through Herald or the inbox: not the user's.
  if (message?.['is_echo'] === true) return;
  const user = idOf(event['sender']);
  const business = idOf(event['recipient']);
  if (user === undefined) {
    out.problems.push({ path: `${at}.sender.id`, issue: 'is missing: the event names no user Herald can address (user_ref?)' });
    return;
  }
  if (business === undefined) {
    out.problems.push({ path: `${at}.recipient.id`, issue: 'is missing' });
    return;
  }
  if (business !== out.businessId) {
    out.otherSenders.add(business);
    return;
  }
  const eventTime = toDate(event['timestamp']);
  const handled = ['message', 'postback', 'delivery', 'read', 'reaction'].filter((key) => event[key] !== undefined);
  if (handled.length === 0) {
    const kinds = Object.keys(event).filter((key) => !['sender', 'recipient', 'timestamp'].includes(key));
    out.problems.push({ path: at, issue: `not a messaging event Herald reads (${kinds.join(', ') || 'empty'})` });
    return;
  }
  for (const key of handled) {
    const path = `${at}.${key}`;
    const value = event[key];
    if (!isRecord(value)) {
      out.problems.push({ path, issue: 'must be an object' });
      continue;
    }
    // Statuses fall back on their watermark (Meta's delivery example has no timestamp); a user's message on when
    // Meta sent the notification, which is close to when it was written.
    if (key === 'delivery') {
      readDelivery(out, value, path, user, eventTime);
      continue;
    }
    if (key === 'read') {
      readRead(out, value, path, user, eventTime);
      continue;
    }
    const timestamp = eventTime ?? entryTime;
    if (timestamp === undefined) {
      out.problems.push({ path: `${at}.timestamp`, issue: 'is missing or not a time' });
      continue;
    }
    const base = { from: user, phoneNumberId: business, timestamp };
    if (key === 'message') readMessage(out, value, path, base);
    else if (key === 'postback') readPostback(out, value, path, base);
    else readReaction(out, value, path, base);
  }
}

interface InboundBase {
  readonly from: string;
  readonly phoneNumberId: string;
  readonly timestamp: Date;
}

function readMessage(out: Collected, message: Record<string, unknown>, at: string, base: InboundBase): void {
  const mid = nonEmpty(message['mid']);
  if (mid === undefined) {
    out.problems.push({ path: `${at}.mid`, issue: 'is missing' });
    return;
  }
  if (message['is_deleted'] === true) {
    out.problems.push({ path: at, issue: `the user deleted message ${mid}` });
    return;
  }
  const text = nonEmpty(message['text']);
  const replyTo = isRecord(message['reply_to']) ? nonEmpty(message['reply_to']['mid']) : undefined;
  const context = replyTo === undefined ? {} : { contextMessageId: replyTo };
  const quickReply = isRecord(message['quick_reply']) ? nonEmpty(message['quick_reply']['payload']) : undefined;
  if (quickReply !== undefined) {
    out.inbound.push({ ...base, providerMessageId: mid, type: 'button', button: { payload: quickReply, text: text ?? '' }, ...context });
    return;
  }
  const media: Array<{ type: 'image' | 'video' | 'audio' | 'document'; media: InboundMedia }> = [];
  const attachments: unknown[] = Array.isArray(message['attachments']) ? message['attachments'] : [];
  attachments.forEach((attachment, k) => {
    const aat = `${at}.attachments[${k}]`;
    const type = isRecord(attachment) ? attachment['type'] : undefined;
    const mediaType = typeof type === 'string' ? MEDIA_TYPES[type] : undefined;
    if (mediaType === undefined) {
      out.problems.push({ path: `${aat}.type`, issue: `${JSON.stringify(type ?? null)} is not a file Herald stores` });
      return;
    }
    const url = isRecord(attachment) && isRecord(attachment['payload']) ? nonEmpty(attachment['payload']['url']) : undefined;
    if (url === undefined) {
      out.problems.push({ path: `${aat}.payload.url`, issue: 'is missing' });
      return;
    }
    // The first file carries the message's text, as a caption: Meta sends them as one message.
    media.push({ type: mediaType, media: { id: url, ...(media.length === 0 && text !== undefined ? { caption: text } : {}) } });
  });
  if (media.length > 0) {
    media.forEach((item, n) => {
      out.inbound.push({
        ...base,
        providerMessageId: n === 0 ? mid : `${mid}#${n + 1}`,
        type: item.type,
        media: item.media,
        ...context,
      });
    });
    return;
  }
  if (text !== undefined) {
    out.inbound.push({ ...base, providerMessageId: mid, type: 'text', text, ...context });
    return;
  }
  // Something the user sent that Herald cannot show (a shared post, a story mention, a GIF on Instagram): still a
  // message from the user, so it is kept as `unsupported` (WhatsApp's name for the same).
  out.inbound.push({ ...base, providerMessageId: mid, type: 'unsupported', ...context });
}

function readPostback(out: Collected, postback: Record<string, unknown>, at: string, base: InboundBase): void {
  const payload = nonEmpty(postback['payload']);
  if (payload === undefined) {
    out.problems.push({ path: `${at}.payload`, issue: 'is missing' });
    return;
  }
  const title = typeof postback['title'] === 'string' ? postback['title'] : '';
  const id = nonEmpty(postback['mid']) ?? `pb:${base.from}:${base.timestamp.getTime()}`;
  out.inbound.push({ ...base, providerMessageId: id, type: 'button', button: { payload, text: title } });
}

function readReaction(out: Collected, reaction: Record<string, unknown>, at: string, base: InboundBase): void {
  const mid = nonEmpty(reaction['mid']);
  if (mid === undefined) {
    out.problems.push({ path: `${at}.mid`, issue: 'is missing' });
    return;
  }
  const action = reaction['action'];
  const emoji = nonEmpty(reaction['emoji']);
  if (action !== 'unreact' && emoji === undefined) {
    out.problems.push({ path: `${at}.emoji`, issue: 'is missing on a reaction that is not an unreact' });
    return;
  }
  out.inbound.push({
    ...base,
    providerMessageId: `rx:${base.from}:${base.timestamp.getTime()}`,
    type: 'reaction',
    reaction: action === 'unreact' ? { messageId: mid } : { messageId: mid, ...(emoji === undefined ? {} : { emoji }) },
  });
}

function readDelivery(out: Collected, delivery: Record<string, unknown>, at: string, user: string, timestamp: Date | undefined): void {
  const watermark = toDate(delivery['watermark']);
  if (watermark === undefined) {
    out.problems.push({ path: `${at}.watermark`, issue: 'is missing or not a time' });
    return;
  }
  const mids: unknown[] = Array.isArray(delivery['mids']) ? delivery['mids'] : [];
  mids.forEach((mid, k) => {
    const id = nonEmpty(mid);
    if (id === undefined) out.problems.push({ path: `${at}.mids[${k}]`, issue: 'must be a message id' });
    else out.statuses.push({ providerMessageId: id, status: 'delivered', timestamp: timestamp ?? watermark, recipientId: user });
  });
  out.watermarks.push({ recipientId: user, status: 'delivered', upTo: watermark });
}

function readRead(out: Collected, read: Record<string, unknown>, at: string, user: string, timestamp: Date | undefined): void {
  const watermark = toDate(read['watermark']);
  const mid = nonEmpty(read['mid']);
  if (watermark === undefined && mid === undefined) {
    out.problems.push({ path: at, issue: 'names neither a watermark nor a mid' });
    return;
  }
  if (watermark !== undefined) out.watermarks.push({ recipientId: user, status: 'read', upTo: watermark });
  if (mid !== undefined) {
    const when = timestamp ?? watermark;
    if (when === undefined) out.problems.push({ path: `${at}.mid`, issue: 'the read names no time' });
    else out.statuses.push({ providerMessageId: mid, status: 'read', timestamp: when, recipientId: user });
  }
}

function idOf(party: unknown): string | undefined {
  if (!isRecord(party)) return undefined;
  const id = party['id'];
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  return nonEmpty(id);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Meta's times are epoch milliseconds (numbers, or numeric strings in test notifications, which are in seconds). */
function toDate(value: unknown): Date | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  return providerDate(n < SECONDS_BELOW ? n * 1000 : n);
}
