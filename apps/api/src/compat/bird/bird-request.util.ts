import type { ChannelKind } from '@herald/channels';
import { HeraldError } from '@herald/common';

/**
 * Bird's Channels API `POST /workspaces/{workspaceId}/channels/{channelId}/messages` read into Herald's native
 * `POST /v1/messages` input (docs.bird.com "Sending WhatsApp messages" and its OpenAPI `CreateMessage`). Pure: the
 * controller resolves what needs I/O (the template, the replied-to message) and sends each part through
 * MessagesService. Every Bird field is either mapped, or refused as unsupported naming the field — none is dropped.
 */

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field-level refusal: the error filter answers it as Bird's 422 `ValidationError` with `details[field]`. */
export const invalid = (field: string, issue: string): HeraldError => new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue }]);

/** A Bird feature Herald does not have: answered like a validation error, saying what is unsupported and why. */
export const unsupported = (field: string, why: string): HeraldError =>
  new HeraldError('invalid', 'unsupported', `${field} is not supported by Herald: ${why}.`, [{ field, issue: `is not supported: ${why}` }]);

/** Who the message goes to, as the native body names them. */
export type BirdRecipient = { readonly contactId: string } | { readonly to: { readonly number: string } | string };

/** Bird's `template` as sent, checked for shape; the controller resolves it to one of the account's templates. */
export interface BirdTemplateRef {
  /** A Herald template id (as GET /v1/templates shows it) or, when not a uuid, a template name. */
  readonly projectId?: string;
  /** The template's name at the provider (Bird: "the platform name of the template"). */
  readonly name?: string;
  readonly version: string;
  readonly locale?: string;
  readonly parameters: readonly BirdTemplateParameter[];
}

export interface BirdTemplateParameter {
  readonly key: string;
  readonly value: string;
}

/** A Bird send, read: the recipient, the message parts (native contents), the template to resolve, and the options. */
export interface BirdSend {
  readonly recipient: BirdRecipient;
  /** Native message contents (`type` + the key named like it), in order; empty when `template` is given. */
  readonly parts: readonly Json[];
  readonly template?: BirdTemplateRef;
  /** Native envelope fields shared by every part: scheduledFor, validity, tags, flags, customArgs, callbackUrl. */
  readonly options: Json;
  /** A Herald inbound message id (`replyTo.id`): the controller turns it into the provider's id of that message. */
  readonly replyTo?: string;
}

const TOP_LEVEL = new Set([
  'sender',
  'receiver',
  'reference',
  'template',
  'meta',
  'replyTo',
  'body',
  'notification',
  'capFrequency',
  'enableLinkTracking',
  'ignoreQuietHours',
  'ignoreGlobalHoldout',
  'tags',
  'shortLinks',
  'scheduledFor',
  'validity',
]);

/** The default label of a WhatsApp list's button when `list.metadata.button.label` is not given (WhatsApp requires one). */
export const DEFAULT_LIST_BUTTON = 'Options';

/**
 * Reads a Bird send for a channel of `kind`. One receiver contact per message (Bird's WhatsApp channel takes one);
 * `body` XOR `template` (Bird: "you must set message body field in all cases except for sending a message template").
 */
export function toBirdSend(kind: ChannelKind, given: unknown): BirdSend {
  if (!isRecord(given)) throw invalid('body', 'must be a JSON object');
  const raw = hoistReplyTo(given);
  for (const key of Object.keys(raw)) if (!TOP_LEVEL.has(key)) throw invalid(key, 'is not a field of a Bird message');
  if (raw['sender'] !== undefined) throw unsupported('sender', "the channel in the path sends, and Herald sends under the channel's own identity (sender.connector overrides an email sender only)");
  const recipient = readReceiver(kind, raw['receiver']);
  const hasBody = raw['body'] !== undefined && raw['body'] !== null;
  const hasTemplate = raw['template'] !== undefined && raw['template'] !== null;
  if (hasBody === hasTemplate) throw invalid('body', 'give either body or template, not both and not neither');
  const options = readOptions(raw);
  const replyTo = readReplyTo(raw['replyTo']);
  if (hasTemplate) {
    if (kind !== 'whatsapp') throw unsupported('template', `Herald's templates are WhatsApp's (approved by Meta); a ${kind} channel sends body messages`);
    return { recipient, parts: [], template: readTemplate(raw['template']), options, ...(replyTo === undefined ? {} : { replyTo }) };
  }
  return { recipient, parts: toNativeParts(kind, raw['body']), options, ...(replyTo === undefined ? {} : { replyTo }) };
}

/**
 * Bird's own ReplyTo examples put `replyTo` beside the body's `type` (inside the snippet that goes in `body`), while
 * its schema has it at the top: both are read, the top level's taking precedence only when the body has none.
 */
function hoistReplyTo(raw: Json): Json {
  const body = raw['body'];
  if (!isRecord(body) || body['replyTo'] === undefined) return raw;
  if (raw['replyTo'] !== undefined) throw invalid('body.replyTo', 'give replyTo once (at the top level)');
  const { replyTo, ...rest } = body;
  return { ...raw, body: rest, replyTo };
}

