import {
  WHATSAPP_MESSAGE_TYPES,
  type InteractiveHeader,
  type ListSection,
  type OutboundMessage,
  type ReplyButton,
  type TemplateBodyParameter,
  type TemplateButtonParameter,
  type TemplateComponent,
  type TemplateHeaderParameter,
  type TemplateMessage,
} from '../channel-provider.types';
import { isRecord } from './graph-error.util';
import { WHATSAPP_LIMITS as L } from './whatsapp.constants';

type WhatsAppMessageType = (typeof WHATSAPP_MESSAGE_TYPES)[number];

export interface FieldIssue {
  readonly field: string;
  readonly issue: string;
}

export type OutboundMessageValidation =
  { readonly ok: true; readonly message: OutboundMessage } | { readonly ok: false; readonly errors: FieldIssue[] };

const TEMPLATE_NAME = /^[a-z0-9_]+$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;
const PARAMETER_NAME = /^[a-z0-9_]+$/;
const CURRENCY_CODE = /^[A-Z]{3}$/;
/** Meta refuses template text parameters with these. */
const PARAMETER_FORBIDDEN = /[\n\t]| {5,}/;

/**
 * Checks the message content of a `POST /v1/messages` body against the rules Meta documents, and returns
 * the message with only known fields. Keys outside the content (`to`, …) are ignored; every problem is
 * reported with its field path (`image.link`, `interactive.action.buttons[1].reply.title`).
 * Lengths count characters (Unicode code points), not bytes.
 */
export function validateOutboundMessage(input: unknown): OutboundMessageValidation {
  const v = new Validator();
  if (!isRecord(input)) return { ok: false, errors: [{ field: '', issue: 'must be an object' }] };
  const type = input['type'];
  if (typeof type !== 'string' || !(WHATSAPP_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, errors: [{ field: 'type', issue: `must be one of ${WHATSAPP_MESSAGE_TYPES.join(', ')} on WhatsApp` }] };
  }
  const messageType = type as WhatsAppMessageType;
  for (const other of WHATSAPP_MESSAGE_TYPES) {
    if (other !== messageType && input[other] !== undefined) v.add(other, `must not be given when type is ${messageType}`);
  }
  const replyTo = v.optionalString(input, 'replyTo', 'replyTo', { min: 1 });
  const content = v.object(input[messageType], messageType);
  const message = content === undefined ? undefined : contentFor(v, messageType, content);
  if (v.errors.length > 0 || message === undefined) return { ok: false, errors: v.errors };
  return { ok: true, message: replyTo === undefined ? message : { ...message, replyTo } };
}

function contentFor(v: Validator, type: WhatsAppMessageType, c: Record<string, unknown>): OutboundMessage | undefined {
  switch (type) {
    case 'text': {
      v.known(c, type, ['body', 'previewUrl']);
      const body = v.string(c, 'body', 'text.body', { min: 1, max: L.textBody });
      const previewUrl = v.optionalBoolean(c, 'previewUrl', 'text.previewUrl');
      return body === undefined ? undefined : { type, text: { body, ...opt('previewUrl', previewUrl) } };
    }
    case 'image':
    case 'video': {
      v.known(c, type, ['link', 'caption']);
      const link = v.link(c, 'link', `${type}.link`);
      const caption = v.optionalString(c, 'caption', `${type}.caption`, { max: L.caption });
      if (link === undefined) return undefined;
      const media = { link, ...opt('caption', caption) };
      return type === 'image' ? { type, image: media } : { type, video: media };
    }
    case 'audio':
    case 'sticker': {
      if (c['caption'] !== undefined) v.add(`${type}.caption`, `${type} messages take no caption`);
      v.known(c, type, ['link', 'caption']);
      const link = v.link(c, 'link', `${type}.link`);
      if (link === undefined) return undefined;
      return type === 'audio' ? { type, audio: { link } } : { type, sticker: { link } };
    }
    case 'document': {
      v.known(c, type, ['link', 'caption', 'filename']);
      const link = v.link(c, 'link', 'document.link');
      const caption = v.optionalString(c, 'caption', 'document.caption', { max: L.caption });
      const filename = v.optionalString(c, 'filename', 'document.filename', { min: 1, max: 255 });
      return link === undefined
        ? undefined
        : { type, document: { link, ...opt('caption', caption), ...opt('filename', filename) } };
    }
    case 'location': {
      v.known(c, type, ['latitude', 'longitude', 'name', 'address']);
      const latitude = v.number(c, 'latitude', 'location.latitude', -90, 90);
      const longitude = v.number(c, 'longitude', 'location.longitude', -180, 180);
      const name = v.optionalString(c, 'name', 'location.name', { min: 1 });
      const address = v.optionalString(c, 'address', 'location.address', { min: 1 });
      if (latitude === undefined || longitude === undefined) return undefined;
      return { type, location: { latitude, longitude, ...opt('name', name), ...opt('address', address) } };
    }
    case 'template':
      return templateContent(v, c);
    case 'interactive':
      return interactiveContent(v, c);
  }
}

