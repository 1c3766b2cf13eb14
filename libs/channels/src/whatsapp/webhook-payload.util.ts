import { TEMPLATE_STATUSES, type ProviderError, type TemplateStatus } from '../channel-provider.types';
import { isRecord, mapGraphError } from './graph-error.util';
import {
  DELIVERY_STATUSES,
  type AccountError,
  type DeliveryStatus,
  type InboundContactCard,
  type InboundLocation,
  type InboundMessage,
  type MessagePricing,
  type ParsedWebhook,
  type StatusUpdate,
  type TemplateCategoryUpdate,
  type TemplateQualityUpdate,
  type TemplateStatusUpdate,
} from './whatsapp.types';
import { providerDate } from '../provider-time.util';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * Reads Meta's webhook envelope (`{object: "whatsapp_business_account", entry: [{id, time?, changes: [{field,
 * value}]}]}`) into status updates, inbound messages, template status, quality and category changes and account
 * errors. Never
 * throws: a malformed part is skipped and listed in `problems` with its path; fields Herald does not use
 * are ignored.
 */
export function parseWebhook(payload: unknown): ParsedWebhook {
  const out: Mutable<ParsedWebhook> = {
    statuses: [],
    inbound: [],
    templateStatusUpdates: [],
    templateQualityUpdates: [],
    templateCategoryUpdates: [],
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
    const eat = `entry[${e}]`;
    if (!isRecord(entry)) return problem(eat, 'is not an object');
    const wabaId = idString(entry['id']);
    const time = unixTime(entry['time']);
    const changes = entry['changes'];
    if (!Array.isArray(changes)) return problem(`${eat}.changes`, 'is not an array');
    changes.forEach((change, c) => {
      const cat = `${eat}.changes[${c}]`;
      if (!isRecord(change) || !isRecord(change['value'])) return problem(cat, 'has no value object');
      const value = change['value'];
      switch (change['field']) {
        case 'messages':
          return readMessagesChange(value, `${cat}.value`, wabaId, out, problem);
        case 'message_template_status_update':
          return readTemplateChange(value, `${cat}.value`, wabaId, time, out, problem);
        case 'message_template_quality_update':
          return readTemplateQualityChange(value, `${cat}.value`, wabaId, time, out, problem);
        case 'template_category_update':
          return readTemplateCategoryChange(value, `${cat}.value`, wabaId, time, out, problem);
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
    const status = readStatus(item, path, where, problem);
    if (status !== undefined) out.statuses.push(status);
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

/**
 * One status, with the number it came through. Built by assignment rather than spreads: a send brings back two or
 * three statuses, and this runs for each (the worker's profile showed the spread copies among its hottest frames).
 */
function readStatus(
  s: Record<string, unknown>,
  at: string,
  where: { readonly phoneNumberId: string; readonly wabaId?: string },
  problem: Report,
): StatusUpdate | undefined {
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
  const update: Mutable<StatusUpdate> = {
    providerMessageId,
    status: status as DeliveryStatus,
    timestamp,
    recipientId,
    phoneNumberId: where.phoneNumberId,
  };
  if (where.wabaId !== undefined) update.wabaId = where.wabaId;
  if (callbackData !== undefined) update.callbackData = callbackData;
  if (errors !== undefined) update.errors = errors;
  if (pricing !== undefined) update.pricing = pricing;
  return update;
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
    const id = idString(media['id']);
    if (id !== undefined) {
      const mimeType = str(media['mime_type']);
      const sha256 = str(media['sha256']);
      const caption = str(media['caption']);
      const filename = str(media['filename']);
      out.media = {
        id,
        ...(mimeType === undefined ? {} : { mimeType }),
        ...(sha256 === undefined ? {} : { sha256 }),
        ...(caption === undefined ? {} : { caption }),
        ...(filename === undefined ? {} : { filename }),
        ...(typeof media['animated'] === 'boolean' ? { animated: media['animated'] } : {}),
        ...(typeof media['voice'] === 'boolean' ? { voice: media['voice'] } : {}),
      };
    } else problem(`${at}.${type}.id`, 'is missing');
  } else if (type === 'location') {
    const location = readLocation(m['location']);
    if (location === undefined) return void problem(`${at}.location`, 'has no latitude and longitude in range');
    out.location = location;
  } else if (type === 'contacts') {
    const cards = readContactCards(m['contacts']);
    if (cards === undefined) return void problem(`${at}.contacts`, 'is not an array of contact cards');
    out.contacts = cards;
  } else if (type === 'reaction') {
    const reaction = isRecord(m['reaction']) ? m['reaction'] : undefined;
    const messageId = str(reaction?.['message_id']);
    if (messageId === undefined) return void problem(`${at}.reaction.message_id`, 'is missing');
    // Meta sends the webhook without `emoji` when the user removed their reaction.
    const emoji = str(reaction?.['emoji']);
    out.reaction = { messageId, ...(emoji === undefined ? {} : { emoji }) };
  }
  return out;
}

/** Most contact cards kept of one message (Meta allows 257), phones and emails of a card; longer text is cut. */
const MAX_CONTACT_CARDS = 20;
const MAX_CARD_ENTRIES = 10;
const MAX_CARD_TEXT = 256;

/**
 * Meta's `location` (webhooks reference, messages/location): `{latitude, longitude, name?, address?, url?}`, the
 * coordinates as numbers (strings of digits are read too). Undefined when the coordinates are missing or out of range.
 */
function readLocation(value: unknown): InboundLocation | undefined {
  if (!isRecord(value)) return undefined;
  const latitude = coordinate(value['latitude'], 90);
  const longitude = coordinate(value['longitude'], 180);
  if (latitude === undefined || longitude === undefined) return undefined;
  const name = str(value['name']);
  const address = str(value['address']);
  const url = str(value['url']);
  return {
    latitude,
    longitude,
    ...(name === undefined ? {} : { name: name.slice(0, MAX_CARD_TEXT) }),
    ...(address === undefined ? {} : { address: address.slice(0, 1024) }),
    ...(url === undefined ? {} : { url: url.slice(0, 2048) }),
  };
}

function coordinate(value: unknown, bound: number): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= bound ? n : undefined;
}

/**
 * Meta's `contacts` (webhooks reference, messages/contacts): cards with `name.formatted_name`, `phones[{phone, wa_id,
 * type}]`, `emails[{email, type}]`, `org{company}` and more that Herald does not keep. A card with neither a name nor
 * a phone is dropped; undefined when the value is not an array or holds no usable card.
 */
function readContactCards(value: unknown): InboundContactCard[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const cards: InboundContactCard[] = [];
  for (const item of value) {
    if (cards.length >= MAX_CONTACT_CARDS) break;
    if (!isRecord(item)) continue;
    const name = isRecord(item['name']) ? item['name'] : {};
    const phones = (Array.isArray(item['phones']) ? item['phones'] : [])
      .filter(isRecord)
      .flatMap((p) => {
        const phone = str(p['phone']);
        const waId = idString(p['wa_id']);
        const kind = str(p['type']);
        if (phone === undefined && waId === undefined) return [];
        return [
          {
            phone: (phone ?? `+${waId}`).slice(0, 64),
            ...(waId === undefined ? {} : { waId: waId.slice(0, 64) }),
            ...(kind === undefined ? {} : { type: kind.slice(0, 32) }),
          },
        ];
      })
      .slice(0, MAX_CARD_ENTRIES);
    const emails = (Array.isArray(item['emails']) ? item['emails'] : [])
      .flatMap((e) => {
        const email = isRecord(e) ? str(e['email']) : undefined;
        return email === undefined ? [] : [email.slice(0, MAX_CARD_TEXT)];
      })
      .slice(0, MAX_CARD_ENTRIES);
    const formatted =
      str(name['formatted_name']) ??
      ([str(name['first_name']), str(name['last_name'])].filter((x): x is string => x !== undefined).join(' ') || undefined);
    if (formatted === undefined && phones.length === 0) continue;
    const company = isRecord(item['org']) ? str(item['org']['company']) : undefined;
    cards.push({
      name: (formatted ?? phones[0]!.phone).slice(0, MAX_CARD_TEXT),
      phones,
      emails,
      ...(company === undefined ? {} : { organization: company.slice(0, MAX_CARD_TEXT) }),
    });
  }
  return cards.length > 0 ? cards : undefined;
}

/**
 * `message_template_status_update` (Meta's webhooks reference, message_template_status_update): `{event,
 * message_template_id, message_template_name, message_template_language, reason, message_template_category,
 * disable_info?: {disable_date}, other_info?: {title, description} (paused, locked or unlocked), rejection_info?:
 * {reason, recommendation} (rejected with INVALID_FORMAT)}`.
 */
function readTemplateChange(
  value: Record<string, unknown>,
  at: string,
  wabaId: string | undefined,
  time: Date | undefined,
  out: Mutable<ParsedWebhook>,
  problem: Report,
): void {
  const head = templateHead(value, at, wabaId, problem);
  if (head === undefined) return;
  const event = str(value['event']);
  if (event === undefined) return problem(`${at}.event`, 'is missing');
  const reason = str(value['reason']);
  const category = str(value['message_template_category']);
  const otherInfo = textFields(value['other_info'], ['title', 'description']);
  const disableDate = isRecord(value['disable_info']) ? scalarString(value['disable_info']['disable_date']) : undefined;
  const rejectionInfo = textFields(value['rejection_info'], ['reason', 'recommendation']);
  out.templateStatusUpdates.push({
    ...head,
    status: templateStatus(event),
    providerStatus: event,
    ...(reason === undefined ? {} : { reason }),
    ...(category === undefined ? {} : { category }),
    ...(otherInfo === undefined ? {} : { otherInfo }),
    ...(disableDate === undefined ? {} : { disableDate }),
    ...(rejectionInfo === undefined ? {} : { rejectionInfo }),
    ...(time === undefined ? {} : { at: time }),
  } satisfies TemplateStatusUpdate);
}

/**
 * `message_template_quality_update` (Meta's webhooks reference, message_template_quality_update):
 * `{previous_quality_score, new_quality_score, message_template_id, message_template_name, message_template_language}`,
 * scores GREEN, YELLOW, RED or UNKNOWN.
 */
function readTemplateQualityChange(
  value: Record<string, unknown>,
  at: string,
  wabaId: string | undefined,
  time: Date | undefined,
  out: Mutable<ParsedWebhook>,
  problem: Report,
): void {
  const head = templateHead(value, at, wabaId, problem);
  if (head === undefined) return;
  const newQualityScore = str(value['new_quality_score']);
  if (newQualityScore === undefined) return problem(`${at}.new_quality_score`, 'is missing');
  const previousQualityScore = str(value['previous_quality_score']);
  out.templateQualityUpdates.push({
    ...head,
    newQualityScore,
    ...(previousQualityScore === undefined ? {} : { previousQualityScore }),
    ...(time === undefined ? {} : { at: time }),
  } satisfies TemplateQualityUpdate);
}

/**
 * `template_category_update` (Meta's webhooks reference, template_category_update): `{message_template_id,
 * message_template_name, message_template_language}` and either, for a completed change, `{previous_category,
 * new_category}`, or, for an impending one, `{correct_category, new_category (the current one),
 * category_update_timestamp}`.
 */
function readTemplateCategoryChange(
  value: Record<string, unknown>,
  at: string,
  wabaId: string | undefined,
  time: Date | undefined,
  out: Mutable<ParsedWebhook>,
  problem: Report,
): void {
  const head = templateHead(value, at, wabaId, problem);
  if (head === undefined) return;
  const newCategory = str(value['new_category']);
  if (newCategory === undefined) return problem(`${at}.new_category`, 'is missing');
  const previousCategory = str(value['previous_category']);
  const correctCategory = str(value['correct_category']);
  const effectiveAt = unixTime(value['category_update_timestamp']);
  const impending = correctCategory !== undefined && previousCategory === undefined;
  out.templateCategoryUpdates.push({
    ...head,
    kind: impending ? 'impending' : 'completed',
    newCategory,
    ...(previousCategory === undefined ? {} : { previousCategory }),
    ...(correctCategory === undefined ? {} : { correctCategory }),
    ...(effectiveAt === undefined ? {} : { effectiveAt }),
    ...(time === undefined ? {} : { at: time }),
  } satisfies TemplateCategoryUpdate);
}

/** The WABA and template every template webhook names; undefined (with a problem) when either is missing. */
function templateHead(
  value: Record<string, unknown>,
  at: string,
  wabaId: string | undefined,
  problem: Report,
): { wabaId: string; templateId: string; name?: string; language?: string } | undefined {
  const templateId = idString(value['message_template_id']);
  if (templateId === undefined) return void problem(`${at}.message_template_id`, 'is missing');
  if (wabaId === undefined) return void problem(`${at}`, 'has no WhatsApp Business Account id (entry.id)');
  const name = str(value['message_template_name']);
  const language = str(value['message_template_language']);
  return {
    wabaId,
    templateId,
    ...(name === undefined ? {} : { name }),
    ...(language === undefined ? {} : { language }),
  };
}

/** The named non-empty string fields of an object; undefined when it is not one or has none of them. */
function textFields<K extends string>(value: unknown, keys: readonly K[]): Partial<Record<K, string>> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Partial<Record<K, string>> = {};
  let any = false;
  for (const key of keys) {
    const text = str(value[key]);
    if (text !== undefined) {
      out[key] = text;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** A string, or a number as a string (Meta sends some timestamps either way). */
function scalarString(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : str(value);
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
  // Assigned, not spread: read for every status of every webhook (see readStatus).
  const pricing: Mutable<MessagePricing> = {};
  if (billable !== undefined) pricing.billable = billable;
  if (pricingModel !== undefined) pricing.pricingModel = pricingModel;
  if (category !== undefined) pricing.category = category;
  if (type !== undefined) pricing.type = type;
  return pricing;
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
  return providerDate(seconds * 1_000);
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