function readReceiver(kind: ChannelKind, raw: unknown): BirdRecipient {
  if (!isRecord(raw)) throw invalid('receiver', 'must be an object with contacts');
  for (const key of Object.keys(raw)) if (key !== 'contacts') throw invalid(`receiver.${key}`, 'is not a field of receiver');
  const contacts = raw['contacts'];
  if (!Array.isArray(contacts) || contacts.length === 0) throw invalid('receiver.contacts', 'must hold one contact');
  if (contacts.length > 1) {
    throw unsupported('receiver.contacts', 'a message goes to one contact (as on Bird\'s WhatsApp channels); send one request per contact, or use POST /v1/blasts for many');
  }
  const c = contacts[0];
  const field = 'receiver.contacts[0]';
  if (!isRecord(c)) throw invalid(field, 'must be an object');
  const known = ['id', 'identifierKey', 'identifierValue', 'type', 'identifiers', 'platformAddress', 'platformAddressSelector'];
  for (const key of Object.keys(c)) if (!known.includes(key)) throw invalid(`${field}.${key}`, 'is not a field of a receiver contact');
  if (c['type'] !== undefined && c['type'] !== 'to') throw unsupported(`${field}.type`, 'cc and bcc are email receivers; Herald sends to one person ("to")');
  if (c['platformAddressSelector'] !== undefined && c['platformAddressSelector'] !== null) {
    throw unsupported(`${field}.platformAddressSelector`, 'Herald addresses a contact by its number (WhatsApp) or its identity on the channel, with no selector expressions');
  }
  if (c['id'] !== undefined) {
    const id = c['id'];
    if ((typeof id !== 'string' && typeof id !== 'number') || !/^[0-9]{1,18}$/.test(String(id))) throw invalid(`${field}.id`, "must be a Herald contact's id (GET /v1/contacts shows it)");
    return { contactId: String(id) };
  }
  let key = c['identifierKey'];
  let value = c['platformAddress'] ?? c['identifierValue'];
  if (value === undefined && Array.isArray(c['identifiers']) && c['identifiers'].length > 0) {
    const first: unknown = c['identifiers'][0];
    if (isRecord(first)) ({ identifierKey: key, identifierValue: value } = first);
  }
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field}.identifierValue`, 'is required (or id): the phone number, or the identity on the channel');
  if (key !== undefined && typeof key !== 'string') throw invalid(`${field}.identifierKey`, 'must be a string');
  if (key === 'emailaddress') throw unsupported(`${field}.identifierKey`, 'Herald has no email channels');
  const v = value.trim();
  if (kind === 'whatsapp') {
    if (key !== undefined && key !== 'phonenumber') throw invalid(`${field}.identifierKey`, 'must be phonenumber on a WhatsApp channel');
    return { to: { number: v } };
  }
  // Messenger, Instagram, Telegram: a +number of a contact, or the platform's id of the user (PSID, IGSID, chat id).
  return { to: v };
}

function readReplyTo(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw invalid('replyTo', 'must be an object with id and type');
  for (const key of Object.keys(raw)) if (!['id', 'type', 'order'].includes(key)) throw invalid(`replyTo.${key}`, 'is not a field of replyTo');
  if (raw['type'] !== 'message') {
    if (raw['type'] === 'click' || raw['type'] === 'referrals') throw unsupported('replyTo.type', 'only a reply to a received message ("message") is carried');
    throw invalid('replyTo.type', 'must be "message"');
  }
  if (raw['order'] !== undefined) throw unsupported('replyTo.order', "Herald quotes a message by its id, not by its order in a conversation");
  const id = raw['id'];
  if (typeof id !== 'string' || id.trim() === '') throw invalid('replyTo.id', 'must be the id of a received message (GET /v1/inbound-messages)');
  return id.trim();
}

/** The native envelope: Bird's send options, each onto the native option of the same meaning. */
function readOptions(raw: Json): Json {
  const out: Json = {};
  const flag = (key: string): boolean | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw invalid(key, 'must be true or false');
    return v;
  };
  if (raw['scheduledFor'] !== undefined && raw['scheduledFor'] !== null) {
    if (typeof raw['scheduledFor'] !== 'string') throw invalid('scheduledFor', 'must be an RFC 3339 timestamp');
    out['scheduledFor'] = raw['scheduledFor'];
  }
  if (raw['validity'] !== undefined && raw['validity'] !== null) out['validity'] = raw['validity'];
  if (raw['tags'] !== undefined && raw['tags'] !== null) out['tags'] = raw['tags'];
  if (flag('ignoreQuietHours') === true) out['ignoreQuietHours'] = true;
  // Herald has no global holdout: no holdout is ever checked, which is what `true` asks for; `false` changes nothing either.
  flag('ignoreGlobalHoldout');

  const meta = raw['meta'];
  let useCase: unknown;
  let extraInformation: Json | undefined;
  if (meta !== undefined && meta !== null) {
    if (!isRecord(meta)) throw invalid('meta', 'must be an object');
    for (const key of Object.keys(meta)) {
      if (key !== 'extraInformation') throw unsupported(`meta.${key}`, 'of meta, Herald keeps extraInformation only (returned in customArgs)');
    }
    if (meta['extraInformation'] !== undefined) {
      if (!isRecord(meta['extraInformation'])) throw invalid('meta.extraInformation', 'must be an object');
      extraInformation = meta['extraInformation'];
      useCase = extraInformation['useCase'];
    }
  }
  if (flag('capFrequency') === true) {
    // Bird: "Can only be set to true if the message is sent to a contact and .meta.extraInformation.useCase is marketing."
    if (useCase !== 'marketing') throw invalid('capFrequency', 'can only be true when meta.extraInformation.useCase is "marketing"');
    out['useFrequencyCapping'] = true;
  }
  const tracking = flag('enableLinkTracking');
  const shortLinks = raw['shortLinks'];
  let shorten = false;
  if (shortLinks !== undefined && shortLinks !== null) {
    if (!isRecord(shortLinks)) throw invalid('shortLinks', 'must be an object with domain');
    for (const key of Object.keys(shortLinks)) if (key !== 'domain') throw invalid(`shortLinks.${key}`, 'is not a field of shortLinks');
    if (shortLinks['domain'] !== 'default') {
      throw unsupported('shortLinks.domain', 'Herald shortens links on its one configured link domain: give "default" (the links become tracked short links)');
    }
    shorten = true;
  }
  // Both become Herald's tracked links: the URLs are replaced by short links on Herald's link domain that count clicks
  // and append the workspace's UTM parameters. Absent: the workspace's trackLinks setting decides.
  if (tracking !== undefined || shorten) out['trackLinks'] = tracking === true || shorten;

  const reference = raw['reference'];
  if (reference !== undefined && reference !== null && typeof reference !== 'string') throw invalid('reference', 'must be a string');
  const customArgs: Json = {};
  if (typeof reference === 'string') customArgs['reference'] = reference;
  if (extraInformation !== undefined) customArgs['extraInformation'] = extraInformation;
  if (Object.keys(customArgs).length > 0) out['customArgs'] = customArgs;

  const notification = raw['notification'];
  if (notification !== undefined && notification !== null) {
    if (!isRecord(notification)) throw invalid('notification', 'must be an object with url');
    for (const key of Object.keys(notification)) if (key !== 'url') throw invalid(`notification.${key}`, 'is not a field of notification');
    if (notification['url'] !== undefined) out['callbackUrl'] = notification['url'];
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuidLike(v: string): boolean {
  return UUID.test(v);
}

function readTemplate(raw: unknown): BirdTemplateRef {
  if (!isRecord(raw)) throw invalid('template', 'must be an object');
  const known = ['name', 'projectId', 'version', 'locale', 'attachments', 'shortLinks', 'variables', 'utmParameters', 'parameters', 'settings'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) throw invalid(`template.${key}`, 'is not a field of a template');
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
  if (!empty(raw['attachments'])) throw unsupported('template.attachments', 'attachments are for email templates; Herald has no email channels');
  if (!empty(raw['shortLinks'])) throw unsupported('template.shortLinks', "SMS link shortening; use the message's enableLinkTracking for Herald's tracked links");
  if (!empty(raw['utmParameters'])) throw unsupported('template.utmParameters', "Herald appends the workspace's UTM parameters (PATCH /v1/settings utm) to tracked links");
  if (!empty(raw['variables'])) throw unsupported('template.variables', 'give the values in template.parameters ({type, key, value})');
  if (isRecord(raw['settings']) && raw['settings']['disallowMmLite'] === true) {
    throw unsupported('template.settings.disallowMmLite', "Herald chooses Meta's Marketing Messages route itself for onboarded accounts");
  }
  const projectId = raw['projectId'];
  const name = raw['name'];
  if (projectId !== undefined && (typeof projectId !== 'string' || projectId === '')) throw invalid('template.projectId', 'must be a string');
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw invalid('template.name', 'must be a string');
  if (projectId === undefined && name === undefined) throw invalid('template.projectId', "is required (a Herald template's id, or give template.name)");
  const version = raw['version'] ?? 'latest';
  if (typeof version !== 'string' || version === '') throw invalid('template.version', 'must be a string ("latest")');
  const locale = raw['locale'];
  if (locale !== undefined && (typeof locale !== 'string' || !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(locale))) throw invalid('template.locale', 'must be a locale such as en or en-US');
  const parameters: BirdTemplateParameter[] = [];
  const list = raw['parameters'] ?? [];
  if (!Array.isArray(list)) throw invalid('template.parameters', 'must be an array of {type, key, value}');
  list.forEach((p: unknown, i) => {
    const field = `template.parameters[${i}]`;
    if (!isRecord(p)) throw invalid(field, 'must be an object');
    if (typeof p['key'] !== 'string' || p['key'] === '') throw invalid(`${field}.key`, 'must be a non-empty string');
    const type = p['type'];
    if (type !== 'string' && type !== 'number' && type !== 'boolean') {
      throw unsupported(`${field}.type`, "a WhatsApp template's variables are text: give string, number or boolean values");
    }
    const value = p['value'];
    if (value === undefined || value === null || typeof value !== type) throw invalid(`${field}.value`, `must be a ${String(type)}`);
    parameters.push({ key: p['key'], value: String(value) });
  });
  return {
    ...(typeof projectId === 'string' ? { projectId } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    version,
    ...(typeof locale === 'string' ? { locale } : {}),
    parameters,
  };
}

// -------------------------------------------------------------------------------------------- template parameters

/** What a send of one of the account's templates must give (TemplateView.parameters). */
export interface TemplateNeeds {
  readonly header: { readonly kind: 'none' } | { readonly kind: 'text'; readonly variables: number } | { readonly kind: 'media'; readonly format: 'image' | 'video' | 'document' } | { readonly kind: 'location' };
  readonly body: { readonly count: number; readonly names?: readonly string[] };
  readonly buttons: ReadonlyArray<{ readonly index: number; readonly type: 'url' | 'copy_code' | 'otp' }>;
}

const isUrl = (v: string) => /^https?:\/\/\S+$/i.test(v);

/**
 * Bird's `parameters` ({key, value}: Studio's variable names) as WhatsApp template components, by these rules:
 * - body: a named variable takes the parameter of that key; positional {{n}} takes key "n";
 * - header: a text variable takes key "header" (or "header_1"); a media header takes key "header", else the one
 *   remaining parameter whose value is a URL (Bird's `imageURL`);
 * - a button that needs a value (a URL suffix, a coupon code, an OTP) takes key "button_<index>", else — for one such
 *   button — the one remaining parameter (Bird's `url`).
 * A parameter left over, or a variable without a value, is refused naming it: nothing is dropped or guessed twice.
 */
export function templateComponents(templateName: string, needs: TemplateNeeds, parameters: readonly BirdTemplateParameter[]): Json[] {
  const left = new Map(parameters.map((p, i) => [p.key, { ...p, index: i }]));
  const take = (key: string) => {
    const p = left.get(key);
    if (p) left.delete(key);
    return p;
  };
  const components: Json[] = [];

  // Body first: its variables are named by key (Bird's Studio variables), so they are taken before any fallback.
  const body: Json[] = [];
  const names = needs.body.names ?? [];
  if (names.length > 0) {
    for (const name of names) {
      const p = take(name);
      if (!p) throw invalid('template.parameters', `must give "${name}": template ${templateName}'s body uses {{${name}}}`);
      body.push({ type: 'text', text: p.value, parameterName: name });
    }
  } else {
    for (let n = 1; n <= needs.body.count; n++) {
      const p = take(String(n));
      if (!p) throw invalid('template.parameters', `must give key "${n}": template ${templateName}'s body uses {{${n}}}`);
      body.push({ type: 'text', text: p.value });
    }
  }

  let header: Json | undefined;
  if (needs.header.kind === 'text' && needs.header.variables > 0) {
    const p = take('header') ?? take('header_1');
    if (!p) throw invalid('template.parameters', `must give key "header": template ${templateName}'s header has a variable`);
    header = { type: 'header', parameters: [{ type: 'text', text: p.value }] };
  } else if (needs.header.kind === 'media') {
    const format = needs.header.format;
    const p = take('header') ?? take([...left.values()].filter((x) => isUrl(x.value)).length === 1 ? [...left.values()].find((x) => isUrl(x.value))!.key : '');
    if (!p) throw invalid('template.parameters', `must give the ${format} of template ${templateName}'s header: key "header", or one parameter whose value is its URL`);
    if (!isUrl(p.value)) throw invalid(`template.parameters[${p.index}].value`, `must be the URL of the header's ${format}`);
    header = { type: 'header', parameters: [format === 'image' ? { type: 'image', image: { link: p.value } } : format === 'video' ? { type: 'video', video: { link: p.value } } : { type: 'document', document: { link: p.value } }] };
  } else if (needs.header.kind === 'location') {
    throw unsupported('template', `template ${templateName} has a location header, which Herald does not fill`);
  }
  if (header) components.push(header);
  if (body.length > 0) components.push({ type: 'body', parameters: body });

  for (const button of needs.buttons) {
    const p = take(`button_${button.index}`) ?? (needs.buttons.length === 1 && left.size === 1 ? take([...left.keys()][0]!) : undefined);
    if (!p) throw invalid('template.parameters', `must give key "button_${button.index}": template ${templateName}'s button ${button.index} needs a value`);
    if (button.type === 'copy_code') throw unsupported('template.parameters', `template ${templateName}'s copy-code button: Herald sends quick-reply and URL button values`);
    components.push({ type: 'button', subType: 'url', index: button.index, parameters: [{ type: 'text', text: p.value }] });
  }

  const extra = [...left.values()];
  if (extra.length > 0) {
    const p = extra[0]!;
    throw invalid(`template.parameters[${p.index}].key`, `"${p.key}" matches no variable of template ${templateName}`);
  }
  return components;
}