function templateContent(v: Validator, c: Record<string, unknown>): TemplateMessage | undefined {
  v.known(c, 'template', ['name', 'language', 'params', 'components']);
  const name = v.string(c, 'name', 'template.name', { min: 1, max: L.templateName });
  if (name !== undefined && !TEMPLATE_NAME.test(name)) v.add('template.name', 'may hold only lowercase letters, digits and _');
  const language = v.string(c, 'language', 'template.language', { min: 1 });
  if (language !== undefined && !LANGUAGE_CODE.test(language))
    v.add('template.language', 'must be a language code such as en or en_US');
  if (c['params'] !== undefined && c['components'] !== undefined) {
    v.add('template', 'give params or components, not both');
    return undefined;
  }
  let params: string[] | undefined;
  if (c['params'] !== undefined) {
    const items = v.array(c['params'], 'template.params');
    params = items?.flatMap((item, i) => {
      const value = v.parameterText(item, `template.params[${i}]`, L.templateBody);
      return value === undefined ? [] : [value];
    });
  }
  let components: TemplateComponent[] | undefined;
  if (c['components'] !== undefined) components = templateComponents(v, c['components']);
  if (name === undefined || language === undefined) return undefined;
  return { type: 'template', template: { name, language, ...opt('params', params), ...opt('components', components) } };
}

function templateComponents(v: Validator, value: unknown): TemplateComponent[] | undefined {
  const items = v.array(value, 'template.components');
  if (items === undefined) return undefined;
  const components: TemplateComponent[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const at = `template.components[${i}]`;
    const c = v.object(item, at);
    if (c === undefined) return;
    const type = c['type'];
    if (type !== 'header' && type !== 'body' && type !== 'button') {
      v.add(`${at}.type`, 'must be header, body or button');
      return;
    }
    if (type === 'header' || type === 'body') {
      if (seen.has(type)) v.add(`${at}.type`, `only one ${type} component is allowed`);
      seen.add(type);
      v.known(c, at, ['type', 'parameters']);
      const parameters = v.array(c['parameters'], `${at}.parameters`, { min: 1, max: type === 'header' ? 1 : undefined });
      if (parameters === undefined) return;
      if (type === 'header') {
        const ps = parameters.flatMap((p, j) => opt1(headerParameter(v, p, `${at}.parameters[${j}]`)));
        components.push({ type, parameters: ps });
      } else {
        const ps = parameters.flatMap((p, j) => opt1(bodyParameter(v, p, `${at}.parameters[${j}]`)));
        components.push({ type, parameters: ps });
      }
      return;
    }
    v.known(c, at, ['type', 'subType', 'index', 'parameters']);
    const subType = c['subType'];
    if (subType !== 'quick_reply' && subType !== 'url') v.add(`${at}.subType`, 'must be quick_reply or url');
    const index = buttonIndex(c['index']);
    if (index === undefined) v.add(`${at}.index`, `must be a whole number from 0 to ${L.templateButtonIndexMax}`);
    else if (seen.has(`button:${index}`)) v.add(`${at}.index`, `button ${index} is given twice`);
    else seen.add(`button:${index}`);
    const parameters = v.array(c['parameters'], `${at}.parameters`, { min: 1, max: 1 });
    if (parameters === undefined || index === undefined || (subType !== 'quick_reply' && subType !== 'url')) return;
    const ps = parameters.flatMap((p, j) => opt1(buttonParameter(v, p, `${at}.parameters[${j}]`, subType)));
    components.push({ type, subType, index, parameters: ps });
  });
  return components;
}

