import type {
  ActionButton,
  MessagingTag,
  OutboundMessage,
  TemplateButtonDefinition,
  TemplateCategory,
  TemplateComponent,
  TemplateDefinition,
  TemplateMessage,
} from '@herald/channels';
import { HeraldError } from '@herald/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/*
 * A campaign's message is written with Herald's placeholders, `{{name}}`, `{{number}}`, `{{attributes.city}}`
 * (the contact's own fields, double braces) and `{orders.total}` (a variable group's field, single braces).
 * WhatsApp only takes positional variables in a template, so creating a campaign turns the message into a
 * template body with `{{1}}`, `{{2}}`… and remembers which placeholder each position stands for; every
 * recipient's send then fills the positions with that contact's values.
 */

/**
 * One problem with the input, named by its field, in the shape every validation error in Herald uses. A type, not an
 * interface, so it stays assignable to HeraldError's details (an interface gets no implicit index signature).
 */
export type CampaignIssue = {
  field: string;
  issue: string;
};

/** A placeholder. `token` is its canonical text without braces: 'name', 'attributes.city', 'orders.total'. */
export type CampaignVariable =
  | { readonly kind: 'contact'; readonly key: 'name' | 'number'; readonly token: string }
  | { readonly kind: 'attribute'; readonly key: string; readonly token: string }
  | { readonly kind: 'group'; readonly group: string; readonly field: string; readonly token: string };

/** Meta's limit on a template body's text. */
export const MAX_MESSAGE_LENGTH = 1024;
/** More than this many variables is certainly refused by Meta's review, and a sign of a mistake. */
export const MAX_VARIABLES = 100;
/** Meta's limits on a template's buttons. */
export const MAX_BUTTONS = 10;
export const MAX_BUTTON_TEXT = 25;
export const MAX_URL_BUTTONS = 2;
export const MAX_PHONE_BUTTONS = 1;
export const MAX_URL_LENGTH = 2000;
export const MAX_INPUT_NAME = 64;
export const MAX_JOURNEY_ID = 100;
/** Meta's limit on a template name. */
export const MAX_TEMPLATE_NAME = 512;
/** A long title makes an unreadable template name; the campaign id suffix is what keeps it unique. */
const MAX_TITLE_SLUG = 40;
/** A message full of typos would otherwise produce one issue per brace; the first ones are enough to act on. */
const MAX_REPORTED = 20;

/** Same rules as the contacts library: a variable group's id and field names. */
const GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const FIELD = /^[A-Za-z0-9_-]{1,64}$/;
/** Same rule as a contact's attribute keys (contacts library), so every key a contact can hold can be used. */
const ATTRIBUTE_KEY = /^[A-Za-z0-9_]{1,64}$/;
const ATTRIBUTE_PREFIX = 'attributes.';
const CONTACT_HINT = 'use {{name}}, {{number}} or {{attributes.<key>}}';
const BRACES_HINT = 'braces are only for variables: {{name}}, {{number}}, {{attributes.<key>}} or {group.field}';

/**
 * `{{inner}}`, `{inner}`, or a single brace that belongs to neither. Inner text never holds a brace, so
 * `{{{name}}}` reads as a stray `{`, `{{name}}` and a stray `}` rather than as one odd placeholder.
 */
const PLACEHOLDER = /\{\{([^{}]*)\}\}|\{([^{}]*)\}|[{}]/g;

type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly raw: string; readonly variable: CampaignVariable }
  | { readonly kind: 'invalid'; readonly raw: string; readonly issue: string }
  | { readonly kind: 'stray'; readonly raw: string; readonly start: number };