/** Bird's BCP 47 locale (`en`, `en-US`) among a template's languages (`en`, `en_US`): exact, else the one of that language. */
export function languageFor(locale: string | undefined, languages: readonly string[]): string | undefined {
  if (locale === undefined) return languages.length === 1 ? languages[0] : undefined;
  const want = locale.replace('-', '_').toLowerCase();
  const exact = languages.find((l) => l.toLowerCase() === want);
  if (exact) return exact;
  const base = want.split('_')[0]!;
  const same = languages.filter((l) => l.toLowerCase() === base || l.toLowerCase().startsWith(`${base}_`));
  return same.length === 1 ? same[0] : undefined;
}

// -------------------------------------------------------------------------------------------------- body parts

type Action =
  | { readonly kind: 'reply'; readonly text: string }
  | { readonly kind: 'postback'; readonly text: string; readonly payload: string; readonly description?: string }
  | { readonly kind: 'link'; readonly text: string; readonly url: string };

function readActions(raw: unknown, field: string): Action[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(field, 'must be an array of actions');
  return raw.map((a: unknown, i): Action => {
    const f = `${field}[${i}]`;
    if (!isRecord(a)) throw invalid(f, 'must be an object');
    const type = a['type'];
    if (type === 'locationRequest') throw unsupported(`${f}.type`, "Herald's interactive messages are reply buttons and lists; a location request button is not among them");
    if (type === 'buy') throw unsupported(`${f}.type`, 'Herald has no payments');
    if (type !== 'reply' && type !== 'postback' && type !== 'link') throw invalid(`${f}.type`, 'must be reply, postback or link');
    const inner = a[type];
    if (!isRecord(inner)) throw invalid(`${f}.${type}`, 'must be an object');
    const text = inner['text'];
    if (typeof text !== 'string' || text === '') throw invalid(`${f}.${type}.text`, 'must be a non-empty string');
    if (inner['imageUrl'] !== undefined) throw unsupported(`${f}.${type}.imageUrl`, 'buttons carry a title only');
    if (type === 'link') {
      const url = inner['url'];
      if (typeof url !== 'string' || !isUrl(url)) throw invalid(`${f}.link.url`, 'must be an http(s) URL');
      return { kind: 'link', text, url };
    }
    const metadata = inner['metadata'];
    const description = isRecord(metadata) && isRecord(metadata['description']) && typeof metadata['description']['label'] === 'string' ? metadata['description']['label'] : undefined;
    if (type === 'reply') return { kind: 'reply', text };
    const payload = inner['payload'];
    if (payload !== undefined && (typeof payload !== 'string' || payload === '')) throw invalid(`${f}.postback.payload`, 'must be a non-empty string');
    // Without a payload, a press comes back with the button's text (as a reply action's does).
    return { kind: 'postback', text, payload: typeof payload === 'string' ? payload : text, ...(description === undefined ? {} : { description }) };
  });
}