function headerParameter(v: Validator, value: unknown, at: string): TemplateHeaderParameter | undefined {
  const p = v.object(value, at);
  if (p === undefined) return undefined;
  const type = p['type'];
  switch (type) {
    case 'text':
      return textParameter(v, p, at, L.templateHeaderText);
    case 'image':
    case 'video': {
      v.known(p, at, ['type', type]);
      const media = v.object(p[type], `${at}.${type}`);
      if (media === undefined) return undefined;
      v.known(media, `${at}.${type}`, ['link']);
      const link = v.link(media, 'link', `${at}.${type}.link`);
      if (link === undefined) return undefined;
      return type === 'image' ? { type, image: { link } } : { type, video: { link } };
    }
    case 'document': {
      v.known(p, at, ['type', 'document']);
      const doc = v.object(p['document'], `${at}.document`);
      if (doc === undefined) return undefined;
      v.known(doc, `${at}.document`, ['link', 'filename']);
      const link = v.link(doc, 'link', `${at}.document.link`);
      const filename = v.optionalString(doc, 'filename', `${at}.document.filename`, { min: 1, max: 255 });
      return link === undefined ? undefined : { type, document: { link, ...opt('filename', filename) } };
    }
    default:
      v.add(`${at}.type`, 'must be text, image, video or document');
      return undefined;
  }
}

function bodyParameter(v: Validator, value: unknown, at: string): TemplateBodyParameter | undefined {
  const p = v.object(value, at);
  if (p === undefined) return undefined;
  switch (p['type']) {
    case 'text':
      return textParameter(v, p, at, L.templateBody);
    case 'currency': {
      v.known(p, at, ['type', 'currency']);
      const cur = v.object(p['currency'], `${at}.currency`);
      if (cur === undefined) return undefined;
      v.known(cur, `${at}.currency`, ['fallbackValue', 'code', 'amount1000']);
      const fallbackValue = v.string(cur, 'fallbackValue', `${at}.currency.fallbackValue`, { min: 1 });
      const code = v.string(cur, 'code', `${at}.currency.code`, { min: 1 });
      if (code !== undefined && !CURRENCY_CODE.test(code)) v.add(`${at}.currency.code`, 'must be an ISO 4217 code such as USD');
      const amount1000 = cur['amount1000'];
      if (typeof amount1000 !== 'number' || !Number.isSafeInteger(amount1000)) {
        v.add(`${at}.currency.amount1000`, 'must be a whole number (the amount times 1000)');
        return undefined;
      }
      if (fallbackValue === undefined || code === undefined) return undefined;
      return { type: 'currency', currency: { fallbackValue, code, amount1000 } };
    }
    case 'date_time': {
      v.known(p, at, ['type', 'dateTime']);
      const dt = v.object(p['dateTime'], `${at}.dateTime`);
      if (dt === undefined) return undefined;
      v.known(dt, `${at}.dateTime`, ['fallbackValue']);
      const fallbackValue = v.string(dt, 'fallbackValue', `${at}.dateTime.fallbackValue`, { min: 1 });
      return fallbackValue === undefined ? undefined : { type: 'date_time', dateTime: { fallbackValue } };
    }
    default:
      v.add(`${at}.type`, 'must be text, currency or date_time');
      return undefined;
  }
}

