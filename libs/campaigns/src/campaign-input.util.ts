import { millisecondsMistake, parseCallerTime } from '@herald/common';
import { MESSAGING_TAGS, type MessagingTag } from '@herald/channels';
import { CAMPAIGN_TEMPLATE_TYPES, type CampaignTemplateType } from './campaign.entity';
import {
  assertNoIssues,
  parseButtons,
  parsePlaceholders,
  type CampaignButton,
  type CampaignIssue,
  type CampaignVariable,
  type MediaHeader,
} from './campaign-message.util';
import { parseWrittenParams } from './recipient-params.util';
import type { UtmParams } from '@herald/links';
import { MAX_VALIDITY_SECONDS, parseSendWindow, parseUtm, type SendWindow } from '@herald/sending';

/** How far ahead a run may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 35 * 86_400_000;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const INPUT_FIELD = /^[A-Za-z0-9_]{1,64}$/;
const CREATE_KEYS = new Set([
  'trackLinks',
  'utm',
  'title',
  'message',
  'imgUrl',
  'buttons',
  'templateType',
  'languageCode',
  'channelId',
  'sendWindow',
  'options',
  'messagingTag',
  'requestId',
]);
/** A campaign using a template the business already has: these instead of message, imgUrl, templateType, languageCode. */
const TEMPLATE_CAMPAIGN_KEYS = new Set(['title', 'template', 'params', 'header', 'buttons', 'channelId', 'sendWindow', 'options', 'trackLinks', 'utm', 'requestId']);
const OPTION_KEYS = new Set(['runImmediately', 'audiences', 'timeToRun']);
const RUN_KEYS = new Set(['audiences', 'timeToRun', 'validity', 'ignoreQuietHours', 'tags', 'trackLinks', 'utm', 'requestId']);
/** The column's length (a single message takes 100: a list adds "/<number>" to it). */
const MAX_REQUEST_ID_LENGTH = 128;

/** A `requestId` (the caller's idempotency key) as runs, campaigns and blasts take it. */
function parseRequestId(body: Record<string, unknown>, issues: CampaignIssue[]): { requestId?: string } {
  const requestId = body['requestId'];
  if (requestId === undefined) return {};
  if (typeof requestId !== 'string' || requestId.trim() === '' || requestId.length > MAX_REQUEST_ID_LENGTH) {
    issues.push({ field: 'requestId', issue: `must be 1-${MAX_REQUEST_ID_LENGTH} characters` });
    return {};
  }
  return { requestId };
}
const BLAST_KEYS = new Set([
  'template',
  'message',
  'messagingTag',
  'templateType',
  'searchSpec',
  'audiences',
  'params',
  'header',
  'buttons',
  'tags',
  'scheduledFor',
  'validity',
  'ignoreQuietHours',
  'trackLinks',
  'utm',
  'channelId',
  'from',
  'title',
  'requestId',
]);
const TAG = /^[a-z0-9][a-z0-9_.:-]*$/;
/** The same limits as a single message's tags. */
export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 50;
const HEADER_TYPES = ['image', 'video', 'document'] as const;

export interface RunInput {
  readonly audiences: string[];
  /** null: now. */
  readonly timeToRun: Date | null;
  /** Seconds from the run's start its recipients may still be sent; null: the default for its category. */
  readonly validitySeconds?: number | null;
  /** Marketing sends of the run go out during the workspace's quiet hours too. */
  readonly ignoreQuietHours?: boolean;
  /** Carried to every send of the run. */
  readonly tags?: readonly string[];
  /** The contacts matching it when the run starts, instead of audiences (a blast). */
  readonly searchSpec?: Record<string, unknown> | null;
  /** Track the links in its parameters; absent: the workspace's setting when the run starts. */
  readonly trackLinks?: boolean;
  /** UTM parameters for the tracked links; absent: the workspace's. */
  readonly utm?: UtmParams;
  /** The caller's idempotency key: the same key for the same campaign answers the run it made. */
  readonly requestId?: string;
}

