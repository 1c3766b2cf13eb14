// Messenger and Instagram webhook bodies, as Meta shapes them: {object: "page"|"instagram", entry: [{id, time,
// messaging: [event]}]}, each event {sender:{id}, recipient:{id}, timestamp, <kind>}. Times are milliseconds.
import type { PageRegistration } from './page-registry.service';

export interface PageEnvelope {
  object: 'page' | 'instagram';
  entry: Array<{ id: string; time: number; messaging: Array<Record<string, unknown>> }>;
}

export function pageEnvelope(page: PageRegistration, at: number, event: Record<string, unknown>): PageEnvelope {
  return {
    object: page.platform === 'messenger' ? 'page' : 'instagram',
    entry: [{ id: page.pageId, time: at, messaging: [event] }],
  };
}

/** A user's message to the page: `messages` field. */
export function userMessageEvent(
  page: PageRegistration,
  user: string,
  at: number,
  message: {
    mid: string;
    text?: string;
    quickReply?: { payload: string };
    attachment?: { type: string; url: string };
    replyTo?: string;
  },
): Record<string, unknown> {
  const body: Record<string, unknown> = { mid: message.mid };
  if (message.text !== undefined) body.text = message.text;
  if (message.quickReply) body.quick_reply = { payload: message.quickReply.payload };
  if (message.attachment) body.attachments = [{ type: message.attachment.type, payload: { url: message.attachment.url } }];
  if (message.replyTo) body.reply_to = { mid: message.replyTo };
  return { sender: { id: user }, recipient: { id: page.pageId }, timestamp: at, message: body };
}

/** A press of a postback button: `messaging_postbacks` field. */
export function postbackEvent(
  page: PageRegistration,
  user: string,
  at: number,
  postback: { mid: string; title: string; payload: string },
): Record<string, unknown> {
  return { sender: { id: user }, recipient: { id: page.pageId }, timestamp: at, postback };
}

/** Messenger `message_deliveries`: everything before `watermark` reached the user; `mids` names the new ones. */
export function deliveryEvent(page: PageRegistration, user: string, mids: string[], watermark: number): Record<string, unknown> {
  return { sender: { id: user }, recipient: { id: page.pageId }, delivery: { mids, watermark } };
}

/** Messenger `message_reads`: everything sent at or before `watermark` was read (no message id). */
export function readEvent(page: PageRegistration, user: string, at: number, watermark: number): Record<string, unknown> {
  return { sender: { id: user }, recipient: { id: page.pageId }, timestamp: at, read: { watermark } };
}

/** Instagram `messaging_seen`: one message, by id. */
export function seenEvent(page: PageRegistration, user: string, at: number, mid: string): Record<string, unknown> {
  return { sender: { id: user }, recipient: { id: page.pageId }, timestamp: at, read: { mid } };
}
