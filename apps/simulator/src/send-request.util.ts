// Validates a POST /{phoneNumberId}/messages body the way Meta does, answering with the code Meta uses:
//   100     Graph parameter checks: wrong JSON type, a value outside an enum, a string over its documented length,
//           an unusable recipient number, messaging_product;
//   131008  a field WhatsApp needs is absent (text.body, template.name, a reply button's id, ...);
//   131009  a value WhatsApp does not accept (too many buttons, a button title over 20, a bad media link, ...).
// Template existence and approval are checked afterwards, against the template store.
import { invalidParameter, invalidValue, missingParameter } from './graph-error.util';
import { CAPTIONED_MEDIA, LIMITS, MEDIA_TYPES, MESSAGE_TYPES, type MessageType } from './simulator.constants';
import type { GraphErrorResponse, SendTemplateRef, ValidSend } from './simulator.types';

type Json = Record<string, unknown>;
type Problem = GraphErrorResponse | undefined;

export type SendValidation = { ok: true; send: ValidSend } | { ok: false; error: GraphErrorResponse };

const MESSAGE_TYPE_SET: ReadonlySet<string> = new Set(MESSAGE_TYPES);
/** What people put between the digits of a number: spaces, dashes, parentheses, dots. */
const SEPARATORS: ReadonlySet<string> = new Set([' ', '-', '(', ')', '.']);
const MEDIA_TYPE_SET: ReadonlySet<string> = new Set(MEDIA_TYPES);
const INTERACTIVE_TYPES = [
  'button',
  'list',
  'cta_url',
  'flow',
  'product',
  'product_list',
  'catalog_message',
  'location_request_message',
  'address_message',
  'voice_call',
  'call_permission_request',
];
const TEMPLATE_PARAMETER_TYPES = new Set([
  'text',
  'currency',
  'date_time',
  'image',
  'video',
  'document',
  'location',
  'payload',
  'coupon_code',
  'action',
  'limited_time_offer',
  'tap_target_configuration',
  'order_status',
  'product',
]);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(error: GraphErrorResponse): SendValidation {
  return { ok: false, error };
}

/** The recipient's digits (its wa_id) or undefined when `to` cannot be a phone number. */
export function recipientDigits(to: string): string | undefined {
  let digits = '';
  for (let i = 0; i < to.length; i++) {
    const c = to[i] as string;
    if (c >= '0' && c <= '9') digits += c;
    else if (c === '+' && i === 0) continue;
    else if (!SEPARATORS.has(c)) return undefined;
  }
  if (digits.length < LIMITS.phoneDigitsMin || digits.length > LIMITS.phoneDigitsMax) return undefined;
  // Country codes never start with 0: Meta refuses "0033…" style international prefixes.
  if (digits.startsWith('0')) return undefined;
  return digits;
}