/** `trackLinks` and `utm` as runs and blasts take them (as single messages do). */
function parseLinkTracking(body: Record<string, unknown>, issues: CampaignIssue[]): { trackLinks?: boolean; utm?: UtmParams } {
  const out: { trackLinks?: boolean; utm?: UtmParams } = {};
  if (body['trackLinks'] !== undefined) {
    if (typeof body['trackLinks'] === 'boolean') out.trackLinks = body['trackLinks'];
    else issues.push({ field: 'trackLinks', issue: 'must be true or false' });
  }
  if (body['utm'] !== undefined) {
    const utm = parseUtm(body['utm'], 'utm', issues);
    if (utm) out.utm = utm;
  }
  return out;
}

/** A template the business already has, and what each send of it gives: parameters as written, with placeholders. */
export interface TemplateUse {
  readonly name: string;
  readonly language: string;
  /** The body's parameters, in order. */
  readonly params: string[];
  readonly header: MediaHeader | null;
  /** Buttons taking a parameter (a URL ending in a variable): the button's index and its parameter. */
  readonly buttons: Array<{ index: number; param: string }>;
  /** Every distinct placeholder the parameters use. */
  readonly variables: CampaignVariable[];
}

/** `POST /v1/campaigns` with `template`: a campaign of a template the business already has. */
export interface TemplateCampaignInput {
  readonly title: string;
  readonly use: TemplateUse;
  readonly channelId?: string;
  readonly from?: string;
  readonly sendWindow: SendWindow | null;
  /** Defaults of its runs' link tracking (a run may say otherwise). */
  readonly trackLinks?: boolean;
  readonly utm?: UtmParams;
  readonly run: RunInput | null;
  /** The caller's idempotency key: the same key in the workspace answers the campaign it made. */
  readonly requestId?: string;
}

export interface CreateCampaignInput {
  readonly title: string;
  readonly message: string;
  readonly body: string;
  readonly variables: CampaignVariable[];
  readonly imgUrl: string | null;
  readonly buttons: CampaignButton[];
  readonly templateType: CampaignTemplateType;
  readonly languageCode: string;
  readonly channelId?: string;
  readonly sendWindow: SendWindow | null;
  /** Defaults of its runs' link tracking (a run may say otherwise). */
  readonly trackLinks?: boolean;
  readonly utm?: UtmParams;
  readonly run: RunInput | null;
  /** Messenger and Instagram: the message tag the campaign's sends carry (checked against the channel's kind). */
  readonly messagingTag?: MessagingTag;
  /** The caller's idempotency key: the same key in the workspace answers the campaign it made. */
  readonly requestId?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(subject: string, issues: readonly CampaignIssue[]): never {
  assertNoIssues(issues, subject);
  throw new Error(`invalid ${subject}`);
}

/**
 * `timeToRun`: unix seconds or ISO-8601 with a zone. Returns null for "now" (absent, or a time already past);
 * more than 35 days ahead is an issue.
 */
export function parseTimeToRun(value: unknown, field: string, now: Date, issues: CampaignIssue[]): Date | null {
  if (value === undefined || value === null) return null;
  const millis = millisecondsMistake(value);
  if (millis) {
    issues.push({ field, issue: millis });
    return null;
  }
  const at = parseCallerTime(value);
  if (at === undefined) {
    issues.push({ field, issue: 'must be unix seconds or an ISO-8601 time with a zone (e.g. 2026-11-21T09:00:00Z)' });
    return null;
  }
  if (at.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) {
    issues.push({ field, issue: 'must be at most 35 days ahead' });
    return null;
  }
  return at.getTime() <= now.getTime() ? null : at;
}

function parseAudiences(value: unknown, field: string, issues: CampaignIssue[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    issues.push({ field, issue: 'must be a list of 1 to 100 audience ids, or ["all"]' });
    return [];
  }
  const ids: string[] = [];
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v))
      issues.push({ field: `${field}[${i}]`, issue: 'must be an audience id' });
    else if (!ids.includes(v)) ids.push(v);
  });
  if (ids.includes('all') && ids.length > 1) issues.push({ field, issue: '"all" already means every contact: give it alone' });
  return ids;
}