/** The id a press of the button comes back with: a postback's payload, a reply's text (Bird: the reply is its text). */
const idOf = (a: Action) => (a.kind === 'postback' ? a.payload : a.text);

type Media = { readonly url: string; readonly type: 'image' | 'video' | 'audio' | 'document'; readonly caption?: string; readonly filename?: string };

function knownKeys(o: Json, field: string, keys: readonly string[]): void {
  for (const key of Object.keys(o)) if (!keys.includes(key)) throw invalid(`${field}.${key}`, 'is not a known field');
}

function mediaOf(contentType: string): Media['type'] {
  const major = contentType.toLowerCase().split('/')[0];
  return major === 'image' || major === 'video' || major === 'audio' ? major : 'document';
}

/**
 * Bird's `body` as native message contents, one per message Herald sends: WhatsApp carries one image or file per
 * message, so `images[]`/`files[]` become one message each, in order, the text (and any buttons) going with the last.
 */
export function toNativeParts(kind: ChannelKind, raw: unknown): Json[] {
  if (!isRecord(raw)) throw invalid('body', 'must be an object');
  let type = raw['type'];
  let body = raw;
  // Bird's own "Text message with location request" example omits `type` and the `text` wrapper: read it as a text body.
  if (type === undefined && typeof raw['text'] === 'string') {
    type = 'text';
    body = { type, text: raw };
  }
  if (typeof type !== 'string') throw invalid('body.type', 'is required');
  for (const key of Object.keys(body)) if (key !== 'type' && key !== type) throw invalid(`body.${key}`, `must not be given when type is ${type}`);
  const content = body[type];
  if (!isRecord(content)) throw invalid(`body.${type}`, 'must be an object');
  const field = `body.${type}`;
  switch (type) {
    case 'text': {
      knownKeys(content, field, ['text', 'attachments', 'actions', 'metadata']);
      const text = content['text'];
      if (typeof text !== 'string' || text === '') throw invalid(`${field}.text`, 'must be a non-empty string');
      if (Array.isArray(content['attachments']) && content['attachments'].length > 0) throw unsupported(`${field}.attachments`, 'attachments are for email; send a file body instead');
      const options = textOptions(kind, content['metadata'], `${field}.metadata`);
      const actions = readActions(content['actions'], `${field}.actions`);
      if (actions.length === 0) return [{ type: 'text', text: { body: text, ...options } }];
      return [withActions(kind, text, actions, undefined, `${field}.actions`)];
    }
    case 'image': {
      knownKeys(content, field, ['text', 'images', 'metadata', 'actions']);
      const images = content['images'];
      if (!Array.isArray(images) || images.length === 0) throw invalid(`${field}.images`, 'must hold at least one image');
      const media = images.map((img: unknown, i): Media => {
        const f = `${field}.images[${i}]`;
        if (!isRecord(img)) throw invalid(f, 'must be an object');
        knownKeys(img, f, ['mediaUrl', 'altText']);
        if (typeof img['mediaUrl'] !== 'string' || !isUrl(img['mediaUrl'])) throw invalid(`${f}.mediaUrl`, 'must be an http(s) URL');
        // An image's label (altText) is its caption.
        return { url: img['mediaUrl'], type: 'image', ...(typeof img['altText'] === 'string' && img['altText'] !== '' ? { caption: img['altText'] } : {}) };
      });
      refuseMetadata(content['metadata'], `${field}.metadata`);
      return mediaParts(kind, media, content['text'], readActions(content['actions'], `${field}.actions`), field);
    }
    case 'file': {
      knownKeys(content, field, ['text', 'files', 'metadata', 'actions']);
      const files = content['files'];
      if (!Array.isArray(files) || files.length === 0) throw invalid(`${field}.files`, 'must hold at least one file');
      const media = files.map((file: unknown, i): Media => {
        const f = `${field}.files[${i}]`;
        if (!isRecord(file)) throw invalid(f, 'must be an object');
        knownKeys(file, f, ['mediaUrl', 'contentType', 'filename', 'altText', 'metadata']);
        if (typeof file['mediaUrl'] !== 'string' || !isUrl(file['mediaUrl'])) throw invalid(`${f}.mediaUrl`, 'must be an http(s) URL');
        if (typeof file['contentType'] !== 'string' || !/^[a-z]+\/[a-z0-9.+-]+/i.test(file['contentType'])) throw invalid(`${f}.contentType`, 'must be a MIME type such as application/pdf');
        const t = mediaOf(file['contentType']);
        const filename = typeof file['filename'] === 'string' && file['filename'] !== '' && t === 'document' ? { filename: file['filename'] } : {};
        const caption = typeof file['altText'] === 'string' && file['altText'] !== '' && t !== 'audio' ? { caption: file['altText'] } : {};
        return { url: file['mediaUrl'], type: t, ...filename, ...caption };
      });
      refuseMetadata(content['metadata'], `${field}.metadata`);
      return mediaParts(kind, media, content['text'], readActions(content['actions'], `${field}.actions`), field);
    }
    case 'location': {
      knownKeys(content, field, ['coordinates', 'location']);
      const c = content['coordinates'];
      if (!isRecord(c) || typeof c['latitude'] !== 'number' || typeof c['longitude'] !== 'number') throw invalid(`${field}.coordinates`, 'must hold latitude and longitude');
      const place = isRecord(content['location']) ? content['location'] : {};
      return [
        {
          type: 'location',
          location: {
            latitude: c['latitude'],
            longitude: c['longitude'],
            ...(typeof place['label'] === 'string' ? { name: place['label'] } : {}),
            ...(typeof place['address'] === 'string' ? { address: place['address'] } : {}),
          },
        },
      ];
    }
    case 'list':
      return [listPart(kind, content, field)];
    case 'carousel':
      return [carouselPart(kind, content, field)];
    case 'html':
    case 'section':
    case 'authentication':
    case 'gif':
    case 'template':
    case 'permission_request':
      throw unsupported('body.type', `${type} messages are not among Herald's message types (text, image, file, location, list; carousel on Messenger and Instagram)`);
    default:
      throw invalid('body.type', 'must be text, image, file, location, list or carousel');
  }
}