/** Splits a message into text, placeholders, and what only looks like one (with the reason it is not). */
function scan(message: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of message.matchAll(PLACEHOLDER)) {
    const start = match.index;
    if (start > last) pieces.push({ kind: 'text', text: message.slice(last, start) });
    last = start + match[0].length;
    if (match[1] !== undefined) pieces.push(contactPlaceholder(match[0], match[1].trim()));
    else if (match[2] !== undefined) pieces.push(groupPlaceholder(match[0], match[2].trim()));
    else {
      // Adjacent stray braces ("}}", "{{ ") are one problem, reported once.
      const previous = pieces[pieces.length - 1];
      if (previous?.kind === 'stray' && previous.start + previous.raw.length === start) {
        pieces[pieces.length - 1] = { ...previous, raw: previous.raw + match[0] };
      } else pieces.push({ kind: 'stray', raw: match[0], start });
    }
  }
  if (last < message.length) pieces.push({ kind: 'text', text: message.slice(last) });
  return pieces;
}

function contactPlaceholder(raw: string, inner: string): Piece {
  if (inner === 'name' || inner === 'number')
    return { kind: 'variable', raw, variable: { kind: 'contact', key: inner, token: inner } };
  if (inner.startsWith(ATTRIBUTE_PREFIX)) {
    const key = inner.slice(ATTRIBUTE_PREFIX.length);
    if (ATTRIBUTE_KEY.test(key)) return { kind: 'variable', raw, variable: { kind: 'attribute', key, token: inner } };
    return { kind: 'invalid', raw, issue: `has "{{${inner}}}", whose attribute key is not 1-64 letters, digits or _` };
  }
  // `{{orders.total}}` is the likeliest slip: say what the author probably meant.
  const hint = asGroupField(inner) ? ` (a variable group's field takes single braces: {${inner}})` : '';
  return { kind: 'invalid', raw, issue: `has an unknown contact field "{{${inner}}}": ${CONTACT_HINT}${hint}` };
}

function groupPlaceholder(raw: string, inner: string): Piece {
  const parts = asGroupField(inner);
  if (parts) return { kind: 'variable', raw, variable: { kind: 'group', group: parts[0], field: parts[1], token: inner } };
  const hint = inner === 'name' || inner === 'number' ? ` (the contact's own ${inner} takes double braces: {{${inner}}})` : '';
  return {
    kind: 'invalid',
    raw,
    issue: `has "{${inner}}", which is not a variable: write {group.field} for a variable group's field${hint}`,
  };
}

function asGroupField(inner: string): [string, string] | undefined {
  const dot = inner.indexOf('.');
  if (dot < 0) return undefined;
  const group = inner.slice(0, dot);
  const field = inner.slice(dot + 1);
  return GROUP_ID.test(group) && FIELD.test(field) ? [group, field] : undefined;
}

/** Length as a person counts it: an emoji is one character, not two UTF-16 units. */
function characters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Drops repeated issues (the same bad token written twice) and caps the rest, so a broken message stays readable. */
function capped(issues: CampaignIssue[]): CampaignIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.field}\u0000${i.issue}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length <= MAX_REPORTED) return unique;
  const rest = unique.length - MAX_REPORTED;
  return [
    ...unique.slice(0, MAX_REPORTED),
    { field: unique[MAX_REPORTED]!.field, issue: `has ${rest} more problems like these` },
  ];
}

/**
 * Reads a campaign message: its distinct variables in order of first appearance (a token used twice is one
 * variable, one position), and the template body with each placeholder replaced by its position (`{{1}}`…,
 * Meta's positional format). Anything brace-like that is not a placeholder is an issue rather than text:
 * a literal `{{` or `}}` in a template body would be read by Meta as a (broken) variable.
 */