function textParameter(v: Validator, p: Record<string, unknown>, at: string, max: number) {
  v.known(p, at, ['type', 'text', 'parameterName']);
  const text = v.parameterText(p['text'], `${at}.text`, max);
  const parameterName = v.optionalString(p, 'parameterName', `${at}.parameterName`, { min: 1 });
  if (parameterName !== undefined && !PARAMETER_NAME.test(parameterName)) {
    v.add(`${at}.parameterName`, 'may hold only lowercase letters, digits and _');
  }
  return text === undefined ? undefined : { type: 'text' as const, text, ...opt('parameterName', parameterName) };
}

function buttonParameter(
  v: Validator,
  value: unknown,
  at: string,
  subType: 'quick_reply' | 'url',
): TemplateButtonParameter | undefined {
  const p = v.object(value, at);
  if (p === undefined) return undefined;
  if (subType === 'quick_reply') {
    if (p['type'] !== 'payload') v.add(`${at}.type`, 'must be payload for a quick_reply button');
    v.known(p, at, ['type', 'payload']);
    const payload = v.string(p, 'payload', `${at}.payload`, { min: 1 });
    return payload === undefined || p['type'] !== 'payload' ? undefined : { type: 'payload', payload };
  }
  if (p['type'] !== 'text') v.add(`${at}.type`, 'must be text for a url button');
  v.known(p, at, ['type', 'text']);
  const text = v.string(p, 'text', `${at}.text`, { min: 1 });
  return text === undefined || p['type'] !== 'text' ? undefined : { type: 'text', text };
}

function buttonIndex(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= L.templateButtonIndexMax ? n : undefined;
}