function textOptions(kind: ChannelKind, raw: unknown, field: string): Json {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw invalid(field, 'must be an object');
  const out: Json = {};
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    if (key === 'whatsapp' && isRecord(v) && Object.keys(v).every((k) => k === 'previewUrl')) {
      if (v['previewUrl'] !== undefined) {
        if (typeof v['previewUrl'] !== 'boolean') throw invalid(`${field}.whatsapp.previewUrl`, 'must be true or false');
        out['previewUrl'] = v['previewUrl'];
      }
    } else if (key === 'telegram' && isRecord(v) && kind === 'telegram') {
      if (v['parseMode'] !== 'MarkdownV2') throw unsupported(`${field}.telegram.parseMode`, 'Herald sends Telegram text as MarkdownV2 or HTML, not legacy Markdown');
      out['parseMode'] = 'MarkdownV2';
    } else throw unsupported(`${field}.${key}`, 'of text metadata, Herald carries whatsapp.previewUrl and telegram.parseMode');
  }
  return out;
}

function refuseMetadata(raw: unknown, field: string): void {
  if (raw === undefined || raw === null || (isRecord(raw) && Object.keys(raw).length === 0)) return;
  throw unsupported(field, 'MMS subjects, fallbacks and Instagram story types are not carried');
}

/** A text with buttons: WhatsApp's reply buttons (≤ 3), Messenger's and Instagram's quick replies, Messenger's and Telegram's buttons. */
function withActions(kind: ChannelKind, text: string, actions: readonly Action[], header: Media | undefined, field: string): Json {
  if (kind === 'whatsapp') {
    const link = actions.findIndex((a) => a.kind === 'link');
    if (link >= 0) throw unsupported(`${field}[${link}].type`, "WhatsApp's interactive messages Herald sends take reply buttons; a link goes in the text");
    if (header?.type === 'audio') throw unsupported(field, 'WhatsApp cannot put buttons under an audio file');
    const interactive: Json = {
      type: 'button',
      ...(header === undefined ? {} : { header: { type: header.type, [header.type]: { link: header.url, ...(header.filename ? { filename: header.filename } : {}) } } }),
      body: { text },
      action: { buttons: actions.map((a) => ({ type: 'reply', reply: { id: idOf(a), title: a.text } })) },
    };
    return { type: 'interactive', interactive };
  }
  if (header !== undefined) {
    if ((kind === 'messenger' || kind === 'instagram') && header.type === 'image') {
      return { type: 'cards', cards: { elements: [{ title: text, imageUrl: header.url, buttons: actions.map(button) }] } };
    }
    throw unsupported(field, `${kind} cannot put buttons under a ${header.type} in Herald; send the buttons in a text message`);
  }
  if ((kind === 'messenger' || kind === 'instagram') && actions.every((a) => a.kind === 'reply')) {
    return { type: 'text', text: { body: text }, quickReplies: actions.map((a) => ({ title: a.text, payload: a.text })) };
  }
  return { type: 'buttons', buttons: { text, buttons: actions.map(button) } };
}