export function isHttpUrl(value: string): boolean {
  if (!value.startsWith('http://') && !value.startsWith('https://')) return false;
  try {
    const url = new URL(value);
    return url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A string field: absent → 131008 when required; not a string → 100; longer than `max` → `tooLong`. */
function checkString(
  parent: Json,
  key: string,
  path: string,
  opts: { required: boolean; max?: number; min?: number; tooLong?: (path: string, max: number) => GraphErrorResponse },
): Problem {
  const value = parent[key];
  if (value === undefined || value === null) return opts.required ? missingParameter(path) : undefined;
  if (typeof value !== 'string') return invalidParameter(`Param ${path} must be a string.`);
  if (opts.required && value.length < (opts.min ?? 1)) return missingParameter(path);
  if (opts.max !== undefined && value.length > opts.max) {
    return (opts.tooLong ?? graphTooLong)(path, opts.max);
  }
  return undefined;
}

function graphTooLong(path: string, max: number): GraphErrorResponse {
  return invalidParameter(`Param ${path} must be at most ${max} characters long.`);
}

function whatsappTooLong(path: string, max: number): GraphErrorResponse {
  return invalidValue(`${path} is too long. Max length: ${max}`);
}

function checkText(body: Json): Problem {
  const text = body.text;
  if (!isObject(text)) return text === undefined ? missingParameter('text') : invalidParameter('Param text must be an object.');
  const problem = checkString(text, 'body', "text['body']", { required: true, max: LIMITS.textBody });
  if (problem) return problem;
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
    return invalidParameter("Param text['preview_url'] must be a boolean.");
  }
  return undefined;
}

function checkMedia(type: string, body: Json): Problem {
  const media = body[type];
  if (!isObject(media))
    return media === undefined ? missingParameter(type) : invalidParameter(`Param ${type} must be an object.`);
  const { id, link } = media;
  if (id === undefined && link === undefined) return missingParameter(`${type}['link'] or ${type}['id']`);
  if (id !== undefined && link !== undefined) return invalidValue(`Only one of ${type}['id'] and ${type}['link'] may be given.`);
  if (id !== undefined && (typeof id !== 'string' || !/^\d{1,32}$/.test(id))) {
    return invalidValue(`${type}['id'] is not a valid media id.`);
  }
  if (link !== undefined && (typeof link !== 'string' || !isHttpUrl(link))) {
    return invalidValue(`${type}['link'] must be an http(s) URL.`);
  }
  if (media.caption !== undefined) {
    if (!CAPTIONED_MEDIA.has(type)) return invalidParameter(`Param ${type}['caption'] is not supported for ${type}.`);
    const problem = checkString(media, 'caption', `${type}['caption']`, { required: false, max: LIMITS.caption });
    if (problem) return problem;
  }
  if (type === 'document') return checkString(media, 'filename', "document['filename']", { required: false, max: 240 });
  return undefined;
}

function checkCoordinate(location: Json, key: 'latitude' | 'longitude', limit: number): Problem {
  const raw = location[key];
  if (raw === undefined || raw === null || raw === '') return missingParameter(`location['${key}']`);
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) return invalidParameter(`Param location['${key}'] must be a number.`);
  if (Math.abs(value) > limit) return invalidValue(`location['${key}'] must be between -${limit} and ${limit}.`);
  return undefined;
}

function checkLocation(body: Json): Problem {
  const location = body.location;
  if (!isObject(location)) {
    return location === undefined ? missingParameter('location') : invalidParameter('Param location must be an object.');
  }
  return (
    checkCoordinate(location, 'latitude', 90) ??
    checkCoordinate(location, 'longitude', 180) ??
    checkString(location, 'name', "location['name']", { required: false, max: 1000 }) ??
    checkString(location, 'address', "location['address']", { required: false, max: 1000 })
  );
}

function checkReaction(body: Json): Problem {
  const reaction = body.reaction;
  if (!isObject(reaction)) {
    return reaction === undefined ? missingParameter('reaction') : invalidParameter('Param reaction must be an object.');
  }
  const problem = checkString(reaction, 'message_id', "reaction['message_id']", { required: true });
  if (problem) return problem;
  if (reaction.emoji === undefined) return missingParameter("reaction['emoji']");
  if (typeof reaction.emoji !== 'string') return invalidParameter("Param reaction['emoji'] must be a string.");
  if ([...reaction.emoji].length > 8) return invalidValue("reaction['emoji'] must be a single emoji (or empty to remove).");
  return undefined;
}