function unknownKeys(body: Record<string, unknown>, known: Set<string>, prefix: string, issues: CampaignIssue[]): void {
  for (const key of Object.keys(body))
    if (!known.has(key)) issues.push({ field: `${prefix}${key}`, issue: 'is not a known field' });
}

/** Reads a `POST /v1/campaigns/:id/runs` body. */
export function parseRunInput(body: unknown, now: Date): RunInput {
  if (!isRecord(body)) fail('run', [{ field: '', issue: 'must be a JSON object' }]);
  const issues: CampaignIssue[] = [];
  unknownKeys(body, RUN_KEYS, '', issues);
  const audiences = parseAudiences(body['audiences'], 'audiences', issues);
  const timeToRun = parseTimeToRun(body['timeToRun'], 'timeToRun', now, issues);
  const validitySeconds = parseValidity(body['validity'], issues);
  const ignore = body['ignoreQuietHours'];
  if (ignore !== undefined && typeof ignore !== 'boolean') issues.push({ field: 'ignoreQuietHours', issue: 'must be true or false' });
  const tags = parseTags(body['tags'], 'tags', issues);
  const links = parseLinkTracking(body, issues);
  const requestId = parseRequestId(body, issues);
  if (issues.length > 0) fail('run', issues);
  return { audiences, timeToRun, validitySeconds, ignoreQuietHours: ignore === true, tags, ...links, ...requestId };
}

function parseValidity(validity: unknown, issues: CampaignIssue[]): number | null {
  if (validity === undefined || validity === null) return null;
  if (typeof validity !== 'number' || !Number.isInteger(validity) || validity < 60 || validity > MAX_VALIDITY_SECONDS) {
    issues.push({ field: 'validity', issue: `must be a whole number of seconds from 60 to ${MAX_VALIDITY_SECONDS}` });
    return null;
  }
  return validity;
}

/** Tags as single messages take them: at most 10, each 1-50 letters, digits, _ . : or -, lower-cased, each once. */
export function parseTags(value: unknown, field: string, issues: CampaignIssue[]): string[] {
  const tags: string[] = [];
  if (value === undefined || value === null) return tags;
  if (!Array.isArray(value)) {
    issues.push({ field, issue: `must be an array of at most ${MAX_TAGS} strings` });
    return tags;
  }
  if (value.length > MAX_TAGS) {
    issues.push({ field, issue: `must hold at most ${MAX_TAGS} tags` });
    return tags;
  }
  value.forEach((tag: unknown, i) => {
    const lower = typeof tag === 'string' ? tag.trim().toLowerCase() : '';
    if (lower.length === 0 || lower.length > MAX_TAG_LENGTH || !TAG.test(lower))
      issues.push({ field: `${field}[${i}]`, issue: `must be 1-${MAX_TAG_LENGTH} letters, digits, _ . : or -` });
    else if (!tags.includes(lower)) tags.push(lower);
  });
  return tags;
}

function parseHeader(value: unknown, field: string, issues: CampaignIssue[]): MediaHeader | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    issues.push({ field, issue: 'must be an object {type, link}' });
    return null;
  }
  for (const key of Object.keys(value)) if (key !== 'type' && key !== 'link') issues.push({ field: `${field}.${key}`, issue: 'is not a known field' });
  const type = value['type'];
  const link = value['link'];
  const before = issues.length;
  if (typeof type !== 'string' || !(HEADER_TYPES as readonly string[]).includes(type))
    issues.push({ field: `${field}.type`, issue: `must be one of ${HEADER_TYPES.join(', ')}` });
  if (typeof link !== 'string' || link.length > 2000 || !/^https?:\/\/[^\s]+$/.test(link) || !URL.canParse(link))
    issues.push({ field: `${field}.link`, issue: 'must be an http(s) URL' });
  return issues.length === before ? { type: type as MediaHeader['type'], link: link as string } : null;
}