export function parsePlaceholders(message: string): { variables: CampaignVariable[]; body: string; issues: CampaignIssue[] } {
  const issues: CampaignIssue[] = [];
  if (typeof message !== 'string') return { variables: [], body: '', issues: [{ field: 'message', issue: 'must be a string' }] };
  if (message.trim() === '') return { variables: [], body: '', issues: [{ field: 'message', issue: 'must not be empty' }] };

  const variables: CampaignVariable[] = [];
  const positions = new Map<string, number>();
  let body = '';
  for (const piece of scan(message)) {
    switch (piece.kind) {
      case 'text':
        body += piece.text;
        break;
      case 'variable': {
        const { token } = piece.variable;
        let position = positions.get(token);
        if (position === undefined) {
          variables.push(piece.variable);
          position = variables.length;
          positions.set(token, position);
        }
        body += `{{${position}}}`;
        break;
      }
      case 'invalid':
        issues.push({ field: 'message', issue: piece.issue });
        body += piece.raw;
        break;
      case 'stray':
        issues.push({ field: 'message', issue: `has a stray "${piece.raw}" at character ${piece.start + 1}: ${BRACES_HINT}` });
        body += piece.raw;
        break;
    }
  }

  const length = characters(message);
  if (length > MAX_MESSAGE_LENGTH) {
    issues.push({
      field: 'message',
      issue: `is ${length} characters long; a WhatsApp template body holds at most ${MAX_MESSAGE_LENGTH}`,
    });
  } else if (characters(body) > MAX_MESSAGE_LENGTH) {
    // `{a.b}` is 5 characters and `{{10}}` is 6: the submitted body can outgrow the message it came from.
    issues.push({
      field: 'message',
      issue: `is ${characters(body)} characters long once its variables are numbered; a WhatsApp template body holds at most ${MAX_MESSAGE_LENGTH}`,
    });
  }
  if (variables.length > MAX_VARIABLES) {
    issues.push({ field: 'message', issue: `has ${variables.length} distinct variables; at most ${MAX_VARIABLES} are allowed` });
  }
  return { variables, body, issues: capped(issues) };
}

/**
 * Checks every `{group.field}` against the workspace's variable groups (id → field names). Done apart from
 * parsing because it needs the database, and so a message can be parsed (for a preview) without it.
 */