function checkInteractiveFrame(interactive: Json, bodyRequired: boolean): Problem {
  const body = interactive.body;
  if (body === undefined) {
    if (bodyRequired) return missingParameter("interactive['body']");
  } else {
    if (!isObject(body)) return invalidParameter("Param interactive['body'] must be an object.");
    const problem = checkString(body, 'text', "interactive['body']['text']", {
      required: true,
      max: LIMITS.interactiveBody,
      tooLong: whatsappTooLong,
    });
    if (problem) return problem;
  }
  const header = interactive.header;
  if (header !== undefined) {
    if (!isObject(header)) return invalidParameter("Param interactive['header'] must be an object.");
    if (typeof header.type !== 'string') return missingParameter("interactive['header']['type']");
    if (header.type === 'text') {
      const problem = checkString(header, 'text', "interactive['header']['text']", {
        required: true,
        max: LIMITS.interactiveHeaderText,
        tooLong: whatsappTooLong,
      });
      if (problem) return problem;
    } else if (MEDIA_TYPE_SET.has(header.type) && header.type !== 'audio' && header.type !== 'sticker') {
      const problem = checkMedia(header.type, header);
      if (problem) return problem;
    } else {
      return invalidParameter("Param interactive['header']['type'] must be one of {TEXT, IMAGE, VIDEO, DOCUMENT}.");
    }
  }
  const footer = interactive.footer;
  if (footer !== undefined) {
    if (!isObject(footer)) return invalidParameter("Param interactive['footer'] must be an object.");
    const problem = checkString(footer, 'text', "interactive['footer']['text']", {
      required: true,
      max: LIMITS.interactiveFooter,
      tooLong: whatsappTooLong,
    });
    if (problem) return problem;
  }
  return undefined;
}

function checkReplyButtons(action: Json): Problem {
  const buttons = action.buttons;
  if (buttons === undefined) return missingParameter("interactive['action']['buttons']");
  if (!Array.isArray(buttons)) return invalidParameter("Param interactive['action']['buttons'] must be an array.");
  if (buttons.length < LIMITS.replyButtonsMin || buttons.length > LIMITS.replyButtonsMax) {
    return invalidValue(
      `Buttons count invalid. Min allowed buttons: ${LIMITS.replyButtonsMin}, Max allowed buttons: ${LIMITS.replyButtonsMax}`,
    );
  }
  const ids = new Set<string>();
  const titles = new Set<string>();
  for (let i = 0; i < buttons.length; i++) {
    const button: unknown = buttons[i];
    const path = `interactive['action']['buttons'][${i}]`;
    if (!isObject(button)) return invalidParameter(`Param ${path} must be an object.`);
    if (button.type === undefined) return missingParameter(`${path}['type']`);
    if (button.type !== 'reply') return invalidValue(`${path}['type'] must be "reply".`);
    const reply = button.reply;
    if (!isObject(reply))
      return reply === undefined
        ? missingParameter(`${path}['reply']`)
        : invalidParameter(`Param ${path}['reply'] must be an object.`);
    const problem =
      checkString(reply, 'id', `${path}['reply']['id']`, {
        required: true,
        max: LIMITS.replyButtonId,
        tooLong: whatsappTooLong,
      }) ?? checkString(reply, 'title', `${path}['reply']['title']`, { required: true });
    if (problem) return problem;
    const id = reply.id as string;
    const title = reply.title as string;
    if (title.length > LIMITS.replyButtonTitle) {
      return invalidValue(`Button title length invalid. Min length: 1, Max length: ${LIMITS.replyButtonTitle}`);
    }
    if (ids.has(id)) return invalidValue(`Button ids must be unique: "${id}" is repeated.`);
    if (titles.has(title)) return invalidValue(`Button titles must be unique: "${title}" is repeated.`);
    ids.add(id);
    titles.add(title);
  }
  return undefined;
}

