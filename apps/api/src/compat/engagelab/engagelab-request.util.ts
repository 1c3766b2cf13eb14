import { HeraldError } from '@herald/common';

/** The body types EngageLab's `POST /v1/messages` documents (`body.type`). */
export const ENGAGELAB_BODY_TYPES = ['template', 'text', 'image', 'audio', 'video', 'document', 'sticker'] as const;
type EngageLabBodyType = (typeof ENGAGELAB_BODY_TYPES)[number];

const TOP_LEVEL = ['from', 'to', 'body', 'request_id', 'custom_args'];
/** EngageLab's template names: "Only lowercase [letters,] numbers and underscores are supported". */
const TEMPLATE_NAME = /^[a-z0-9_]+$/;

/** An EngageLab send read into what Herald's `POST /v1/messages` takes (without the channel, which the caller resolves). */
export interface EngageLabSend {
  /** The sending number as given (`from`), or undefined: the workspace's default WhatsApp channel. */
  readonly from?: string;
  /** Recipients in E.164 (`00…` and bare international numbers made `+…`). */
  readonly to: readonly string[];
  /** The native message content: `{type, <type>: …}`. */
  readonly message: Record<string, unknown>;
  readonly requestId?: string;
  readonly customArgs?: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A request field that is missing or of the wrong form (EngageLab's 3002). */
function wrong(field: string, issue: string): HeraldError {
  return new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue }]);
}

/** Something EngageLab's API has that Herald does not do (EngageLab's 3003, with what to do instead). */
function unsupported(field: string, issue: string): HeraldError {
  return new HeraldError('invalid', 'unsupported', `${field}: ${issue}.`, [{ field, issue }]);
}

function onlyKnown(obj: Record<string, unknown>, at: string, known: readonly string[]): void {
  const other = Object.keys(obj).find((k) => !known.includes(k));
  if (other !== undefined) throw wrong(`${at}.${other}`, `is not a field of EngageLab's ${at.split('.').pop()!.replace(/\[\d+\]$/, '')} object (it has ${known.join(', ')})`);
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) throw wrong(field, value === undefined ? 'is required' : 'must be a JSON object');
  return value;
}

function optionalString(obj: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw wrong(`${at}.${key}`, 'must be a string');
  return v;
}

/**
 * A recipient as EngageLab takes it ("the international area code must be added"): `+447911123456`,
 * `00447911123456` (international prefix → `+`) or `447911123456`; spaces, dashes and brackets are ignored.
 */