export function checkGroupFields(
  variables: readonly CampaignVariable[],
  groups: ReadonlyMap<string, readonly string[]>,
): CampaignIssue[] {
  const issues: CampaignIssue[] = [];
  for (const v of variables) {
    if (v.kind !== 'group') continue;
    const fields = groups.get(v.group);
    if (fields === undefined) {
      // `{attributes.city}` parses as a group; the author almost certainly meant the contact's attribute.
      const hint = v.group === 'attributes' ? ` (a contact's attribute takes double braces: {{${v.token}}})` : '';
      issues.push({ field: 'message', issue: `names an unknown variable group "${v.group}" in {${v.token}}${hint}` });
    } else if (!fields.includes(v.field)) {
      const known = fields.length > 0 ? `fields: ${fields.join(', ')}` : 'it has no fields';
      issues.push({
        field: 'message',
        issue: `uses {${v.token}}, but variable group "${v.group}" has no field "${v.field}" (${known})`,
      });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------------------
// Buttons
// ---------------------------------------------------------------------------------------------------------

export const CAMPAIGN_BUTTON_TYPES = ['input', 'journey', 'phone', 'url'] as const;
export type CampaignButtonType = (typeof CAMPAIGN_BUTTON_TYPES)[number];

/**
 * A button under the campaign's message. `input` and `journey` become quick replies (the reply is stored
 * under the field `input`, or starts journey `journeyId`); `phone` and `url` are call-to-action buttons.
 * Exactly the key of its type is set, and an input button may have `reply`.
 */
export interface CampaignButton {
  readonly text: string;
  readonly type: CampaignButtonType;
  readonly input?: string;
  /**
   * An input button's press recorded as this text instead of the button's label (the recipient's action and the
   * input group's value): Chat Inc's input button, whose `input` is the text a press produces.
   */
  readonly reply?: string;
  readonly journeyId?: string;
  readonly phoneNumber?: string;
  readonly url?: string;
}

/** The key each type requires; a key of another type on a button is an error, not ignored. */
const TYPE_KEY = { input: 'input', journey: 'journeyId', phone: 'phoneNumber', url: 'url' } as const satisfies Record<
  CampaignButtonType,
  keyof CampaignButton
>;
const BUTTON_KEYS = new Set<string>(['text', 'type', 'reply', ...Object.values(TYPE_KEY)]);
const MAX_PHONE_INPUT = 40;
/** A recipient's action is kept to this many characters. */
export const MAX_BUTTON_REPLY = 1000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isButtonType(v: unknown): v is CampaignButtonType {
  return typeof v === 'string' && (CAMPAIGN_BUTTON_TYPES as readonly string[]).includes(v);
}

/** E.164 for a number written in international format, or undefined. The `+` is required: there is no country to assume. */
function e164(value: string): string | undefined {
  if (value.length > MAX_PHONE_INPUT) return undefined;
  const parsed = parsePhoneNumberFromString(value.trim(), { extract: false });
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * A URL button's per-recipient variable: a URL that ends in one placeholder (`https://pay.example.com/p/{payments.link}`)
 * is registered as `<prefix>{{1}}` (Meta appends the recipient's value to the prefix); undefined for a fixed URL.
 * Throws nothing: `urlProblem` says what is wrong with a URL that has braces anywhere else.
 */
export function urlVariable(url: string): { prefix: string; variable: CampaignVariable; placeholder: string } | undefined {
  const pieces = scan(url);
  const last = pieces[pieces.length - 1];
  if (last?.kind !== 'variable') return undefined;
  const before = pieces.slice(0, -1);
  if (!before.every((p) => p.kind === 'text')) return undefined;
  return { prefix: before.map((p) => (p.kind === 'text' ? p.text : '')).join(''), variable: last.variable, placeholder: last.raw };
}

/** Why `value` is not a usable link for a URL button, or undefined when it is. */
function urlProblem(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (/\s/.test(value)) return 'must not contain spaces';
  let fixed = value;
  if (/[{}]/.test(value)) {
    // Meta takes one variable in a button URL, at its end: the recipient's value is appended to the rest.
    const variable = urlVariable(value);
    if (!variable) {
      const invalid = scan(value).find((p) => p.kind === 'invalid');
      if (invalid?.kind === 'invalid') return invalid.issue;
      return 'may hold one variable, at its end only (e.g. https://pay.example.com/p/{payments.link})';
    }
    if (variable.prefix === '') return 'must start with the fixed part of the link; only its end may be a variable';
    fixed = `${variable.prefix}x`;
  }
  let parsed: URL;
  try {
    parsed = new URL(fixed);
  } catch {
    return 'must be an http(s) URL';
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') return 'must be an http(s) URL';
  return undefined;
}

function parseButton(raw: unknown, at: string, issues: CampaignIssue[]): CampaignButton | undefined {
  if (!isRecord(raw)) {
    issues.push({ field: at, issue: 'must be an object' });
    return undefined;
  }
  const before = issues.length;
  const type = raw['type'];
  if (!isButtonType(type)) issues.push({ field: `${at}.type`, issue: `must be one of ${CAMPAIGN_BUTTON_TYPES.join(', ')}` });

  const text = raw['text'];
  const label = typeof text === 'string' ? text.trim() : '';
  if (label === '' || characters(label) > MAX_BUTTON_TEXT) {
    issues.push({ field: `${at}.text`, issue: `must be 1-${MAX_BUTTON_TEXT} characters` });
  }

  for (const key of Object.keys(raw)) {
    if (!BUTTON_KEYS.has(key)) issues.push({ field: `${at}.${key}`, issue: 'is not a field of a button' });
    else if (isButtonType(type) && key !== 'text' && key !== 'type' && key !== TYPE_KEY[type] && !(key === 'reply' && type === 'input')) {
      issues.push({ field: `${at}.${key}`, issue: `is not used by a${type === 'input' ? 'n' : ''} ${type} button` });
    }
  }
  if (!isButtonType(type)) return undefined;

  const key = TYPE_KEY[type];
  const value = raw[key];
  const field = `${at}.${key}`;
  let button: CampaignButton | undefined;
  switch (type) {
    case 'input': {
      const name = typeof value === 'string' ? value.trim() : '';
      const reply = raw['reply'];
      const replyText = typeof reply === 'string' ? reply.trim() : '';
      if (reply !== undefined && (replyText === '' || characters(replyText) > MAX_BUTTON_REPLY)) {
        issues.push({ field: `${at}.reply`, issue: `must be 1-${MAX_BUTTON_REPLY} characters: the text a press records` });
      }
      if (name === '' || name.length > MAX_INPUT_NAME) {
        issues.push({ field, issue: `must be 1-${MAX_INPUT_NAME} characters: the field the reply is stored under` });
      } else button = { text: label, type, input: name, ...(reply !== undefined ? { reply: replyText } : {}) };
      break;
    }
    case 'journey': {
      const id = typeof value === 'string' ? value.trim() : '';
      if (id === '' || id.length > MAX_JOURNEY_ID)
        issues.push({ field, issue: `must be a journey id of 1-${MAX_JOURNEY_ID} characters` });
      else button = { text: label, type, journeyId: id };
      break;
    }
    case 'phone': {
      const number = typeof value === 'string' ? e164(value) : undefined;
      if (number === undefined)
        issues.push({ field, issue: 'must be a valid phone number in international format, e.g. +14155550123' });
      else button = { text: label, type, phoneNumber: number };
      break;
    }
    case 'url': {
      const problem = typeof value === 'string' ? urlProblem(value.trim()) : 'must be an http(s) URL';
      if (problem !== undefined) issues.push({ field, issue: problem });
      else button = { text: label, type, url: (value as string).trim() };
      break;
    }
  }
  return issues.length === before ? button : undefined;
}

/**
 * Reads a campaign's `buttons` (absent means none). Each button is checked on its own, then the set against
 * WhatsApp's rules: at most 10 buttons, 2 URL and 1 phone button, no repeated label; and Chat Inc's rule that
 * call-to-action buttons (phone, url) are not mixed with quick replies (input, journey). Every problem is
 * reported; `buttons` holds those that passed their own checks.
 */
export function parseButtons(input: unknown): { buttons: CampaignButton[]; issues: CampaignIssue[] } {
  if (input === undefined) return { buttons: [], issues: [] };
  if (!Array.isArray(input)) return { buttons: [], issues: [{ field: 'buttons', issue: 'must be an array' }] };

  const issues: CampaignIssue[] = [];
  const buttons: CampaignButton[] = [];
  const labels = new Map<string, number>();
  const count = { input: 0, journey: 0, phone: 0, url: 0 };
  input.forEach((raw: unknown, i) => {
    const button = parseButton(raw, `buttons[${i}]`, issues);
    // Cross-button rules count what the author asked for, even where a button has its own problem.
    if (isRecord(raw)) {
      if (isButtonType(raw['type'])) count[raw['type']]++;
      if (typeof raw['text'] === 'string' && raw['text'].trim() !== '') {
        const label = raw['text'].trim();
        labels.set(label, (labels.get(label) ?? 0) + 1);
      }
    }
    if (button) buttons.push(button);
  });

  if (input.length > MAX_BUTTONS) issues.push({ field: 'buttons', issue: `must hold at most ${MAX_BUTTONS} buttons` });
  if (count.url > MAX_URL_BUTTONS) issues.push({ field: 'buttons', issue: `may hold at most ${MAX_URL_BUTTONS} url buttons` });
  if (count.phone > MAX_PHONE_BUTTONS)
    issues.push({ field: 'buttons', issue: `may hold at most ${MAX_PHONE_BUTTONS} phone button` });
  if (count.phone + count.url > 0 && count.input + count.journey > 0) {
    issues.push({
      field: 'buttons',
      issue: 'may combine phone and url buttons with each other, but not with input or journey buttons',
    });
  }
  for (const [label, n] of labels) {
    if (n > 1) issues.push({ field: 'buttons', issue: `has the label "${label}" on ${n} buttons; each label must be different` });
  }
  return { buttons, issues };
}

// ---------------------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------------------

/**
 * The template's name on the channel: a readable slug of the title plus the campaign id's first 8 hex
 * digits, because names are unique per WhatsApp Business Account and two campaigns may share a title.
 * Campaign ids are random (v4) uuids, so those 8 digits are 32 random bits.
 */
export function templateName(title: string, campaignId: string): string {
  const slug =
    typeof title === 'string'
      ? title
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '') // é → e: keep what the title says rather than drop the letter
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '_')
          .replace(/^_+|_+$/g, '')
          .slice(0, MAX_TITLE_SLUG)
          .replace(/_+$/, '')
      : '';
  const suffix = String(campaignId)
    .replace(/[^0-9a-fA-F]/g, '')
    .toLowerCase()
    .slice(0, 8);
  const base = slug === '' ? 'campaign' : slug;
  return (suffix === '' ? base : `${base}_${suffix}`).slice(0, MAX_TEMPLATE_NAME);
}

/** An example value Meta's reviewers read in place of a variable: readable, and never a real contact's data. */
function sampleValue(v: CampaignVariable): string {
  if (v.kind === 'contact') return v.key === 'name' ? 'Alex' : '+14155550123';
  return v.token.replace(/\./g, ' ');
}

/** An example link code for a tracked button's registration (the shape of every code: 12 base64url characters). */
const SAMPLE_LINK_CODE = 'Xk3vQ9pL2mTa';

function buttonDefinition(b: CampaignButton, linkBase?: string): TemplateButtonDefinition {
  // A tracked URL button: every recipient's own link on Herald, which redirects to the button's URL.
  if (b.type === 'url' && linkBase !== undefined) return { type: 'url', text: b.text, url: `${linkBase}/l/{{1}}`, example: `${linkBase}/l/${SAMPLE_LINK_CODE}` };
  switch (b.type) {
    case 'input':
    case 'journey':
      return { type: 'quick_reply', text: b.text };
    case 'phone':
      return { type: 'phone_number', text: b.text, phoneNumber: b.phoneNumber ?? '' };
    case 'url': {
      const variable = urlVariable(b.url ?? '');
      if (!variable) return { type: 'url', text: b.text, url: b.url ?? '' };
      return { type: 'url', text: b.text, url: `${variable.prefix}{{1}}`, example: `${variable.prefix}${urlSample(variable.variable)}` };
    }
  }
}

/** A URL-safe example for a URL button's variable. */
function urlSample(v: CampaignVariable): string {
  return encodeURIComponent(sampleValue(v).replace(/\s+/g, '-'));
}

/**
 * The template a campaign registers on its channel: the positional body, its examples, image header and buttons.
 * An image header's example is the handle its image got from the provider's upload API (`imageHandle`), never the
 * image's URL: the Cloud API refuses a URL there.
 */
export function toTemplateDefinition(c: {
  name: string;
  languageCode: string;
  category: TemplateCategory;
  body: string;
  variables: readonly CampaignVariable[];
  imageHandle?: string | null;
  buttons: readonly CampaignButton[];
  /** Tracked URL buttons: registered as `<linkBase>/l/{{1}}`. */
  linkBase?: string;
}): TemplateDefinition {
  return {
    name: c.name,
    language: c.languageCode,
    category: c.category,
    parameterFormat: 'positional',
    ...(c.imageHandle ? { header: { format: 'image' as const, exampleHandle: c.imageHandle } } : {}),
    body: c.variables.length > 0 ? { text: c.body, examples: c.variables.map(sampleValue) } : { text: c.body },
    ...(c.buttons.length > 0 ? { buttons: c.buttons.map((b) => buttonDefinition(b, c.linkBase)) } : {}),
  };
}

/** What a quick reply sends back, so an inbound reply can be routed: `input:<field>` or `journey:<id>`. */
function buttonPayload(b: CampaignButton): string | undefined {
  if (b.type === 'input') return `input:${b.input ?? ''}`;
  if (b.type === 'journey') return `journey:${b.journeyId ?? ''}`;
  return undefined;
}

/** How a campaign's per-recipient parameters are laid out: the body's first, then one per button with a variable. */
export interface MessageLayout {
  /** How many of the recipient's parameters are the body's (the rest are the buttons'). Default: all of them. */
  readonly bodyCount?: number;
  /** A named template's body variables, in the order of the parameters. */
  readonly bodyNames?: readonly string[];
  /** The media header of a template the business already had. */
  readonly header?: MediaHeader | null;
  /** The indexes of the buttons that take a parameter, in the order of their parameters. */
  readonly buttonIndexes?: readonly number[];
}

/** A media header given as a link (an existing template's image, video or document header). */
export interface MediaHeader {
  readonly type: 'image' | 'video' | 'document';
  readonly link: string;
}

/**
 * One recipient's message: the header, the body's values in position order, each URL button's variable, and the
 * payload of each quick reply. A button's `index` is its place among all the template's buttons, as Meta numbers
 * them. `params` are the recipient's parameters, fixed at fan-out: the body's, then the buttons' (`layout`).
 */
export function toTemplateMessage(
  c: { name: string; languageCode: string; imgUrl?: string | null; buttons: readonly CampaignButton[] },
  params: readonly string[],
  layout: MessageLayout = {},
): TemplateMessage {
  const components: TemplateComponent[] = [];
  const header = layout.header ?? (c.imgUrl ? { type: 'image' as const, link: c.imgUrl } : null);
  if (header) {
    components.push({
      type: 'header',
      parameters: [
        header.type === 'image'
          ? { type: 'image', image: { link: header.link } }
          : header.type === 'video'
            ? { type: 'video', video: { link: header.link } }
            : { type: 'document', document: { link: header.link } },
      ],
    });
  }
  const bodyCount = layout.bodyCount ?? params.length;
  const body = params.slice(0, bodyCount);
  if (body.length > 0) {
    const names = layout.bodyNames;
    components.push({
      type: 'body',
      parameters: body.map((text, i) => (names?.[i] ? { type: 'text', text, parameterName: names[i] } : { type: 'text', text })),
    });
  }
  c.buttons.forEach((b, index) => {
    const payload = buttonPayload(b);
    if (payload !== undefined) {
      components.push({ type: 'button', subType: 'quick_reply', index, parameters: [{ type: 'payload', payload }] });
    }
  });
  (layout.buttonIndexes ?? []).forEach((index, j) => {
    const text = params[bodyCount + j];
    if (text !== undefined) components.push({ type: 'button', subType: 'url', index, parameters: [{ type: 'text', text }] });
  });
  return {
    type: 'template',
    template: { name: c.name, language: c.languageCode, ...(components.length > 0 ? { components } : {}) },
  };
}

/** A piece of a parameter as written: text kept as it is, or a placeholder filled per recipient. */
export type ParamPiece = { readonly text: string } | { readonly variable: CampaignVariable };

/**
 * Reads one parameter as written (`"{{name}}"`, `"Order {orders.id}"`, `"Spring sale"`): its pieces, and what is
 * wrong with it, named by `field`. The same placeholders as a campaign's message.
 */
export function parseParam(value: unknown, field: string): { pieces: ParamPiece[]; issues: CampaignIssue[] } {
  if (typeof value !== 'string') return { pieces: [], issues: [{ field, issue: 'must be a string' }] };
  if (value.trim() === '') return { pieces: [], issues: [{ field, issue: 'must not be empty' }] };
  if (characters(value) > MAX_MESSAGE_LENGTH)
    return { pieces: [], issues: [{ field, issue: `must be at most ${MAX_MESSAGE_LENGTH} characters` }] };
  const pieces: ParamPiece[] = [];
  const issues: CampaignIssue[] = [];
  for (const piece of scan(value)) {
    switch (piece.kind) {
      case 'text':
        pieces.push({ text: piece.text });
        break;
      case 'variable':
        pieces.push({ variable: piece.variable });
        break;
      case 'invalid':
        issues.push({ field, issue: piece.issue });
        break;
      case 'stray':
        issues.push({ field, issue: `has a stray "${piece.raw}" at character ${piece.start + 1}: ${BRACES_HINT}` });
        break;
    }
  }
  return { pieces, issues: capped(issues) };
}

/** Reads a quick reply's payload back (see `toTemplateMessage`); null for anything Herald did not send. */
export function parseButtonPayload(
  payload: string,
): { type: 'input'; input: string } | { type: 'journey'; journeyId: string } | null {
  if (typeof payload !== 'string') return null;
  if (payload.startsWith('input:') && payload.length > 'input:'.length)
    return { type: 'input', input: payload.slice('input:'.length) };
  if (payload.startsWith('journey:') && payload.length > 'journey:'.length) {
    return { type: 'journey', journeyId: payload.slice('journey:'.length) };
  }
  return null;
}

/**
 * Fills a message's placeholders, for previews and tests. A variable without a value is listed in
 * `missing` (once) and left as written, so the gap shows; text that is not a placeholder is left alone.
 */
export function renderMessage(
  message: string,
  valueOf: (v: CampaignVariable) => string | undefined,
): { text: string; missing: CampaignVariable[] } {
  const values = new Map<string, string | undefined>();
  const missing: CampaignVariable[] = [];
  let text = '';
  for (const piece of scan(message)) {
    if (piece.kind === 'text') {
      text += piece.text;
      continue;
    }
    if (piece.kind !== 'variable') {
      text += piece.raw;
      continue;
    }
    const { token } = piece.variable;
    if (!values.has(token)) {
      const value = valueOf(piece.variable);
      values.set(token, value);
      if (value === undefined) missing.push(piece.variable);
    }
    text += values.get(token) ?? piece.raw;
  }
  return { text, missing };
}

/** Throws the issues as one `validation_failed` error, the first one in the message, all in the details. */
export function assertNoIssues(issues: readonly CampaignIssue[], subject = 'campaign'): void {
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw new HeraldError('invalid', 'validation_failed', `Invalid ${subject}: ${first.field || 'body'} ${first.issue}.`, issues);
}

/**
 * A campaign's message as it goes out on a channel without templates (Messenger, Instagram, Telegram): its body with
 * the recipient's values in place of {{1}}, {{2}}…, and its buttons as buttons of that platform — an input or journey
 * button becomes a postback whose press comes back with the same payload a template's quick reply carries
 * (`input:<field>`, `journey:<id>`), a URL button a link (its variable suffix filled in). Text alone when it has no
 * buttons. `tag`: Messenger's or Instagram's message tag for the sends.
 */
export function toPlatformMessage(
  c: { body: string; buttons: readonly CampaignButton[]; tag?: MessagingTag | null },
  params: readonly string[],
  layout: MessageLayout = {},
): OutboundMessage {
  const bodyCount = layout.bodyCount ?? params.length;
  const text = c.body.replace(/\{\{(\d+)\}\}/g, (raw, n: string) => params[Number(n) - 1] ?? raw);
  const urlParams = new Map((layout.buttonIndexes ?? []).map((index, j) => [index, params[bodyCount + j]]));
  const buttons: ActionButton[] = c.buttons.flatMap((b, index): ActionButton[] => {
    if (b.type === 'url') {
      const variable = urlVariable(b.url ?? '');
      const url = variable ? `${variable.prefix}${urlParams.get(index) ?? ''}` : (b.url ?? '');
      return [{ type: 'url', title: b.text, url }];
    }
    const payload = buttonPayload(b);
    return payload === undefined ? [] : [{ type: 'postback', title: b.text, payload }];
  });
  const tag = c.tag ? { tag: c.tag } : {};
  return buttons.length > 0 ? { type: 'buttons', buttons: { text, buttons }, ...tag } : { type: 'text', text: { body: text }, ...tag };
}