function checkList(action: Json): Problem {
  const problem = checkString(action, 'button', "interactive['action']['button']", {
    required: true,
    max: LIMITS.listButton,
    tooLong: whatsappTooLong,
  });
  if (problem) return problem;
  const sections = action.sections;
  if (sections === undefined) return missingParameter("interactive['action']['sections']");
  if (!Array.isArray(sections)) return invalidParameter("Param interactive['action']['sections'] must be an array.");
  if (sections.length < 1 || sections.length > LIMITS.listSectionsMax) {
    return invalidValue(`Invalid number of sections. Min: 1, Max: ${LIMITS.listSectionsMax}`);
  }
  const rowIds = new Set<string>();
  for (let s = 0; s < sections.length; s++) {
    const section: unknown = sections[s];
    const path = `interactive['action']['sections'][${s}]`;
    if (!isObject(section)) return invalidParameter(`Param ${path} must be an object.`);
    const titleProblem = checkString(section, 'title', `${path}['title']`, {
      required: sections.length > 1,
      max: LIMITS.listSectionTitle,
      tooLong: whatsappTooLong,
    });
    if (titleProblem) return titleProblem;
    const rows = section.rows;
    if (rows === undefined) return missingParameter(`${path}['rows']`);
    if (!Array.isArray(rows)) return invalidParameter(`Param ${path}['rows'] must be an array.`);
    if (rows.length < 1) return invalidValue(`${path}['rows'] must hold at least one row.`);
    for (let r = 0; r < rows.length; r++) {
      const row: unknown = rows[r];
      const rowPath = `${path}['rows'][${r}]`;
      if (!isObject(row)) return invalidParameter(`Param ${rowPath} must be an object.`);
      const rowProblem =
        checkString(row, 'id', `${rowPath}['id']`, { required: true, max: LIMITS.listRowId, tooLong: whatsappTooLong }) ??
        checkString(row, 'title', `${rowPath}['title']`, {
          required: true,
          max: LIMITS.listRowTitle,
          tooLong: whatsappTooLong,
        }) ??
        checkString(row, 'description', `${rowPath}['description']`, {
          required: false,
          max: LIMITS.listRowDescription,
          tooLong: whatsappTooLong,
        });
      if (rowProblem) return rowProblem;
      const id = row.id as string;
      if (rowIds.has(id)) return invalidValue(`Row ids must be unique: "${id}" is repeated.`);
      rowIds.add(id);
    }
  }
  if (rowIds.size > LIMITS.listRowsMax) return invalidValue(`Total row count exceed max allowed count: ${LIMITS.listRowsMax}`);
  return undefined;
}

function checkCtaUrl(action: Json): Problem {
  if (action.name !== 'cta_url') return invalidValue("interactive['action']['name'] must be \"cta_url\".");
  const parameters = action.parameters;
  if (!isObject(parameters)) return missingParameter("interactive['action']['parameters']");
  const problem = checkString(parameters, 'display_text', "interactive['action']['parameters']['display_text']", {
    required: true,
    max: LIMITS.replyButtonTitle,
    tooLong: whatsappTooLong,
  });
  if (problem) return problem;
  if (typeof parameters.url !== 'string' || !isHttpUrl(parameters.url)) {
    return parameters.url === undefined
      ? missingParameter("interactive['action']['parameters']['url']")
      : invalidValue("interactive['action']['parameters']['url'] must be an http(s) URL.");
  }
  return undefined;
}

function checkInteractive(body: Json): Problem {
  const interactive = body.interactive;
  if (!isObject(interactive)) {
    return interactive === undefined ? missingParameter('interactive') : invalidParameter('Param interactive must be an object.');
  }
  const kind = interactive.type;
  if (kind === undefined) return missingParameter("interactive['type']");
  if (typeof kind !== 'string' || !INTERACTIVE_TYPES.includes(kind)) {
    return invalidParameter(
      `Param interactive['type'] must be one of {${INTERACTIVE_TYPES.join(', ')}} - got "${String(kind)}".`,
    );
  }
  const needsBody = kind === 'button' || kind === 'list' || kind === 'cta_url';
  const frame = checkInteractiveFrame(interactive, needsBody);
  if (frame) return frame;
  const action = interactive.action;
  if (kind === 'location_request_message' && action === undefined) return undefined;
  if (!isObject(action)) {
    return action === undefined
      ? missingParameter("interactive['action']")
      : invalidParameter("Param interactive['action'] must be an object.");
  }
  switch (kind) {
    case 'button':
      return checkReplyButtons(action);
    case 'list':
      return checkList(action);
    case 'cta_url':
      return checkCtaUrl(action);
    default:
      return undefined;
  }
}

