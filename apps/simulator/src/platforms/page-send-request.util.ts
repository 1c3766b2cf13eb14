// Checks a Send API body (POST /{page-or-ig-id}/messages) the way Meta does for Messenger and Instagram: the
// recipient, messaging_type and tag, and the message (text, media by URL, generic and button templates, quick
// replies). The first problem is answered, as a Graph error (100 unless noted).
import type { GraphErrorResponse } from '../simulator.types';
import { invalidParam, MetaSubcode } from './meta-error.util';
import type { PagePlatform } from './page-registry.service';
import { isHttpUrl, isObject, type Params, utf8Length } from './request-body.util';

export const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'] as const;
export type MessagingType = (typeof MESSAGING_TYPES)[number];

/** The tags each platform takes (Instagram: HUMAN_AGENT only; the others are "not available" there). */
export const PAGE_TAGS: Readonly<Record<PagePlatform, readonly string[]>> = {
  messenger: ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT'],
  instagram: ['HUMAN_AGENT'],
};

/** Attachment types each platform sends (Instagram's Send API lists image, video and audio; no `file`). */
const ATTACHMENT_TYPES: Readonly<Record<PagePlatform, readonly string[]>> = {
  messenger: ['image', 'video', 'audio', 'file', 'template'],
  instagram: ['image', 'video', 'audio', 'template'],
};

export const PAGE_LIMITS = {
  messengerTextChars: 2000,
  instagramTextBytes: 1000,
  quickReplies: 13,
  quickReplyTitle: 20,
  payload: 1000,
  genericElements: 10,
  elementTitle: 80,
  elementSubtitle: 80,
  buttonsPerElement: 3,
  buttonTitle: 20,
  buttonTemplateText: 640,
} as const;

const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen'];

export interface ValidPageSend {
  recipientId: string;
  /** Undefined for a sender action, which needs no window check of its own beyond the user being known. */
  messagingType: MessagingType | undefined;
  tag: string | undefined;
  kind: 'text' | 'media' | 'template' | 'senderAction';
  /** Audio and video count against their own, lower, rate limit. */
  audioVideo: boolean;
}

export type PageSendCheck = { ok: true; send: ValidPageSend } | { ok: false; error: GraphErrorResponse };

const fail = (message: string, subcode?: number): PageSendCheck => ({ ok: false, error: invalidParam(message, subcode) });

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function textProblem(path: string, value: unknown, max: number, required = true): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) return `The parameter ${path} is required and must be a non-empty string`;
  if (codePoints(value) > max) return `Length of param ${path} must be less than or equal to ${max}`;
  return undefined;
}

function buttonProblem(path: string, button: unknown): string | undefined {
  if (!isObject(button)) return `param ${path} must be an object`;
  const titleProblem = textProblem(`${path}[title]`, button.title, PAGE_LIMITS.buttonTitle);
  switch (button.type) {
    case 'web_url':
      if (!isHttpUrl(button.url)) return `param ${path}[url] must be a valid http(s) URL`;
      return titleProblem;
    case 'postback':
      return titleProblem ?? textProblem(`${path}[payload]`, button.payload, PAGE_LIMITS.payload);
    case 'phone_number':
      if (typeof button.payload !== 'string' || !/^\+\d{5,15}$/.test(button.payload))
        return `param ${path}[payload] must be a phone number starting with +`;
      return titleProblem;
    default:
      return `param ${path}[type] must be one of {web_url, postback, phone_number} - got "${String(button.type)}"`;
  }
}

function buttonsProblem(path: string, buttons: unknown, min: number): string | undefined {
  if (buttons === undefined && min === 0) return undefined;
  if (!Array.isArray(buttons) || buttons.length < min || buttons.length > PAGE_LIMITS.buttonsPerElement) {
    return `param ${path} must be an array of ${min} to ${PAGE_LIMITS.buttonsPerElement} buttons`;
  }
  for (let i = 0; i < buttons.length; i++) {
    const problem = buttonProblem(`${path}[${i}]`, buttons[i]);
    if (problem) return problem;
  }
  return undefined;
}

