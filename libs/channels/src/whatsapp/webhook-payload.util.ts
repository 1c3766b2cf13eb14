import { TEMPLATE_STATUSES, type ProviderError, type TemplateStatus } from '../channel-provider.types';
import { isRecord, mapGraphError } from './graph-error.util';
import {
  DELIVERY_STATUSES,
  type AccountError,
  type DeliveryStatus,
  type InboundMessage,
  type MessagePricing,
  type ParsedWebhook,
  type StatusUpdate,
  type TemplateStatusUpdate,
} from './whatsapp.types';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * Reads Meta's webhook envelope (`{object: "whatsapp_business_account", entry: [{id, changes: [{field,
 * value}]}]}`) into status updates, inbound messages, template status changes and account errors. Never
 * throws: a malformed part is skipped and listed in `problems` with its path; fields Herald does not use
 * are ignored.
 */
export function parseWebhook(payload: unknown): ParsedWebhook {
  const out: Mutable<ParsedWebhook> = {
    statuses: [],
    inbound: [],
    templateStatusUpdates: [],
    accountErrors: [],
    problems: [],
  };
  const problem = (path: string, issue: string): void => void out.problems.push({ path, issue });
  if (!isRecord(payload)) {
    problem('', 'is not a JSON object');
    return out;
  }
  if (payload['object'] !== 'whatsapp_business_account') {
    problem('object', 'is not whatsapp_business_account');
    return out;
  }
  const entries = payload['entry'];
  if (!Array.isArray(entries)) {
    problem('entry', 'is not an array');
    return out;
  }
  entries.forEach((entry, e) => {
    const at = `entry[${e}]`;
    if (!isRecord(entry)) return problem(at, 'is not an object');
    const wabaId = idString(entry['id']);
    const changes = entry['changes'];
    if (!Array.isArray(changes)) return problem(`${at}.changes`, 'is not an array');
    changes.forEach((change, c) => {
      const cat = `${at}.changes[${c}]`;
      if (!isRecord(change) || !isRecord(change['value'])) return problem(cat, 'has no value object');
      const value = change['value'];
      switch (change['field']) {
        case 'messages':
          return readMessagesChange(value, `${cat}.value`, wabaId, out, problem);
        case 'message_template_status_update':
          return readTemplateChange(value, `${cat}.value`, wabaId, out, problem);
        default:
          return; // other subscriptions (account updates, quality…) are not Herald's concern here
      }
    });
  });
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Report = (path: string, issue: string) => void;

function readMessagesChange(
  value: Record<string, unknown>,
  at: string,
  wabaId: string | undefined,
  out: Mutable<ParsedWebhook>,
  problem: Report,
): void {
  const metadata = isRecord(value['metadata']) ? value['metadata'] : undefined;
  const phoneNumberId = idString(metadata?.['phone_number_id']);
  if (phoneNumberId === undefined) return problem(`${at}.metadata.phone_number_id`, 'is missing');
  out.phoneNumberId ??= phoneNumberId;
  const where = { phoneNumberId, ...(wabaId === undefined ? {} : { wabaId }) };

  forEachItem(value['statuses'], `${at}.statuses`, problem, (item, path) => {
    const status = readStatus(item, path, problem);
    if (status !== undefined) out.statuses.push({ ...status, ...where });
  });

  const profiles = new Map<string, string>();
  forEachItem(value['contacts'], `${at}.contacts`, problem, (item) => {
    const waId = idString(item['wa_id']);
    const name = isRecord(item['profile']) ? str(item['profile']['name']) : undefined;
    if (waId !== undefined && name !== undefined) profiles.set(waId, name);
  });
  forEachItem(value['messages'], `${at}.messages`, problem, (item, path) => {
    const message = readInbound(item, path, problem);
    if (message === undefined) return;
    const profileName = profiles.get(message.from);
    out.inbound.push({ ...message, ...where, ...(profileName === undefined ? {} : { profileName }) });
  });

  forEachItem(value['errors'], `${at}.errors`, problem, (item) => {
    out.accountErrors.push({ ...where, error: mapGraphError(item) } satisfies AccountError);
  });
}

function readStatus(
  s: Record<string, unknown>,
  at: string,
  problem: Report,
): Omit<StatusUpdate, 'phoneNumberId' | 'wabaId'> | undefined {
  const providerMessageId = str(s['id']);
  if (providerMessageId === undefined) return void problem(`${at}.id`, 'is missing');
  const status = s['status'];
  if (typeof status !== 'string' || !(DELIVERY_STATUSES as readonly string[]).includes(status)) {
    return void problem(`${at}.status`, `is not one of ${DELIVERY_STATUSES.join(', ')}`);
  }
  const timestamp = unixTime(s['timestamp']);
  if (timestamp === undefined) return void problem(`${at}.timestamp`, 'is not a Unix time');
  const recipientId = idString(s['recipient_id']);
  if (recipientId === undefined) return void problem(`${at}.recipient_id`, 'is missing');
  const callbackData = str(s['biz_opaque_callback_data']);
  const errors = readErrors(s['errors']);
  const pricing = readPricing(s['pricing']);
  return {
    providerMessageId,
    status: status as DeliveryStatus,
    timestamp,
    recipientId,
    ...(callbackData === undefined ? {} : { callbackData }),
    ...(errors === undefined ? {} : { errors }),
    ...(pricing === undefined ? {} : { pricing }),
  };
}

function readInbound(
  m: Record<string, unknown>,
  at: string,
  problem: Report,
): Omit<InboundMessage, 'phoneNumberId' | 'wabaId' | 'profileName'> | undefined {
  const providerMessageId = str(m['id']);
  if (providerMessageId === undefined) return void problem(`${at}.id`, 'is missing');
  const from = idString(m['from']);
  if (from === undefined) return void problem(`${at}.from`, 'is missing');
  const timestamp = unixTime(m['timestamp']);
  if (timestamp === undefined) return void problem(`${at}.timestamp`, 'is not a Unix time');
  const type = str(m['type']);
  if (type === undefined) return void problem(`${at}.type`, 'is missing');

  const out: Mutable<Omit<InboundMessage, 'phoneNumberId' | 'wabaId' | 'profileName'>> = {
    providerMessageId,
    from,
    timestamp,
    type,
  };
  const context = isRecord(m['context']) ? str(m['context']['id']) : undefined;
  if (context !== undefined) out.contextMessageId = context;
  const errors = readErrors(m['errors']);
  if (errors !== undefined) out.errors = errors;

  if (type === 'text') {
    const body = isRecord(m['text']) ? str(m['text']['body'], true) : undefined;
    if (body === undefined) return void problem(`${at}.text.body`, 'is missing');
    out.text = body;
  } else if (type === 'button') {
    const button = isRecord(m['button']) ? m['button'] : undefined;
    const payload = str(button?.['payload'], true);
    const text = str(button?.['text'], true);
    if (payload === undefined || text === undefined) return void problem(`${at}.button`, 'has no payload and text');
    out.button = { payload, text };
  } else if (type === 'interactive') {
    const interactive = isRecord(m['interactive']) ? m['interactive'] : undefined;
    const kind = interactive?.['type'];
    const reply = kind === 'button_reply' || kind === 'list_reply' ? interactive?.[kind] : undefined;
    if (!isRecord(reply) || (kind !== 'button_reply' && kind !== 'list_reply')) {
      return void problem(`${at}.interactive`, 'is not a button_reply or list_reply');
    }
    const id = str(reply['id']);
    const title = str(reply['title'], true);
    if (id === undefined || title === undefined) return void problem(`${at}.interactive.${kind}`, 'has no id and title');
    const description = str(reply['description']);
    out.interactive = { type: kind, id, title, ...(description === undefined ? {} : { description }) };
  } else if (MEDIA_TYPES.has(type) && isRecord(m[type])) {
    const media = m[type] as Record<string, unknown>;
    const id = str(media['id']);
    if (id !== undefined) {
      const mimeType = str(media['mime_type']);
      const caption = str(media['caption']);
      const filename = str(media['filename']);
      out.media = {
        id,
        ...(mimeType === undefined ? {} : { mimeType }),
        ...(caption === undefined ? {} : { caption }),
        ...(filename === undefined ? {} : { filename }),
      };
    }
  }
  return out;
}

function readTemplateChange(
  value: Record<string, unknown>,
  at: string,
  wabaId: string | undefined,
  out: Mutable<ParsedWebhook>,
  problem: Report,
): void {
  const templateId = idString(value['message_template_id']);
  if (templateId === undefined) return problem(`${at}.message_template_id`, 'is missing');
  const event = str(value['event']);
  if (event === undefined) return problem(`${at}.event`, 'is missing');
  if (wabaId === undefined) return problem(`${at}`, 'has no WhatsApp Business Account id (entry.id)');
  const name = str(value['message_template_name']);
  const language = str(value['message_template_language']);
  const reason = str(value['reason']);
  const category = str(value['message_template_category']);
  out.templateStatusUpdates.push({
    wabaId,
    templateId,
    status: templateStatus(event),
    providerStatus: event,
    ...(name === undefined ? {} : { name }),
    ...(language === undefined ? {} : { language }),
    ...(reason === undefined ? {} : { reason }),
    ...(category === undefined ? {} : { category }),
  } satisfies TemplateStatusUpdate);
}

/** Meta's template status string as Herald's TemplateStatus. */
export function templateStatus(value: string): TemplateStatus {
  return (TEMPLATE_STATUSES as readonly string[]).includes(value) ? (value as TemplateStatus) : 'UNKNOWN';
}

function readErrors(value: unknown): ProviderError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors = value.filter(isRecord).map((e) => mapGraphError(e));
  return errors.length > 0 ? errors : undefined;
}

function readPricing(value: unknown): MessagePricing | undefined {
  if (!isRecord(value)) return undefined;
  const pricingModel = str(value['pricing_model']);
  const category = str(value['category']);
  const type = str(value['type']);
  const billable = typeof value['billable'] === 'boolean' ? value['billable'] : undefined;
  return {
    ...(billable === undefined ? {} : { billable }),
    ...(pricingModel === undefined ? {} : { pricingModel }),
    ...(category === undefined ? {} : { category }),
    ...(type === undefined ? {} : { type }),
  };
}

function forEachItem(
  value: unknown,
  at: string,
  problem: Report,
  visit: (item: Record<string, unknown>, path: string) => void,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return problem(at, 'is not an array');
  value.forEach((item, i) => {
    if (isRecord(item)) visit(item, `${at}[${i}]`);
    else problem(`${at}[${i}]`, 'is not an object');
  });
}

/** Unix seconds, as Meta sends them: a string of digits (or a number). */
function unixTime(value: unknown): Date | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1_000) : undefined;
}

/** A non-empty string; `keepBlank` accepts a string of spaces (what a user typed). */
function str(value: unknown, keepBlank = false): string | undefined {
  return typeof value === 'string' && (keepBlank ? value.length > 0 : value.trim() !== '') ? value : undefined;
}

/** An id Meta may send as a string or a number (template ids arrive as numbers). */
function idString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return str(value);
}