function checkTemplateParameter(parameter: unknown, path: string): Problem {
  if (!isObject(parameter)) return invalidParameter(`Param ${path} must be an object.`);
  const type = parameter.type;
  if (type === undefined) return missingParameter(`${path}['type']`);
  if (typeof type !== 'string' || !TEMPLATE_PARAMETER_TYPES.has(type)) {
    return invalidParameter(`Param ${path}['type'] is not a valid parameter type: "${String(type)}".`);
  }
  switch (type) {
    case 'text':
    case 'payload':
    case 'coupon_code':
      if (typeof parameter[type] !== 'string') {
        return invalidParameter(`Parameter '${type}' is mandatory for component parameter type '${type}'`);
      }
      return undefined;
    case 'currency': {
      const currency = parameter.currency;
      if (!isObject(currency))
        return invalidParameter("Parameter 'currency' is mandatory for component parameter type 'currency'");
      if (typeof currency.fallback_value !== 'string') return missingParameter(`${path}['currency']['fallback_value']`);
      if (typeof currency.code !== 'string' || !/^[A-Z]{3}$/.test(currency.code)) {
        return invalidValue(`${path}['currency']['code'] must be an ISO 4217 code.`);
      }
      if (typeof currency.amount_1000 !== 'number' || !Number.isInteger(currency.amount_1000)) {
        return invalidValue(`${path}['currency']['amount_1000'] must be a whole number.`);
      }
      return undefined;
    }
    case 'date_time': {
      const dateTime = parameter.date_time;
      if (!isObject(dateTime))
        return invalidParameter("Parameter 'date_time' is mandatory for component parameter type 'date_time'");
      if (typeof dateTime.fallback_value !== 'string') return missingParameter(`${path}['date_time']['fallback_value']`);
      return undefined;
    }
    case 'image':
    case 'video':
    case 'document':
      return checkMedia(type, parameter);
    default:
      return undefined;
  }
}

type TemplateCheck = { ok: true; ref: SendTemplateRef } | { ok: false; error: GraphErrorResponse };

function checkTemplate(body: Json): TemplateCheck {
  const bad = (error: GraphErrorResponse): TemplateCheck => ({ ok: false, error });
  const template = body.template;
  if (!isObject(template)) {
    return bad(template === undefined ? missingParameter('template') : invalidParameter('Param template must be an object.'));
  }
  const nameProblem = checkString(template, 'name', "template['name']", { required: true, max: LIMITS.templateName });
  if (nameProblem) return bad(nameProblem);
  const language = template.language;
  if (!isObject(language)) {
    return bad(
      language === undefined
        ? missingParameter("template['language']")
        : invalidParameter("Param template['language'] must be an object."),
    );
  }
  const codeProblem = checkString(language, 'code', "template['language']['code']", { required: true, max: 20 });
  if (codeProblem) return bad(codeProblem);
  if (language.policy !== undefined && language.policy !== 'deterministic') {
    return bad(invalidParameter("Param template['language']['policy'] must be \"deterministic\"."));
  }
  const ref: SendTemplateRef = {
    name: template.name as string,
    languageCode: language.code as string,
    bodyParameters: { positional: 0, named: [] },
    headerParameters: 0,
  };
  const components = template.components;
  if (components === undefined) return { ok: true, ref };
  if (!Array.isArray(components)) return bad(invalidParameter("Param template['components'] must be an array."));
  for (let c = 0; c < components.length; c++) {
    const component: unknown = components[c];
    const path = `template['components'][${c}]`;
    if (!isObject(component)) return bad(invalidParameter(`Param ${path} must be an object.`));
    if (typeof component.type !== 'string') return bad(missingParameter(`${path}['type']`));
    const type = component.type.toLowerCase();
    if (!['header', 'body', 'button', 'carousel', 'limited_time_offer', 'order_status'].includes(type)) {
      return bad(invalidParameter(`Param ${path}['type'] is not a valid component type: "${component.type}".`));
    }
    if (type === 'button') {
      if (component.sub_type === undefined) return bad(missingParameter(`${path}['sub_type']`));
      if (component.index === undefined) return bad(missingParameter(`${path}['index']`));
      const index = Number(component.index);
      if (!Number.isInteger(index) || index < 0 || index >= LIMITS.templateButtonsMax) {
        return bad(invalidValue(`${path}['index'] must be a button index from 0 to ${LIMITS.templateButtonsMax - 1}.`));
      }
    }
    const parameters = component.parameters;
    if (parameters === undefined) continue;
    if (!Array.isArray(parameters)) return bad(invalidParameter(`Param ${path}['parameters'] must be an array.`));
    for (let p = 0; p < parameters.length; p++) {
      const parameter: unknown = parameters[p];
      const problem = checkTemplateParameter(parameter, `${path}['parameters'][${p}]`);
      if (problem) return bad(problem);
      if (type === 'body') {
        const name = (parameter as Json).parameter_name;
        if (typeof name === 'string') ref.bodyParameters.named.push(name);
        else ref.bodyParameters.positional += 1;
      } else if (type === 'header') {
        ref.headerParameters += 1;
      }
    }
  }
  return { ok: true, ref };
}