const button = (a: Action): Json => (a.kind === 'link' ? { type: 'url', title: a.text, url: a.url } : { type: 'postback', title: a.text, payload: idOf(a) });

function mediaPart(m: Media, caption: string | undefined): Json {
  const c = caption ?? m.caption;
  const content: Json = { link: m.url, ...(c !== undefined && m.type !== 'audio' ? { caption: c } : {}), ...(m.filename ? { filename: m.filename } : {}) };
  return { type: m.type, [m.type]: content };
}

function mediaParts(kind: ChannelKind, media: readonly Media[], rawText: unknown, actions: readonly Action[], field: string): Json[] {
  if (rawText !== undefined && typeof rawText !== 'string') throw invalid(`${field}.text`, 'must be a string');
  const text = rawText === '' ? undefined : rawText;
  const parts = media.slice(0, -1).map((m) => mediaPart(m, undefined));
  const last = media[media.length - 1]!;
  if (actions.length > 0) {
    const label = text ?? last.caption;
    if (label === undefined) throw invalid(`${field}.text`, 'is required with actions: it is the text above the buttons');
    parts.push(withActions(kind, label, actions, last, `${field}.actions`));
  } else if (last.type === 'audio' && text !== undefined) {
    // Audio takes no caption: the text follows as its own message.
    parts.push(mediaPart(last, undefined), { type: 'text', text: { body: text } });
  } else parts.push(mediaPart(last, text));
  return parts;
}