function templateProblem(platform: PagePlatform, payload: Params): string | undefined {
  const base = 'message[attachment][payload]';
  switch (payload.template_type) {
    case 'generic': {
      const elements = payload.elements;
      if (!Array.isArray(elements) || elements.length === 0) return `The parameter ${base}[elements] is required`;
      if (elements.length > PAGE_LIMITS.genericElements)
        return `param ${base}[elements] must have at most ${PAGE_LIMITS.genericElements} items`;
      for (let i = 0; i < elements.length; i++) {
        const path = `${base}[elements][${i}]`;
        const element: unknown = elements[i];
        if (!isObject(element)) return `param ${path} must be an object`;
        const problem =
          textProblem(`${path}[title]`, element.title, PAGE_LIMITS.elementTitle) ??
          textProblem(`${path}[subtitle]`, element.subtitle, PAGE_LIMITS.elementSubtitle, false) ??
          (element.image_url !== undefined && !isHttpUrl(element.image_url)
            ? `param ${path}[image_url] must be a valid http(s) URL`
            : undefined) ??
          (element.default_action !== undefined &&
          (!isObject(element.default_action) ||
            element.default_action.type !== 'web_url' ||
            !isHttpUrl(element.default_action.url))
            ? `param ${path}[default_action] must be {"type":"web_url","url":…}`
            : undefined) ??
          buttonsProblem(`${path}[buttons]`, element.buttons, 0);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'button':
      if (platform === 'instagram') return 'Template type button is not supported by the Instagram Messaging API; use generic';
      return (
        textProblem(`${base}[text]`, payload.text, PAGE_LIMITS.buttonTemplateText) ??
        buttonsProblem(`${base}[buttons]`, payload.buttons, 1)
      );
    default:
      return `param ${base}[template_type] must be one of {generic${platform === 'messenger' ? ', button' : ''}} - got "${String(payload.template_type)}"`;
  }
}

function quickRepliesProblem(platform: PagePlatform, quickReplies: unknown): string | undefined {
  if (quickReplies === undefined) return undefined;
  if (!Array.isArray(quickReplies) || quickReplies.length === 0) return 'param message[quick_replies] must be a non-empty array';
  if (quickReplies.length > PAGE_LIMITS.quickReplies)
    return `param message[quick_replies] must have at most ${PAGE_LIMITS.quickReplies} items`;
  const types = platform === 'instagram' ? ['text'] : ['text', 'user_phone_number', 'user_email'];
  for (let i = 0; i < quickReplies.length; i++) {
    const path = `message[quick_replies][${i}]`;
    const reply: unknown = quickReplies[i];
    if (!isObject(reply)) return `param ${path} must be an object`;
    if (typeof reply.content_type !== 'string' || !types.includes(reply.content_type)) {
      return `param ${path}[content_type] must be one of {${types.join(', ')}} - got "${String(reply.content_type)}"`;
    }
    if (reply.content_type !== 'text') continue;
    const problem =
      textProblem(`${path}[title]`, reply.title, PAGE_LIMITS.quickReplyTitle) ??
      (typeof reply.payload === 'number' ? undefined : textProblem(`${path}[payload]`, reply.payload, PAGE_LIMITS.payload)) ??
      (reply.image_url !== undefined && !isHttpUrl(reply.image_url)
        ? `param ${path}[image_url] must be a valid http(s) URL`
        : undefined);
    if (problem) return problem;
  }
  return undefined;
}

/** Checks a Send API body for a page of `platform`. */
export function checkPageSend(platform: PagePlatform, body: Params): PageSendCheck {
  const recipient = body.recipient;
  if (recipient === undefined) return fail('The parameter recipient is required');
  if (!isObject(recipient)) return fail('param recipient must be a JSON object');
  const rawId = recipient.id;
  if ((typeof rawId !== 'string' && typeof rawId !== 'number') || String(rawId).trim() === '') {
    return fail('param recipient[id] is required: the simulator addresses users by their page-scoped id (PSID / IGSID) only');
  }
  const recipientId = String(rawId).trim();
  const message = body.message;
  const action = body.sender_action;
  if ((message === undefined) === (action === undefined)) return fail('Must send either message or sender action');
  if (action !== undefined) {
    if (typeof action !== 'string' || !SENDER_ACTIONS.includes(action)) {
      return fail(`param sender_action must be one of {${SENDER_ACTIONS.join(', ')}} - got "${String(action)}"`);
    }
    return { ok: true, send: { recipientId, messagingType: undefined, tag: undefined, kind: 'senderAction', audioVideo: false } };
  }

  const rawType = body.messaging_type;
  if (rawType === undefined) return fail('The parameter messaging_type is required');
  if (typeof rawType !== 'string' || !(MESSAGING_TYPES as readonly string[]).includes(rawType)) {
    return fail(`param messaging_type must be one of {${MESSAGING_TYPES.join(', ')}} - got "${String(rawType)}"`);
  }
  const messagingType = rawType as MessagingType;
  let tag: string | undefined;
  if (messagingType === 'MESSAGE_TAG') {
    if (typeof body.tag !== 'string' || body.tag.length === 0)
      return fail('The parameter tag is required when messaging_type is MESSAGE_TAG');
    const allowed = PAGE_TAGS[platform];
    if (!allowed.includes(body.tag)) {
      return platform === 'instagram' && PAGE_TAGS.messenger.includes(body.tag)
        ? fail(`Tag ${body.tag} is not available for the Instagram Messaging API; only HUMAN_AGENT is`)
        : fail(`param tag must be one of {${allowed.join(', ')}} - got "${body.tag}"`);
    }
    tag = body.tag;
  }

  if (!isObject(message)) return fail('param message must be a JSON object');
  const { text, attachment } = message;
  if (text !== undefined && attachment !== undefined)
    return fail('param message must contain either text or attachment, not both');
  if (text === undefined && attachment === undefined) {
    return fail('Message cannot be empty, must provide valid attachment or text', MetaSubcode.EmptyMessage);
  }
  const qrProblem = quickRepliesProblem(platform, message.quick_replies);
  if (qrProblem) return fail(qrProblem);

  if (text !== undefined) {
    if (typeof text !== 'string') return fail('param message[text] must be a string');
    if (text.trim().length === 0)
      return fail('Message cannot be empty, must provide valid attachment or text', MetaSubcode.EmptyMessage);
    if (platform === 'messenger' && codePoints(text) > PAGE_LIMITS.messengerTextChars) {
      return fail(`Length of param message[text] must be less than or equal to ${PAGE_LIMITS.messengerTextChars}`);
    }
    if (platform === 'instagram' && utf8Length(text) > PAGE_LIMITS.instagramTextBytes) {
      return fail(`Length of param message[text] must be less than or equal to ${PAGE_LIMITS.instagramTextBytes} bytes (UTF-8)`);
    }
    return { ok: true, send: { recipientId, messagingType, tag, kind: 'text', audioVideo: false } };
  }

  if (!isObject(attachment)) return fail('param message[attachment] must be a JSON object');
  const types = ATTACHMENT_TYPES[platform];
  if (typeof attachment.type !== 'string' || !types.includes(attachment.type)) {
    return fail(`param message[attachment][type] must be one of {${types.join(', ')}} - got "${String(attachment.type)}"`);
  }
  const payload = attachment.payload;
  if (!isObject(payload)) return fail('The parameter message[attachment][payload] is required');
  if (attachment.type === 'template') {
    const problem = templateProblem(platform, payload);
    return problem ? fail(problem) : { ok: true, send: { recipientId, messagingType, tag, kind: 'template', audioVideo: false } };
  }
  const hasId = typeof payload.attachment_id === 'string' || typeof payload.attachment_id === 'number';
  if (!hasId && !isHttpUrl(payload.url))
    return fail('param message[attachment][payload][url] must be a valid http(s) URL (or give attachment_id)');
  if (payload.is_reusable !== undefined && typeof payload.is_reusable !== 'boolean')
    return fail('param message[attachment][payload][is_reusable] must be a boolean');
  const audioVideo = attachment.type === 'audio' || attachment.type === 'video';
  return { ok: true, send: { recipientId, messagingType, tag, kind: 'media', audioVideo } };
}