function checkContext(body: Json): Problem {
  const context = body.context;
  if (context === undefined) return undefined;
  if (!isObject(context)) return invalidParameter('Param context must be an object.');
  const problem = checkString(context, 'message_id', "context['message_id']", { required: true, max: 256 });
  if (problem) return problem;
  if (!(context.message_id as string).startsWith('wamid.'))
    return invalidValue("context['message_id'] is not a valid message id.");
  return undefined;
}

function checkTypeBody(type: MessageType, body: Json): Problem {
  switch (type) {
    case 'text':
      return checkText(body);
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return checkMedia(type, body);
    case 'location':
      return checkLocation(body);
    case 'interactive':
      return checkInteractive(body);
    case 'reaction':
      return checkReaction(body);
    case 'template':
      return undefined; // checked by checkTemplate, which also collects the parameters
  }
}

/** Checks a send body; on success returns what the rest of the simulator needs to know about it. */
export function validateSendRequest(body: unknown): SendValidation {
  if (!isObject(body)) return fail(invalidParameter('The request body must be a JSON object.'));

  const product = body.messaging_product;
  if (product === undefined) {
    return fail(invalidParameter('The parameter messaging_product is required.'));
  }
  if (product !== 'whatsapp') {
    return fail(invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${String(product)}".`));
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    return fail(invalidParameter(`Param recipient_type must be one of {INDIVIDUAL} - got "${String(body.recipient_type)}".`));
  }

  const to = body.to;
  if (to === undefined || to === null || to === '') return fail(missingParameter('to'));
  if (typeof to !== 'string') return fail(invalidParameter('Param to must be a string.'));
  const waId = recipientDigits(to);
  if (waId === undefined) return fail(invalidParameter(`Invalid recipient phone number: "${to}". Send + and the country code.`));

  const rawType = body.type ?? 'text';
  if (typeof rawType !== 'string' || !MESSAGE_TYPE_SET.has(rawType)) {
    return fail(invalidParameter(`Param type must be one of {${MESSAGE_TYPES.join(', ')}} - got "${String(rawType)}".`));
  }
  const type = rawType as MessageType;

  const callbackProblem = checkString(body, 'biz_opaque_callback_data', 'biz_opaque_callback_data', {
    required: false,
    max: LIMITS.callbackData,
  });
  if (callbackProblem) return fail(callbackProblem);

  const contextProblem = checkContext(body);
  if (contextProblem) return fail(contextProblem);

  let template: SendTemplateRef | undefined;
  if (type === 'template') {
    const checked = checkTemplate(body);
    if (!checked.ok) return fail(checked.error);
    template = checked.ref;
  } else {
    const problem = checkTypeBody(type, body);
    if (problem) return fail(problem);
  }

  const callbackData = body.biz_opaque_callback_data;
  return {
    ok: true,
    send: {
      input: to,
      waId,
      type,
      callbackData: typeof callbackData === 'string' && callbackData.length > 0 ? callbackData : undefined,
      template,
    },
  };
}
