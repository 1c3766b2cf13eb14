// The JSON Meta posts to a webhook URL, and its signature.
import { createHmac } from 'node:crypto';
import { ERROR_CODES, ERROR_CODES_HREF, ErrorCode, type ErrorCodeValue, WEBHOOK_FAILURE_DETAILS } from './simulator.constants';
import type {
  AcceptedMessage,
  PhoneNumberRegistration,
  StatusItem,
  StatusName,
  StoredTemplate,
  WebhookError,
} from './simulator.types';

/** `X-Hub-Signature-256` for a body: "sha256=" + hex HMAC-SHA256 of the raw bytes with the app secret. */
export function signatureOf(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** One `statuses[]` item for a message, as Meta shapes it. */
export function statusItem(message: AcceptedMessage, status: StatusName, atMs: number, includePricing: boolean): StatusItem {
  const item: StatusItem = {
    id: message.wamid,
    status,
    timestamp: unixSeconds(atMs),
    recipient_id: message.recipientId,
  };
  if (message.callbackData !== undefined) item.biz_opaque_callback_data = message.callbackData;
  if (status === 'failed') {
    item.errors = [webhookError(message.failureCode ?? ErrorCode.MessageUndeliverable)];
  } else if (includePricing) {
    item.pricing = {
      billable: message.billable ?? true,
      pricing_model: 'PMP',
      type: message.pricingType ?? 'regular',
      category: message.pricingCategory,
    };
  }
  return item;
}

/** A `statuses[].errors[]` item as Meta shapes it: `message` repeats the title; key on `code`. */
export function webhookError(code: number): WebhookError {
  const title = ERROR_CODES[code as ErrorCodeValue]?.title ?? 'Message failed to send';
  return {
    code,
    title,
    message: title,
    error_data: { details: WEBHOOK_FAILURE_DETAILS[code] ?? title },
    href: ERROR_CODES_HREF,
  };
}

function metadataOf(phone: PhoneNumberRegistration) {
  return { display_phone_number: phone.displayPhoneNumber, phone_number_id: phone.phoneNumberId };
}

function messagesEnvelope(phone: PhoneNumberRegistration, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: phone.wabaId,
        changes: [{ value: { messaging_product: 'whatsapp', metadata: metadataOf(phone), ...value }, field: 'messages' }],
      },
    ],
  };
}

/** A `messages` webhook carrying status updates of one phone number. */
export function statusesEnvelope(phone: PhoneNumberRegistration, statuses: StatusItem[]) {
  return messagesEnvelope(phone, { statuses });
}

/** A `messages` webhook carrying one message a user sent, with that user's profile. */
export function inboundEnvelope(
  phone: PhoneNumberRegistration,
  contact: { name: string; waId: string },
  message: Record<string, unknown>,
) {
  return messagesEnvelope(phone, { contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }], messages: [message] });
}

/** One change of a WhatsApp Business Account field (the template webhooks), as Meta wraps it. */
function wabaEnvelope(wabaId: string, atMs: number, field: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, time: Math.floor(atMs / 1000), changes: [{ value, field }] }],
  };
}

/** What a paused template's status webhook says (`other_info`), unless /_sim gave its own. */
export const DEFAULT_PAUSE_INFO = {
  title: 'FIRST_PAUSE',
  description: 'Your WhatsApp message template has been paused for 3 hours because of low quality.',
} as const;

/**
 * A `message_template_status_update` webhook for one template (Meta's webhooks reference): `{event,
 * message_template_id, message_template_name, message_template_language, reason, message_template_category}`, plus
 * `other_info: {title, description}` when given (paused templates get DEFAULT_PAUSE_INFO).
 */
export function templateStatusEnvelope(
  template: StoredTemplate,
  atMs: number,
  otherInfo?: { title: string; description: string },
) {
  const info = otherInfo ?? (template.status === 'PAUSED' ? DEFAULT_PAUSE_INFO : undefined);
  return wabaEnvelope(template.wabaId, atMs, 'message_template_status_update', {
    event: template.status,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason: template.status === 'REJECTED' ? template.rejectedReason : 'NONE',
    message_template_category: template.category,
    ...(info === undefined ? {} : { other_info: { title: info.title, description: info.description } }),
  });
}

/**
 * A `message_template_quality_update` webhook (Meta's webhooks reference): `{previous_quality_score,
 * new_quality_score, message_template_id, message_template_name, message_template_language}`.
 */
export function templateQualityEnvelope(template: StoredTemplate, previous: string, atMs: number) {
  return wabaEnvelope(template.wabaId, atMs, 'message_template_quality_update', {
    previous_quality_score: previous,
    new_quality_score: template.qualityScore,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
  });
}

/**
 * A `template_category_update` webhook (Meta's webhooks reference). Completed: `{message_template_id,
 * message_template_name, message_template_language, previous_category, new_category}`. Impending (Meta will change the
 * category at `category_update_timestamp`): `{…, correct_category, new_category: <the current one>,
 * category_update_timestamp}`.
 */
export function templateCategoryEnvelope(
  template: StoredTemplate,
  change: { kind: 'completed'; previous: string } | { kind: 'impending'; correct: string; effectiveAtMs: number },
  atMs: number,
) {
  const head = {
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
  };
  const value =
    change.kind === 'completed'
      ? { ...head, previous_category: change.previous, new_category: template.category }
      : {
          ...head,
          correct_category: change.correct,
          new_category: template.category,
          category_update_timestamp: Math.floor(change.effectiveAtMs / 1000),
        };
  return wabaEnvelope(template.wabaId, atMs, 'template_category_update', value);
}