/** Bird's list: its items are the sections (a title each, the actions their rows), `metadata.button.label` the button. */
function listPart(kind: ChannelKind, content: Json, field: string): Json {
  knownKeys(content, field, ['title', 'text', 'altText', 'items', 'actions', 'metadata']);
  if (kind !== 'whatsapp') throw unsupported('body.type', `list messages are WhatsApp's in Herald; on ${kind} send a text with actions`);
  const text = content['text'];
  if (typeof text !== 'string' || text === '') throw invalid(`${field}.text`, 'must be a non-empty string');
  if (Array.isArray(content['actions']) && content['actions'].length > 0) throw unsupported(`${field}.actions`, "a WhatsApp list's choices are its items' actions");
  const items = content['items'];
  if (!Array.isArray(items) || items.length === 0) throw invalid(`${field}.items`, 'must hold at least one item');
  const sections = items.map((item: unknown, i) => {
    const f = `${field}.items[${i}]`;
    if (!isRecord(item)) throw invalid(f, 'must be an object');
    knownKeys(item, f, ['title', 'actions', 'description', 'mediaUrl', 'altText']);
    if (item['mediaUrl'] !== undefined && item['mediaUrl'] !== null) throw unsupported(`${f}.mediaUrl`, "a WhatsApp list's rows carry no images");
    const rows = readActions(item['actions'], `${f}.actions`).map((a, j) => {
      if (a.kind === 'link') throw unsupported(`${f}.actions[${j}].type`, "a WhatsApp list's rows are choices, not links");
      return { id: idOf(a), title: a.text, ...(a.kind === 'postback' && a.description ? { description: a.description } : {}) };
    });
    if (rows.length === 0) throw invalid(`${f}.actions`, 'must hold at least one action (a row of the list)');
    return { ...(typeof item['title'] === 'string' && item['title'] !== '' ? { title: item['title'] } : {}), rows };
  });
  const metadata = content['metadata'];
  const label = isRecord(metadata) && isRecord(metadata['button']) && typeof metadata['button']['label'] === 'string' ? metadata['button']['label'] : DEFAULT_LIST_BUTTON;
  const title = content['title'];
  return {
    type: 'interactive',
    interactive: {
      type: 'list',
      ...(typeof title === 'string' && title !== '' ? { header: { type: 'text', text: title } } : {}),
      body: { text },
      action: { button: label, sections },
    },
  };
}