/** `template: {name, language}`, params, header and buttons. */
function parseTemplateUse(body: Record<string, unknown>, issues: CampaignIssue[]): TemplateUse {
  let name: unknown;
  let language: unknown;
  const template = body['template'];
  if (!isRecord(template)) {
    issues.push({ field: 'template', issue: 'must be an object {name, language}: a template of the channel\'s account' });
  } else {
    for (const key of Object.keys(template))
      if (key !== 'name' && key !== 'language') issues.push({ field: `template.${key}`, issue: 'is not a known field' });
    name = template['name'];
    language = template['language'];
    if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name))
      issues.push({ field: 'template.name', issue: 'must be a template name (lower-case letters, digits and _)' });
    if (typeof language !== 'string' || !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(language))
      issues.push({ field: 'template.language', issue: 'must be a language code like en or en_US' });
  }
  const written = parseWrittenParams(body['params'], body['buttons']);
  issues.push(...written.issues);
  const header = parseHeader(body['header'], 'header', issues);
  return {
    name: typeof name === 'string' ? name : '',
    language: typeof language === 'string' ? language : '',
    params: written.body,
    header,
    buttons: written.buttons,
    variables: written.variables,
  };
}

/** Reads a `POST /v1/campaigns` body that names a template the business already has (`template`). */
export function parseTemplateCampaign(body: Record<string, unknown>, now: Date): TemplateCampaignInput {
  const issues: CampaignIssue[] = [];
  for (const key of Object.keys(body)) {
    if (!TEMPLATE_CAMPAIGN_KEYS.has(key)) {
      issues.push({
        field: key,
        issue: CREATE_KEYS.has(key) ? 'is not used with template (the template already has its text, type and language)' : 'is not a known field',
      });
    }
  }
  const use = parseTemplateUse(body, issues);
  const title = body['title'] === undefined ? use.name : typeof body['title'] === 'string' ? body['title'].trim() : '';
  if (title.length === 0 || title.length > 200) issues.push({ field: 'title', issue: 'must be 1 to 200 characters' });
  const channelId = body['channelId'];
  if (channelId !== undefined && typeof channelId !== 'string') issues.push({ field: 'channelId', issue: 'must be a channel id' });
  const window = parseSendWindow(body['sendWindow']);
  issues.push(...window.issues);
  const run = parseOptions(body['options'], now, issues);
  const links = parseLinkTracking(body, issues);
  const requestId = parseRequestId(body, issues);
  if (issues.length > 0) fail('campaign', issues);
  return { title, use, ...(typeof channelId === 'string' ? { channelId } : {}), sendWindow: window.window, ...links, run, ...requestId };
}

/** A blast: one run of a template the business already has, to a search's contacts or to audiences. */
export interface BlastInput {
  readonly title: string;
  /** A WhatsApp template the business has… */
  readonly use?: TemplateUse;
  /** …or, on Messenger, Instagram and Telegram, a message of the blast's own (read as a campaign's is). */
  readonly content?: CreateCampaignInput;
  readonly channelId?: string;
  readonly from?: string;
  readonly run: RunInput;
  /** The caller's idempotency key: the same key in the workspace answers the blast it made. */
  readonly requestId?: string;
}