function interactiveContent(v: Validator, c: Record<string, unknown>): OutboundMessage | undefined {
  const kind = c['type'];
  if (kind !== 'button' && kind !== 'list') {
    v.add('interactive.type', 'must be button or list');
    return undefined;
  }
  v.known(c, 'interactive', ['type', 'header', 'body', 'footer', 'action']);
  const bodyObj = v.object(c['body'], 'interactive.body');
  const body =
    bodyObj === undefined
      ? undefined
      : v.string(bodyObj, 'text', 'interactive.body.text', { min: 1, max: kind === 'button' ? L.replyButtonsBody : L.listBody });
  if (bodyObj !== undefined) v.known(bodyObj, 'interactive.body', ['text']);
  let footer: { text: string } | undefined;
  if (c['footer'] !== undefined) {
    const f = v.object(c['footer'], 'interactive.footer');
    if (f !== undefined) {
      v.known(f, 'interactive.footer', ['text']);
      const text = v.string(f, 'text', 'interactive.footer.text', { min: 1, max: L.interactiveFooter });
      if (text !== undefined) footer = { text };
    }
  }
  const header = c['header'] === undefined ? undefined : interactiveHeader(v, c['header'], kind);
  const action = v.object(c['action'], 'interactive.action');
  if (action === undefined || body === undefined) return undefined;

  if (kind === 'button') {
    v.known(action, 'interactive.action', ['buttons']);
    const items = v.array(action['buttons'], 'interactive.action.buttons', { min: L.replyButtonsMin, max: L.replyButtonsMax });
    if (items === undefined) return undefined;
    const buttons: ReplyButton[] = [];
    const ids = new Set<string>();
    const titles = new Set<string>();
    items.forEach((item, i) => {
      const at = `interactive.action.buttons[${i}]`;
      const b = v.object(item, at);
      if (b === undefined) return;
      v.known(b, at, ['type', 'reply']);
      if (b['type'] !== 'reply') v.add(`${at}.type`, 'must be reply');
      const reply = v.object(b['reply'], `${at}.reply`);
      if (reply === undefined) return;
      v.known(reply, `${at}.reply`, ['id', 'title']);
      const id = v.string(reply, 'id', `${at}.reply.id`, { min: 1, max: L.replyButtonId });
      const title = v.string(reply, 'title', `${at}.reply.title`, { min: 1, max: L.replyButtonTitle });
      if (id !== undefined && ids.has(id)) v.add(`${at}.reply.id`, 'must be unique among the buttons');
      if (title !== undefined && titles.has(title)) v.add(`${at}.reply.title`, 'must be unique among the buttons');
      if (id !== undefined) ids.add(id);
      if (title !== undefined) titles.add(title);
      if (id === undefined || title === undefined) return;
      buttons.push({ type: 'reply', reply: { id, title } });
    });
    return {
      type: 'interactive',
      interactive: {
        type: 'button',
        ...opt('header', header),
        body: { text: body },
        ...opt('footer', footer),
        action: { buttons },
      },
    };
  }

  v.known(action, 'interactive.action', ['button', 'sections']);
  const button = v.string(action, 'button', 'interactive.action.button', { min: 1, max: L.listButton });
  const items = v.array(action['sections'], 'interactive.action.sections', { min: 1, max: L.listSections });
  if (items === undefined || button === undefined) return undefined;
  const sections: ListSection[] = [];
  const rowIds = new Set<string>();
  let rowCount = 0;
  items.forEach((item, i) => {
    const at = `interactive.action.sections[${i}]`;
    const s = v.object(item, at);
    if (s === undefined) return;
    v.known(s, at, ['title', 'rows']);
    const title =
      items.length > 1
        ? v.string(s, 'title', `${at}.title`, { min: 1, max: L.listSectionTitle })
        : v.optionalString(s, 'title', `${at}.title`, { min: 1, max: L.listSectionTitle });
    const rowItems = v.array(s['rows'], `${at}.rows`, { min: 1 });
    if (rowItems === undefined) return;
    rowCount += rowItems.length;
    const rows = rowItems.flatMap((r, j) => {
      const rat = `${at}.rows[${j}]`;
      const row = v.object(r, rat);
      if (row === undefined) return [];
      v.known(row, rat, ['id', 'title', 'description']);
      const id = v.string(row, 'id', `${rat}.id`, { min: 1, max: L.listRowId });
      const rowTitle = v.string(row, 'title', `${rat}.title`, { min: 1, max: L.listRowTitle });
      const description = v.optionalString(row, 'description', `${rat}.description`, { min: 1, max: L.listRowDescription });
      if (id !== undefined && rowIds.has(id)) v.add(`${rat}.id`, 'must be unique among all rows');
      if (id !== undefined) rowIds.add(id);
      if (id === undefined || rowTitle === undefined) return [];
      return [{ id, title: rowTitle, ...opt('description', description) }];
    });
    sections.push({ ...opt('title', title), rows });
  });
  if (rowCount > L.listRows) v.add('interactive.action.sections', `may hold at most ${L.listRows} rows in all`);
  const listHeader = header?.type === 'text' ? header : undefined;
  return {
    type: 'interactive',
    interactive: {
      type: 'list',
      ...opt('header', listHeader),
      body: { text: body },
      ...opt('footer', footer),
      action: { button, sections },
    },
  };
}

function interactiveHeader(v: Validator, value: unknown, kind: 'button' | 'list'): InteractiveHeader | undefined {
  const h = v.object(value, 'interactive.header');
  if (h === undefined) return undefined;
  const type = h['type'];
  if (type === 'text') {
    v.known(h, 'interactive.header', ['type', 'text']);
    const text = v.string(h, 'text', 'interactive.header.text', { min: 1, max: L.interactiveHeaderText });
    return text === undefined ? undefined : { type, text };
  }
  if (kind === 'list') {
    v.add('interactive.header.type', 'must be text for a list');
    return undefined;
  }
  if (type !== 'image' && type !== 'video' && type !== 'document') {
    v.add('interactive.header.type', 'must be text, image, video or document');
    return undefined;
  }
  v.known(h, 'interactive.header', ['type', type]);
  const media = v.object(h[type], `interactive.header.${type}`);
  if (media === undefined) return undefined;
  v.known(media, `interactive.header.${type}`, type === 'document' ? ['link', 'filename'] : ['link']);
  const link = v.link(media, 'link', `interactive.header.${type}.link`);
  if (link === undefined) return undefined;
  if (type === 'document') {
    const filename = v.optionalString(media, 'filename', 'interactive.header.document.filename', { min: 1, max: 255 });
    return { type, document: { link, ...opt('filename', filename) } };
  }
  return type === 'image' ? { type, image: { link } } : { type, video: { link } };
}

