// POST /_sim/inbound: a WhatsApp user "sends" the business a message, delivered as a signed `messages` webhook.
import type { Parsed } from './phone-number.util';
import { recipientDigits } from './send-request.util';
import type { PhoneNumberRegistration } from './simulator.types';
import { unixSeconds } from './webhook-payload.util';

export type InboundContent =
  | { type: 'text'; body: string }
  | { type: 'button'; payload: string; text: string }
  | { type: 'button_reply'; id: string; title: string }
  | { type: 'list_reply'; id: string; title: string; description: string | undefined };

export interface InboundRequest {
  phoneNumberId: string;
  /** The user's wa_id (digits). */
  from: string;
  profileName: string;
  content: InboundContent;
  /** The wamid of the business message this answers (`context.id`). */
  contextMessageId: string | undefined;
}

const FIELDS = new Set([
  'phoneNumberId',
  'from',
  'profileName',
  'text',
  'button',
  'buttonReply',
  'listReply',
  'contextMessageId',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/**
 * Reads `{phoneNumberId, from, profileName?, contextMessageId?}` plus exactly one of `text` (string),
 * `button` ({payload, text}: a template quick-reply tap, needs contextMessageId), `buttonReply` ({id, title}) or
 * `listReply` ({id, title, description?}).
 */
export function parseInboundRequest(body: unknown): Parsed<InboundRequest> {
  if (!isObject(body)) return { ok: false, problems: ['the body must be a JSON object'] };
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) problems.push(`${key}: unknown field`);
  if (!nonEmpty(body.phoneNumberId, 64)) problems.push('phoneNumberId: required');
  const from = typeof body.from === 'string' ? recipientDigits(body.from) : undefined;
  if (!from) problems.push('from: required, the user\'s phone number with country code, e.g. "+15551234567"');
  if (body.profileName !== undefined && !nonEmpty(body.profileName, 256))
    problems.push('profileName: must be a non-empty string');
  const contextMessageId = body.contextMessageId;
  if (contextMessageId !== undefined && !nonEmpty(contextMessageId, 256))
    problems.push('contextMessageId: must be a message id (wamid…)');

  const kinds = (['text', 'button', 'buttonReply', 'listReply'] as const).filter((key) => body[key] !== undefined);
  let content: InboundContent | undefined;
  if (kinds.length !== 1) {
    problems.push('give exactly one of text, button, buttonReply, listReply');
  } else if (body.text !== undefined) {
    if (nonEmpty(body.text, 4096)) content = { type: 'text', body: body.text };
    else problems.push('text: must be a string of 1–4096 characters');
  } else if (body.button !== undefined) {
    const button = body.button;
    if (isObject(button) && nonEmpty(button.payload, 256) && nonEmpty(button.text, 256)) {
      content = { type: 'button', payload: button.payload, text: button.text };
    } else problems.push('button: must be {"payload": string, "text": string}');
    if (contextMessageId === undefined)
      problems.push('contextMessageId: required for a button reply (the template message it answers)');
  } else if (body.buttonReply !== undefined) {
    const reply = body.buttonReply;
    if (isObject(reply) && nonEmpty(reply.id, 256) && nonEmpty(reply.title, 20)) {
      content = { type: 'button_reply', id: reply.id, title: reply.title };
    } else problems.push('buttonReply: must be {"id": string, "title": string of at most 20}');
  } else {
    const reply = body.listReply;
    if (
      isObject(reply) &&
      nonEmpty(reply.id, 200) &&
      nonEmpty(reply.title, 24) &&
      (reply.description === undefined || nonEmpty(reply.description, 72))
    ) {
      content = { type: 'list_reply', id: reply.id, title: reply.title, description: reply.description as string | undefined };
    } else
      problems.push('listReply: must be {"id": string, "title": string of at most 24, "description"?: string of at most 72}');
  }
  if (problems.length > 0 || !content || !from) return { ok: false, problems };
  return {
    ok: true,
    value: {
      phoneNumberId: body.phoneNumberId as string,
      from,
      profileName: (body.profileName as string | undefined) ?? `User ${from.slice(-4)}`,
      content,
      contextMessageId: contextMessageId as string | undefined,
    },
  };
}

/** The `messages[]` item Meta would post for this inbound message. */
export function inboundMessage(
  request: InboundRequest,
  phone: PhoneNumberRegistration,
  wamid: string,
  atMs: number,
): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  if (request.contextMessageId !== undefined) {
    message.context = { from: phone.displayPhoneNumber, id: request.contextMessageId };
  }
  message.from = request.from;
  message.id = wamid;
  message.timestamp = unixSeconds(atMs);
  const content = request.content;
  switch (content.type) {
    case 'text':
      message.type = 'text';
      message.text = { body: content.body };
      break;
    case 'button':
      message.type = 'button';
      message.button = { payload: content.payload, text: content.text };
      break;
    case 'button_reply':
      message.type = 'interactive';
      message.interactive = { type: 'button_reply', button_reply: { id: content.id, title: content.title } };
      break;
    case 'list_reply': {
      const listReply: Record<string, string> = { id: content.id, title: content.title };
      if (content.description !== undefined) listReply.description = content.description;
      message.type = 'interactive';
      message.interactive = { type: 'list_reply', list_reply: listReply };
      break;
    }
  }
  return message;
}