/** Reads a `POST /v1/blasts` body (a vendor's names are its surface's to translate: compat/chitchatlabs). */
export function parseBlast(body: unknown, now: Date): BlastInput {
  if (!isRecord(body)) fail('blast', [{ field: '', issue: 'must be a JSON object' }]);
  const issues: CampaignIssue[] = [];
  unknownKeys(body, BLAST_KEYS, '', issues);
  const messageBlast = body['message'] !== undefined && body['template'] === undefined;
  const use = messageBlast ? undefined : parseTemplateUse(body, issues);
  if (messageBlast) {
    for (const key of ['params', 'header'] as const) if (body[key] !== undefined) issues.push({ field: key, issue: 'goes with template, not with message' });
  } else {
    for (const key of ['messagingTag', 'templateType'] as const) if (body[key] !== undefined) issues.push({ field: key, issue: 'goes with message, not with template' });
  }
  const spec = body['searchSpec'];
  const hasAudiences = body['audiences'] !== undefined;
  let audiences: string[] = [];
  let searchSpec: Record<string, unknown> | null = null;
  if (spec !== undefined && hasAudiences) issues.push({ field: 'searchSpec', issue: 'give either searchSpec or audiences, not both' });
  else if (spec !== undefined) {
    if (!isRecord(spec)) issues.push({ field: 'searchSpec', issue: 'must be a JSON object such as {"attributes.plan": "gold"}' });
    else searchSpec = spec;
  } else if (hasAudiences) audiences = parseAudiences(body['audiences'], 'audiences', issues);
  else issues.push({ field: 'searchSpec', issue: 'is required (or audiences): it chooses the contacts; {} means every contact' });
  const timeToRun = parseTimeToRun(body['scheduledFor'], 'scheduledFor', now, issues);
  const validitySeconds = parseValidity(body['validity'], issues);
  const ignore = body['ignoreQuietHours'];
  if (ignore !== undefined && typeof ignore !== 'boolean') issues.push({ field: 'ignoreQuietHours', issue: 'must be true or false' });
  const tags = parseTags(body['tags'], 'tags', issues);
  const channelId = body['channelId'];
  const from = body['from'];
  if (channelId !== undefined && typeof channelId !== 'string') issues.push({ field: 'channelId', issue: 'must be a channel id' });
  if (from !== undefined && (typeof from !== 'string' || from.replace(/\D/g, '').length < 5))
    issues.push({ field: 'from', issue: "must be a channel's display phone number" });
  if (channelId !== undefined && from !== undefined) issues.push({ field: 'from', issue: 'give either channelId or from, not both' });
  const title = body['title'] === undefined ? (use ? `Blast of ${use.name}` : 'Blast') : typeof body['title'] === 'string' ? body['title'].trim() : '';
  if (title.length === 0 || title.length > 200) issues.push({ field: 'title', issue: 'must be 1 to 200 characters' });
  const links = parseLinkTracking(body, issues);
  const requestId = parseRequestId(body, issues);
  if (issues.length > 0) fail('blast', issues);
  const content = messageBlast
    ? parseCreateCampaign(
        Object.fromEntries(
          Object.entries({ title, message: body['message'], buttons: body['buttons'], templateType: body['templateType'], messagingTag: body['messagingTag'] }).filter(([, v]) => v !== undefined),
        ),
        now,
      )
    : undefined;
  return {
    title: title.slice(0, 200),
    ...(use ? { use } : {}),
    ...(content ? { content } : {}),
    ...(typeof channelId === 'string' ? { channelId } : {}),
    ...(typeof from === 'string' ? { from } : {}),
    run: { audiences, searchSpec, timeToRun, validitySeconds, ignoreQuietHours: ignore === true, tags, ...links },
    ...requestId,
  };
}

function parseOptions(options: unknown, now: Date, issues: CampaignIssue[]): RunInput | null {
  if (options === undefined) return null;
  if (!isRecord(options)) {
    issues.push({ field: 'options', issue: 'must be an object' });
    return null;
  }
  unknownKeys(options, OPTION_KEYS, 'options.', issues);
  const runImmediately = options['runImmediately'] ?? false;
  if (typeof runImmediately !== 'boolean') issues.push({ field: 'options.runImmediately', issue: 'must be true or false' });
  if (runImmediately === true) {
    const audiences = parseAudiences(options['audiences'], 'options.audiences', issues);
    return { audiences, timeToRun: parseTimeToRun(options['timeToRun'], 'options.timeToRun', now, issues) };
  }
  if (options['audiences'] !== undefined || options['timeToRun'] !== undefined) {
    issues.push({
      field: 'options.runImmediately',
      issue: 'must be true to use audiences or timeToRun (or start a run with POST /v1/campaigns/:id/runs)',
    });
  }
  return null;
}