/** `{key: value}` when value is defined, else `{}`: keeps absent fields absent. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function opt1<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function length(value: string): number {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
}

interface StringRule {
  readonly min?: number;
  readonly max?: number;
}

/** Collects field issues; each check returns the value when valid. */
class Validator {
  readonly errors: FieldIssue[] = [];

  add(field: string, issue: string): void {
    this.errors.push({ field, issue });
  }

  object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.add(field, value === undefined ? 'is required' : 'must be an object');
    return undefined;
  }

  array(value: unknown, field: string, rule: StringRule = {}): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.add(field, value === undefined ? 'is required' : 'must be an array');
      return undefined;
    }
    if (rule.min !== undefined && value.length < rule.min)
      this.add(field, `must hold at least ${rule.min} item${rule.min === 1 ? '' : 's'}`);
    else if (rule.max !== undefined && value.length > rule.max)
      this.add(field, `may hold at most ${rule.max} item${rule.max === 1 ? '' : 's'}`);
    return value;
  }

  /** Reports keys Herald does not know, e.g. Meta's snake_case `preview_url` instead of `previewUrl`. */
  known(value: Record<string, unknown>, field: string, keys: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!keys.includes(key))
        this.add(field === '' ? key : `${field}.${key}`, `is not a known field (known: ${keys.join(', ')})`);
    }
  }

  string(o: Record<string, unknown>, key: string, field: string, rule: StringRule = {}): string | undefined {
    const value = o[key];
    if (value === undefined || value === null) {
      this.add(field, 'is required');
      return undefined;
    }
    return this.checkString(value, field, rule);
  }

  optionalString(o: Record<string, unknown>, key: string, field: string, rule: StringRule = {}): string | undefined {
    const value = o[key];
    return value === undefined ? undefined : this.checkString(value, field, rule);
  }

  private checkString(value: unknown, field: string, rule: StringRule): string | undefined {
    if (typeof value !== 'string') {
      this.add(field, 'must be a string');
      return undefined;
    }
    const n = length(value);
    if (rule.min !== undefined && rule.min > 0 && value.trim() === '') {
      this.add(field, 'must not be empty');
      return undefined;
    }
    if (rule.max !== undefined && n > rule.max) {
      this.add(field, `must be at most ${rule.max} characters (is ${n})`);
      return undefined;
    }
    return value;
  }

  /** A template variable's text: non-empty, no new lines or tabs, at most 4 spaces in a row. */
  parameterText(value: unknown, field: string, max: number): string | undefined {
    if (value === undefined) {
      this.add(field, 'is required');
      return undefined;
    }
    const text = this.checkString(value, field, { min: 1, max });
    if (text !== undefined && PARAMETER_FORBIDDEN.test(text)) {
      this.add(field, 'must not contain new lines, tabs or more than 4 spaces in a row');
      return undefined;
    }
    return text;
  }

  optionalBoolean(o: Record<string, unknown>, key: string, field: string): boolean | undefined {
    const value = o[key];
    if (value === undefined || typeof value === 'boolean') return value;
    this.add(field, 'must be true or false');
    return undefined;
  }

  number(o: Record<string, unknown>, key: string, field: string, min: number, max: number): number | undefined {
    const value = o[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(field, value === undefined ? 'is required' : 'must be a number');
      return undefined;
    }
    if (value < min || value > max) {
      this.add(field, `must be from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  /** A public http(s) URL the provider can fetch. */
  link(o: Record<string, unknown>, key: string, field: string): string | undefined {
    const value = this.string(o, key, field, { min: 1 });
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.add(field, 'must be an absolute http(s) URL');
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.add(field, 'must be an http(s) URL');
      return undefined;
    }
    return value;
  }
}