export function engageLabNumber(value: unknown, field: string): string {
  if (typeof value !== 'string') throw wrong(field, 'must be a phone number with its international area code (a string)');
  const compact = value.trim().replace(/[\s().-]/g, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
  if (!/^[1-9][0-9]{6,14}$/.test(digits)) throw wrong(field, `must be a phone number with its international area code, e.g. +447911123456 or 00447911123456 (got "${value}")`);
  return `+${digits}`;
}

/**
 * A media object (`image`, `video`, `audio`, `document`, `sticker`, or a template header's): EngageLab takes a WhatsApp
 * media id or a link; Herald sends media by link only, so an id is refused saying so.
 */
function media(c: Record<string, unknown>, at: string, known: readonly string[]): string {
  onlyKnown(c, at, known);
  if (c['id'] !== undefined && c['id'] !== null) {
    throw unsupported(`${at}.id`, 'Herald sends media by link only, not by a WhatsApp media id: give link (an http/https URL)');
  }
  const link = optionalString(c, 'link', at);
  if (link === undefined || link === '') throw wrong(`${at}.link`, 'is required (an http/https link to the file)');
  return link;
}

function content(type: EngageLabBodyType, c: Record<string, unknown>, at: string): Record<string, unknown> {
  switch (type) {
    case 'text': {
      onlyKnown(c, at, ['body']);
      const body = optionalString(c, 'body', at);
      if (body === undefined) throw wrong(`${at}.body`, 'is required');
      return { body };
    }
    case 'image':
    case 'video': {
      const link = media(c, at, ['id', 'link', 'caption']);
      const caption = optionalString(c, 'caption', at);
      return { link, ...(caption === undefined ? {} : { caption }) };
    }
    case 'audio':
    case 'sticker':
      return { link: media(c, at, ['id', 'link']) };
    case 'document': {
      const link = media(c, at, ['id', 'link', 'caption', 'filename']);
      const caption = optionalString(c, 'caption', at);
      // EngageLab: "If the filename field is not filled in but the caption field is filled in, the caption will be used as the file name".
      const filename = optionalString(c, 'filename', at) ?? caption;
      return { link, ...(caption === undefined ? {} : { caption }), ...(filename === undefined ? {} : { filename }) };
    }
    case 'template':
      return template(c, at);
  }
}

function template(c: Record<string, unknown>, at: string): Record<string, unknown> {
  onlyKnown(c, at, ['name', 'language', 'components']);
  const name = optionalString(c, 'name', at);
  if (name === undefined || name === '') throw wrong(`${at}.name`, 'is required');
  if (!TEMPLATE_NAME.test(name)) {
    throw new HeraldError('not_found', 'template_not_found', `Template "${name}" does not exist: template names hold only lowercase letters, digits and _.`, [
      { field: `${at}.name`, issue: 'names no template' },
    ]);
  }
  const language = optionalString(c, 'language', at);
  if (language === undefined || language === '') throw wrong(`${at}.language`, 'is required (a template language code such as en_US or zh_CN)');
  if (c['components'] === undefined || c['components'] === null) return { name, language };
  if (!Array.isArray(c['components'])) throw wrong(`${at}.components`, 'must be an array of components');
  const components = c['components'].map((item, i) => component(item, `${at}.components[${i}]`));
  return { name, language, ...(components.length > 0 ? { components } : {}) };
}

/** A component in Meta's Cloud API shape (snake_case), as EngageLab takes it, into Herald's (camelCase). */
function component(value: unknown, at: string): Record<string, unknown> {
  const c = object(value, at);
  const type = c['type'];
  if (type !== 'header' && type !== 'body' && type !== 'button') {
    if (typeof type === 'string' && ['footer', 'buttons', 'carousel', 'limited_time_offer'].includes(type.toLowerCase())) {
      throw unsupported(`${at}.type`, `Herald fills header, body and button components; a ${type} component takes no parameters at send time`);
    }
    throw wrong(`${at}.type`, 'must be header, body or button');
  }
  if (!Array.isArray(c['parameters'])) throw wrong(`${at}.parameters`, c['parameters'] === undefined ? 'is required' : 'must be an array');
  const parameters = c['parameters'] as unknown[];
  if (type === 'button') {
    onlyKnown(c, at, ['type', 'sub_type', 'index', 'parameters']);
    if (c['sub_type'] !== 'quick_reply' && c['sub_type'] !== 'url') {
      throw typeof c['sub_type'] === 'string'
        ? unsupported(`${at}.sub_type`, `Herald fills quick_reply and url buttons, not ${c['sub_type']}`)
        : wrong(`${at}.sub_type`, 'must be quick_reply or url');
    }
    return { type, subType: c['sub_type'], index: c['index'], parameters: parameters.map((p, j) => buttonParameter(p, `${at}.parameters[${j}]`)) };
  }
  onlyKnown(c, at, ['type', 'parameters']);
  return { type, parameters: parameters.map((p, j) => parameter(p, `${at}.parameters[${j}]`, type)) };
}

function parameter(value: unknown, at: string, component: 'header' | 'body'): Record<string, unknown> {
  const p = object(value, at);
  const type = p['type'];
  switch (type) {
    case 'text': {
      onlyKnown(p, at, ['type', 'text', 'parameter_name']);
      const name = optionalString(p, 'parameter_name', at);
      return { type, text: p['text'], ...(name === undefined ? {} : { parameterName: name }) };
    }
    case 'currency': {
      onlyKnown(p, at, ['type', 'currency']);
      const cur = object(p['currency'], `${at}.currency`);
      onlyKnown(cur, `${at}.currency`, ['fallback_value', 'code', 'amount_1000']);
      return { type, currency: { fallbackValue: cur['fallback_value'], code: cur['code'], amount1000: cur['amount_1000'] } };
    }
    case 'date_time': {
      onlyKnown(p, at, ['type', 'date_time']);
      const dt = object(p['date_time'], `${at}.date_time`);
      // Meta's Cloud API renders fallback_value and does not localise from the other fields (day_of_week, year, …,
      // timestamp: the On-Premises API's); they are accepted as EngageLab documents them and, as on Meta, not used.
      onlyKnown(dt, `${at}.date_time`, ['fallback_value', 'day_of_week', 'day_of_month', 'year', 'month', 'hour', 'minute', 'timestamp', 'calendar']);
      for (const key of ['day_of_week', 'day_of_month', 'year', 'month', 'hour', 'minute', 'timestamp']) {
        if (dt[key] !== undefined && (typeof dt[key] !== 'number' || !Number.isInteger(dt[key]))) throw wrong(`${at}.date_time.${key}`, 'must be a whole number');
      }
      return { type, dateTime: { fallbackValue: dt['fallback_value'] } };
    }
    case 'image':
    case 'video':
    case 'document': {
      if (component !== 'header') throw wrong(`${at}.type`, `${type} parameters exist only in the header`);
      onlyKnown(p, at, ['type', type]);
      const m = object(p[type], `${at}.${type}`);
      const link = media(m, `${at}.${type}`, type === 'document' ? ['id', 'link', 'filename'] : ['id', 'link']);
      const filename = type === 'document' ? optionalString(m, 'filename', `${at}.${type}`) : undefined;
      return { type, [type]: { link, ...(filename === undefined ? {} : { filename }) } };
    }
    default:
      throw wrong(`${at}.type`, 'must be text, currency, date_time, image, video or document');
  }
}

function buttonParameter(value: unknown, at: string): Record<string, unknown> {
  const p = object(value, at);
  if (p['type'] === 'payload') {
    onlyKnown(p, at, ['type', 'payload']);
    return { type: 'payload', payload: p['payload'] };
  }
  if (p['type'] === 'text') {
    onlyKnown(p, at, ['type', 'text']);
    return { type: 'text', text: p['text'] };
  }
  throw wrong(`${at}.type`, 'must be payload (quick_reply) or text (url)');
}

/**
 * Reads EngageLab's `POST /v1/messages` body (`from`, `to[]`, `body{type, <type>}`, `request_id`, `custom_args`) into
 * Herald's native send. Shapes are checked here in EngageLab's field names; values (lengths, links, template
 * parameters against the template) are checked by Herald's send as for any message. `to` as one string — as the
 * document's own per-type examples write it — is read as a list of one.
 */
export function toNativeSend(body: unknown): EngageLabSend {
  if (!isRecord(body)) throw wrong('body', 'the request must be a JSON object');
  const unknown = Object.keys(body).find((k) => !TOP_LEVEL.includes(k));
  if (unknown !== undefined) throw wrong(unknown, `is not a field of EngageLab's send (it has ${TOP_LEVEL.join(', ')})`);

  let from: string | undefined;
  if (body['from'] !== undefined && body['from'] !== null && body['from'] !== '') {
    if (typeof body['from'] !== 'string') throw wrong('from', 'must be a sending number (a string)');
    from = body['from'];
  }
  const rawTo = body['to'];
  if (rawTo === undefined || rawTo === null) throw wrong('to', 'is required (an array of phone numbers)');
  const list = Array.isArray(rawTo) ? rawTo : [rawTo];
  if (list.length === 0) throw wrong('to', 'must hold at least one phone number');
  const to = list.map((t, i) => engageLabNumber(t, Array.isArray(rawTo) ? `to[${i}]` : 'to'));

  const b = object(body['body'], 'body');
  const type = b['type'];
  if (typeof type !== 'string' || !(ENGAGELAB_BODY_TYPES as readonly string[]).includes(type)) {
    throw wrong('body.type', `must be one of ${ENGAGELAB_BODY_TYPES.join(', ')}`);
  }
  const t = type as EngageLabBodyType;
  const other = Object.keys(b).find((k) => k !== 'type' && k !== t);
  if (other !== undefined) {
    throw wrong(`body.${other}`, (ENGAGELAB_BODY_TYPES as readonly string[]).includes(other) ? `must not be given when type is ${t}` : 'is not a field of the message body');
  }
  // EngageLab's own wording for this case (its document's example of a 3002).
  if (!isRecord(b[t])) throw wrong(`body.${t}`, `field must be set correctly when type is ${t}`);
  const message = { type: t, [t]: content(t, b[t], `body.${t}`) };

  let requestId: string | undefined;
  if (body['request_id'] !== undefined && body['request_id'] !== null) {
    if (typeof body['request_id'] !== 'string' || body['request_id'] === '') throw wrong('request_id', 'must be a non-empty string');
    requestId = body['request_id'];
  }
  let customArgs: Record<string, unknown> | undefined;
  if (body['custom_args'] !== undefined && body['custom_args'] !== null) {
    if (!isRecord(body['custom_args'])) throw wrong('custom_args', 'must be a JSON object');
    customArgs = body['custom_args'];
  }
  return { ...(from === undefined ? {} : { from }), to, message, ...(requestId === undefined ? {} : { requestId }), ...(customArgs === undefined ? {} : { customArgs }) };
}

/** Herald's field names in a native error, as an EngageLab client wrote them. */
const NATIVE_TO_ENGAGELAB: ReadonlyArray<[RegExp, string]> = [
  [/\bfallbackValue\b/g, 'fallback_value'],
  [/\bamount1000\b/g, 'amount_1000'],
  [/\bdateTime\b/g, 'date_time'],
  [/\bsubType\b/g, 'sub_type'],
  [/\bparameterName\b/g, 'parameter_name'],
  [/\brequestId\b/g, 'request_id'],
  [/\bcustomArgs\b/g, 'custom_args'],
  [/(^|[\s:("'])((?:text|image|video|audio|document|sticker|template)\.[a-z])/g, '$1body.$2'],
];

/** A native error message or detail in EngageLab's field names (`template.components[0]…currency.amount1000` → `body.template…amount_1000`). */
export function inEngageLabTerms(text: string): string {
  return NATIVE_TO_ENGAGELAB.reduce((s, [from, to]) => s.replace(from, to), text);
}