/** Reads a `POST /v1/campaigns` body: every problem at once, each naming its field. */
export function parseCreateCampaign(body: unknown, now: Date): CreateCampaignInput {
  if (!isRecord(body)) fail('campaign', [{ field: '', issue: 'must be a JSON object' }]);
  const issues: CampaignIssue[] = [];
  unknownKeys(body, CREATE_KEYS, '', issues);
  const title = typeof body['title'] === 'string' ? body['title'].trim() : '';
  if (title.length === 0 || title.length > 200) issues.push({ field: 'title', issue: 'must be 1 to 200 characters' });
  let placeholders: ReturnType<typeof parsePlaceholders> = { variables: [], body: '', issues: [] };
  if (typeof body['message'] !== 'string') issues.push({ field: 'message', issue: 'must be a string' });
  else {
    placeholders = parsePlaceholders(body['message']);
    issues.push(...placeholders.issues);
  }
  let imgUrl: string | null = null;
  if (body['imgUrl'] !== undefined && body['imgUrl'] !== null) {
    const u = body['imgUrl'];
    if (typeof u !== 'string' || u.length > 2000 || !/^https?:\/\/[^\s]+$/.test(u) || !URL.canParse(u))
      issues.push({ field: 'imgUrl', issue: 'must be an http(s) URL' });
    else imgUrl = u;
  }
  const buttons = parseButtons(body['buttons']);
  issues.push(...buttons.issues);
  buttons.buttons.forEach((b, i) => {
    if (b.type === 'input' && !INPUT_FIELD.test(b.input ?? ''))
      issues.push({
        field: `buttons[${i}].input`,
        issue: 'may hold only letters, digits and _ (1-64): it names the reply field',
      });
  });
  const templateType = body['templateType'] ?? 'MARKETING';
  if (typeof templateType !== 'string' || !(CAMPAIGN_TEMPLATE_TYPES as readonly string[]).includes(templateType)) {
    issues.push({ field: 'templateType', issue: `must be one of ${CAMPAIGN_TEMPLATE_TYPES.join(', ')}` });
  }
  const languageCode = body['languageCode'] ?? 'en_US';
  if (typeof languageCode !== 'string' || !LANGUAGE.test(languageCode))
    issues.push({ field: 'languageCode', issue: 'must be a language code like en_US or pt_BR' });
  const channelId = body['channelId'];
  if (channelId !== undefined && typeof channelId !== 'string')
    issues.push({ field: 'channelId', issue: 'must be a channel id' });
  const window = parseSendWindow(body['sendWindow']);
  issues.push(...window.issues);
  const run = parseOptions(body['options'], now, issues);
  const links = parseLinkTracking(body, issues);
  const tag = body['messagingTag'];
  if (tag !== undefined && (typeof tag !== 'string' || !(MESSAGING_TAGS as readonly string[]).includes(tag))) {
    issues.push({ field: 'messagingTag', issue: `must be one of ${MESSAGING_TAGS.join(', ')}` });
  }
  const requestId = parseRequestId(body, issues);
  if (issues.length > 0) fail('campaign', issues);
  return {
    title,
    ...links,
    ...requestId,
    ...(typeof tag === 'string' ? { messagingTag: tag as MessagingTag } : {}),
    message: body['message'] as string,
    body: placeholders.body,
    variables: placeholders.variables,
    imgUrl,
    buttons: buttons.buttons,
    templateType: templateType as CampaignTemplateType,
    languageCode: languageCode as string,
    ...(typeof channelId === 'string' ? { channelId } : {}),
    sendWindow: window.window,
    run,
  };
}