/** Bird's carousel as Messenger's and Instagram's cards (generic template); WhatsApp's media carousel is a template there. */
function carouselPart(kind: ChannelKind, content: Json, field: string): Json {
  knownKeys(content, field, ['text', 'items']);
  if (kind !== 'messenger' && kind !== 'instagram') throw unsupported('body.type', `carousel messages go to Messenger and Instagram (cards); on ${kind} Herald has no free-form carousel`);
  if (content['text'] !== undefined) throw unsupported(`${field}.text`, 'Messenger and Instagram cards have no text bubble above them; send it as a text message first');
  const items = content['items'];
  if (!Array.isArray(items) || items.length === 0) throw invalid(`${field}.items`, 'must hold at least one card');
  const elements = items.map((item: unknown, i) => {
    const f = `${field}.items[${i}]`;
    if (!isRecord(item)) throw invalid(f, 'must be an object');
    knownKeys(item, f, ['title', 'mediaUrl', 'description', 'altText', 'actions']);
    if (typeof item['title'] !== 'string' || item['title'] === '') throw invalid(`${f}.title`, 'must be a non-empty string');
    const actions = readActions(item['actions'], `${f}.actions`);
    return {
      title: item['title'],
      ...(typeof item['description'] === 'string' ? { subtitle: item['description'] } : {}),
      ...(typeof item['mediaUrl'] === 'string' ? { imageUrl: item['mediaUrl'] } : {}),
      ...(actions.length > 0 ? { buttons: actions.map(button) } : {}),
    };
  });
  return { type: 'cards', cards: { elements } };
}

// ------------------------------------------------------------------------------------------------------ answers

/**
 * Herald's send state as Bird's message status — the same reading as the `bird` callback format
 * (libs/callbacks/src/callback-formats/bird.format.ts), so a client sees one status for one state: `accepted` until a
 * worker takes it, `scheduled` until its time, `processing` while it is with the provider (Herald's `sending`,
 * `accepted`, `held`), `sent` and `delivered` as they are (a read is still delivered: Bird counts opens as
 * interactions), `sending_failed`, `delivery_failed` when its validity ran out, `deleted` when cancelled.
 */
export function birdStatus(state: string): string {
  switch (state) {
    case 'scheduled':
      return 'scheduled';
    case 'queued':
      return 'accepted';
    case 'sending':
    case 'accepted':
    case 'held':
      return 'processing';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'failed':
      return 'sending_failed';
    case 'expired':
      return 'delivery_failed';
    case 'cancelled':
      return 'deleted';
    default:
      return 'skipped';
  }
}

/** The identifier key Bird uses for a contact on a channel of this kind (Bird's are `phonenumber`, `facebookid-<page id>`…). */
export function identifierKeyOf(kind: ChannelKind, senderId: string): string {
  switch (kind) {
    case 'whatsapp':
      return 'phonenumber';
    case 'messenger':
      return `facebookid-${senderId}`;
    case 'instagram':
      return `instagramid-${senderId}`;
    case 'telegram':
      return `telegramid-${senderId}`;
  }
}

/**
 * The contact of Bird's `GET …/contacts/{contactId}` as ContactsService.resolve takes it: `contactIdentifierValue`
 * (a phone number) when given, else the path's id — a Herald contact id (digits) or a +number.
 */
export function contactRef(contactId: string, identifierValue: unknown): string {
  if (typeof identifierValue === 'string' && identifierValue.trim() !== '') {
    const v = identifierValue.trim();
    if (!/^\+?[0-9][0-9 ()-]{4,31}$/.test(v)) {
      throw unsupported('contactIdentifierValue', "Herald looks a contact up by phone number here; for a Messenger, Instagram or Telegram identity give the contact's Herald id in the path");
    }
    return v;
  }
  return /^[0-9]{1,18}$/.test(contactId) ? `id:${contactId}` : contactId;
}
