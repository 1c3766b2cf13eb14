import { HeraldError, type ErrorDetail } from '@herald/common';
import { renameErrorFields } from '../rename-fields.util';
import { parsePlaceholders, type CampaignButton, type CampaignView, type RunView } from '@herald/campaigns';

/*
 * Chat Inc's API (campaigns, variable groups, audiences) read as Herald's own inputs, and Herald's answers written in
 * Chat Inc's shapes. Pure functions: the controller fetches what they need (the workspace's audiences and variable
 * groups, a campaign's last run) and calls Herald's services with what they return.
 */

/** The field of a Chat Inc campaign's input group that holds the text an input button's press produces. */
export const CHATINC_INPUT_FIELD = 'response';

/** An audience or a variable group as Chat Inc's ids and names refer to it. */
export interface Named {
  readonly id: string;
  readonly name: string;
}

type Issue = ErrorDetail;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(subject: string, issues: readonly Issue[]): never {
  const first = issues[0]!;
  throw new HeraldError('invalid', 'validation_failed', `Invalid ${subject}: ${first.field} ${first.issue}.`, [...issues]);
}

function unknownKeys(body: Record<string, unknown>, known: readonly string[], prefix: string, what: string, issues: Issue[]): void {
  for (const key of Object.keys(body)) if (!known.includes(key)) issues.push({ field: `${prefix}${key}`, issue: `is not a field of ${what}` });
}

/**
 * Chat Inc's language code (`enUS`, its default) as Meta's (`en_US`); `en_US` and `en` are taken as they are.
 * undefined when it is none of these.
 */
export function toLanguageCode(code: string): string | undefined {
  const match = /^([a-z]{2,3})(?:_?([A-Z]{2}))?$/.exec(code.trim());
  if (!match) return undefined;
  return match[2] ? `${match[1]}_${match[2]}` : match[1];
}

/**
 * Audiences named as Chat Inc's documents name them: by id (`all` for every contact), or by name (its example
 * targets `"Frequent Shoppers"`) when no audience has that id and exactly one has that name. Anything else is left
 * as written, so Herald's answer names it as an unknown audience.
 */
export function resolveAudiences(refs: readonly unknown[], audiences: readonly Named[]): unknown[] {
  const ids = new Set(audiences.map((a) => a.id));
  return refs.map((ref) => {
    if (typeof ref !== 'string' || ref === 'all' || ids.has(ref)) return ref;
    const named = audiences.filter((a) => a.name === ref);
    return named.length === 1 ? named[0]!.id : ref;
  });
}

/**
 * `{variable_group_name.variable_name}`, as Chat Inc's document writes a variable, in Herald's `{group_id.field}`:
 * a group named so (when no group has that id, and exactly one has that name) is written by its id. Double braces
 * (a contact's own fields in Herald) are left alone.
 */
export function withGroupIds(message: string, groups: readonly Named[]): string {
  const ids = new Set(groups.map((g) => g.id));
  return message.replace(/(?<!\{)\{([^{}.]+)\.([^{}]+)\}(?!\})/g, (raw, group: string, field: string) => {
    const name = group.trim();
    if (ids.has(name)) return raw;
    const named = groups.filter((g) => g.name === name);
    return named.length === 1 ? `{${named[0]!.id}.${field.trim()}}` : raw;
  });
}

const CAMPAIGN_KEYS = ['title', 'message', 'imgUrl', 'buttons', 'templateType', 'options'];
const OPTION_KEYS = ['whatsAppTemplateType', 'runImmediately', 'audiences', 'languageCode', 'timeToRun'];

/** Herald's `POST /v1/campaigns` body, and Herald's field names as the Chat Inc request wrote them (for errors). */
export interface NativeCampaign {
  readonly body: Record<string, unknown>;
  readonly fieldNames: Readonly<Record<string, string>>;
}

/** A Chat Inc button as Herald's: an input button's `input` (the text its press produces) becomes its `reply`. */
function toNativeButton(button: unknown, i: number, issues: Issue[]): unknown {
  if (!isRecord(button) || button['type'] !== 'input') return button;
  const { input, ...rest } = button;
  if (typeof input !== 'string' || input.trim() === '') {
    issues.push({ field: `buttons[${i}].input`, issue: 'must be the text a press of the button produces' });
    return button;
  }
  return { ...rest, input: CHATINC_INPUT_FIELD, reply: input };
}

/**
 * Chat Inc's `POST /v1/create/campaign` body as Herald's `POST /v1/campaigns`: `title`, `message` (its
 * `{group_name.variable}` by the group's id), `imgUrl`, `buttons` (an input button's `input` is the text a press
 * produces: Herald's `reply`, kept in the campaign's input group under `response`), the template type from
 * `options.whatsAppTemplateType` or the top-level `templateType` its curl example uses, `options.languageCode`
 * (`enUS` → `en_US`), and a run when `options.runImmediately` is true: `options.audiences` (ids, names, or `all`) at
 * `options.timeToRun` (unix seconds; now when absent). Every problem is reported at once, each naming its field.
 */
export function toNativeCampaign(body: unknown, directory: { audiences: readonly Named[]; groups: readonly Named[] }, channelId: string): NativeCampaign {
  if (!isRecord(body)) fail('campaign', [{ field: 'body', issue: 'must be a JSON object' }]);
  const issues: Issue[] = [];
  const fieldNames: Record<string, string> = {};
  unknownKeys(body, CAMPAIGN_KEYS, '', 'a Chat Inc campaign', issues);
  const options = body['options'] ?? {};
  if (!isRecord(options)) issues.push({ field: 'options', issue: 'must be an object' });
  const opts = isRecord(options) ? options : {};
  unknownKeys(opts, OPTION_KEYS, 'options.', 'a Chat Inc campaign', issues);

  const native: Record<string, unknown> = { channelId };
  for (const key of ['title', 'message', 'imgUrl'] as const) if (body[key] !== undefined) native[key] = body[key];
  if (typeof native['message'] === 'string') native['message'] = withGroupIds(native['message'], directory.groups);
  if (body['buttons'] !== undefined) {
    native['buttons'] = Array.isArray(body['buttons']) ? body['buttons'].map((b, i) => toNativeButton(b, i, issues)) : body['buttons'];
  }

  const typeTop = body['templateType'];
  const typeOption = opts['whatsAppTemplateType'];
  if (typeTop !== undefined && typeOption !== undefined && typeTop !== typeOption) {
    issues.push({ field: 'options.whatsAppTemplateType', issue: 'differs from templateType: give one' });
  }
  if (typeOption !== undefined) {
    native['templateType'] = typeOption;
    fieldNames['templateType'] = 'options.whatsAppTemplateType';
  } else if (typeTop !== undefined) native['templateType'] = typeTop;

  const language = opts['languageCode'];
  if (language !== undefined) {
    const code = typeof language === 'string' ? toLanguageCode(language) : undefined;
    if (code === undefined) issues.push({ field: 'options.languageCode', issue: 'must be a language code like enUS (or en_US)' });
    else native['languageCode'] = code;
  }
  fieldNames['languageCode'] = 'options.languageCode';

  const runImmediately = opts['runImmediately'];
  if (runImmediately !== undefined && typeof runImmediately !== 'boolean') {
    issues.push({ field: 'options.runImmediately', issue: 'must be true or false' });
  } else if (runImmediately === true) {
    const audiences = opts['audiences'];
    if (audiences === undefined) {
      issues.push({ field: 'options.audiences', issue: 'is required to run the campaign: audience ids, or ["all"] for every contact' });
    } else {
      native['options'] = {
        runImmediately: true,
        audiences: Array.isArray(audiences) ? resolveAudiences(audiences, directory.audiences) : audiences,
        ...(opts['timeToRun'] !== undefined ? { timeToRun: opts['timeToRun'] } : {}),
      };
    }
  } else if (opts['audiences'] !== undefined || opts['timeToRun'] !== undefined) {
    issues.push({
      field: 'options.runImmediately',
      issue: 'must be true to use options.audiences or options.timeToRun (or run the campaign later with POST /v1/run/campaign)',
    });
  }
  if (issues.length > 0) fail('campaign', issues);
  return { body: native, fieldNames };
}

/** What `POST /v1/run/campaign` asks for: the campaign, and Herald's run body. */
export interface NativeRun {
  readonly campaignId: string;
  readonly body: Record<string, unknown>;
}

/**
 * Chat Inc's run (`campaignId`, `audiences`, `timeToRun` in unix seconds) as Herald's `POST /v1/campaigns/:id/runs`.
 * Without `audiences` (its curl example sends `campaignId` alone) a sent campaign is sent again to the audiences of
 * its last run — "resend a previously sent campaign using its campaignID" — and one never run is refused.
 */
export function toNativeRun(body: unknown, audiences: readonly Named[], lastAudiences: readonly string[] | undefined): NativeRun {
  if (!isRecord(body)) fail('run', [{ field: 'body', issue: 'must be a JSON object' }]);
  const issues: Issue[] = [];
  unknownKeys(body, ['campaignId', 'audiences', 'timeToRun'], '', 'a Chat Inc run', issues);
  const campaignId = body['campaignId'];
  if (typeof campaignId !== 'string' || campaignId.trim() === '') issues.push({ field: 'campaignId', issue: 'must be the id of a campaign' });
  let targets: unknown = body['audiences'];
  if (targets === undefined) {
    if (lastAudiences && lastAudiences.length > 0) targets = [...lastAudiences];
    else issues.push({ field: 'audiences', issue: 'is required (the campaign has no earlier run to send again): audience ids, or ["all"]' });
  } else if (Array.isArray(targets)) targets = resolveAudiences(targets, audiences);
  if (issues.length > 0) fail('run', issues);
  return {
    campaignId: (campaignId as string).trim(),
    body: { audiences: targets, ...(body['timeToRun'] !== undefined ? { timeToRun: body['timeToRun'] } : {}) },
  };
}

/** A Herald button as Chat Inc writes it: an input button's `input` is the text its press produces. */
function toChatIncButton(b: CampaignButton): Record<string, unknown> {
  switch (b.type) {
    case 'input':
      return { text: b.text, type: b.type, input: b.reply ?? b.input };
    case 'journey':
      return { text: b.text, type: b.type, journeyId: b.journeyId };
    case 'phone':
      return { text: b.text, type: b.type, phoneNumber: b.phoneNumber };
    case 'url':
      return { text: b.text, type: b.type, url: b.url };
  }
}

/**
 * A campaign as Chat Inc's "Retrieve All Campaigns" shows one: `campaignId` (Herald's campaign id), `templateId`
 * (the WhatsApp template's name), `locale`, `variables` (the `{group.field}` and contact placeholders its message
 * uses), `whatsAppTemplatesStatus` (the template's review status), the totals and its runs.
 */
export function toChatIncCampaign(c: CampaignView): Record<string, unknown> {
  const buttons = Array.isArray(c.buttons) ? c.buttons.filter((b) => typeof (b as { type?: unknown }).type === 'string').map(toChatIncButton) : [];
  return {
    imgUrl: c.imgUrl,
    variables: parsePlaceholders(c.message).variables.map((v) => v.token),
    buttons,
    campaignId: c.id,
    locale: c.languageCode,
    message: c.message,
    templateId: c.templateName,
    title: c.title,
    runs: (c.runs ?? []).map(toChatIncRun),
    totalSent: c.totalSent,
    totalDelivered: c.totalDelivered,
    totalRead: c.totalRead,
    whatsAppTemplatesStatus: c.templateStatus,
  };
}

/** A run as Chat Inc's campaign lists it (its document shows `runs` without their fields): Herald's run figures. */
export function toChatIncRun(r: RunView): Record<string, unknown> {
  return {
    runId: r.runId,
    status: r.status,
    audiences: r.audiences,
    timeToRun: Math.floor(r.timeToRun.getTime() / 1000),
    startedAt: r.startedAt,
    completedAt: r.completedAt,
    recipients: r.recipients,
    counts: r.counts,
    skippedByReason: r.skippedByReason,
    failureReason: r.failureReason,
  };
}

/** `format` of "Retrieving Campaign Details": json (its default) or csv. */
export function detailsRequest(body: unknown): { campaignId: string; format: 'json' | 'csv' } {
  if (!isRecord(body)) fail('request', [{ field: 'body', issue: 'must be a JSON object' }]);
  const issues: Issue[] = [];
  unknownKeys(body, ['campaignId', 'format'], '', 'a campaign details request', issues);
  const campaignId = body['campaignId'];
  if (typeof campaignId !== 'string' || campaignId.trim() === '') issues.push({ field: 'campaignId', issue: 'must be the id of a campaign' });
  const format = body['format'] ?? 'json';
  if (format !== 'json' && format !== 'csv') issues.push({ field: 'format', issue: 'must be json or csv' });
  if (issues.length > 0) fail('request', issues);
  return { campaignId: (campaignId as string).trim(), format: format as 'json' | 'csv' };
}

/** `active` of "Retrieve All Campaigns", from the query (or a POST's body): true, false or absent. */
export function activeFilter(value: unknown): 'true' | 'false' | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return 'true';
  if (value === false || value === 'false') return 'false';
  fail('request', [{ field: 'active', issue: 'must be true or false' }]);
}

/** Chat Inc's variable group (`id`, `name`, `description`, `fields`, `values[{number, …}]`), its types checked. */
export function toVariableGroup(body: unknown): { id: string; name: string; description?: string | null; fields: string[]; values?: unknown[] } {
  if (!isRecord(body)) fail('variable group', [{ field: 'body', issue: 'must be a JSON object' }]);
  const issues: Issue[] = [];
  unknownKeys(body, ['id', 'name', 'description', 'fields', 'values'], '', 'a Chat Inc variable group', issues);
  if (typeof body['id'] !== 'string') issues.push({ field: 'id', issue: 'must be the id you choose for the group (letters, digits, - and _)' });
  if (typeof body['name'] !== 'string' || body['name'].trim() === '' || body['name'].length > 200) issues.push({ field: 'name', issue: 'must be 1-200 characters' });
  const description = body['description'];
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > 2000)) {
    issues.push({ field: 'description', issue: 'must be a string of at most 2000 characters' });
  }
  if (!Array.isArray(body['fields'])) issues.push({ field: 'fields', issue: 'must be a list of field names' });
  if (body['values'] !== undefined && !Array.isArray(body['values'])) issues.push({ field: 'values', issue: 'must be a list of {number, <field>: value}' });
  if (issues.length > 0) fail('variable group', issues);
  return {
    id: body['id'] as string,
    name: (body['name'] as string).trim(),
    ...(description !== undefined ? { description: description as string | null } : {}),
    fields: body['fields'] as string[],
    ...(body['values'] !== undefined ? { values: body['values'] as unknown[] } : {}),
  };
}

/**
 * Chat Inc's "Create Audience" and "Add Contacts to Audience" (the same path): `id`, and `name` (+ `description`) to
 * create it, `contacts[{number, …}]` to add. With the id of an existing audience the contacts are added to it.
 */
export function toAudience(body: unknown): { id: string; name?: string; description?: string | null; contacts: unknown[] } {
  if (!isRecord(body)) fail('audience', [{ field: 'body', issue: 'must be a JSON object' }]);
  const issues: Issue[] = [];
  unknownKeys(body, ['id', 'name', 'description', 'contacts'], '', 'a Chat Inc audience', issues);
  if (typeof body['id'] !== 'string' || body['id'].trim() === '') issues.push({ field: 'id', issue: 'must be the id you choose for the audience (letters, digits, - and _)' });
  const name = body['name'];
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > 200)) issues.push({ field: 'name', issue: 'must be 1-200 characters' });
  const description = body['description'];
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > 2000)) {
    issues.push({ field: 'description', issue: 'must be a string of at most 2000 characters' });
  }
  const contacts = body['contacts'] ?? [];
  if (!Array.isArray(contacts)) issues.push({ field: 'contacts', issue: 'must be a list of {number, …}' });
  if (issues.length > 0) fail('audience', issues);
  return {
    id: (body['id'] as string).trim(),
    ...(typeof name === 'string' ? { name: name.trim() } : {}),
    ...(description !== undefined ? { description: description as string | null } : {}),
    contacts: contacts as unknown[],
  };
}

/** `id` of "Retrieve Audience Contacts". */
export function audienceIdOf(body: unknown): string {
  if (!isRecord(body) || typeof body['id'] !== 'string' || body['id'].trim() === '') fail('request', [{ field: 'id', issue: 'must be the id of an audience' }]);
  const issues: Issue[] = [];
  unknownKeys(body, ['id'], '', 'an audience contacts request', issues);
  if (issues.length > 0) fail('request', issues);
  return body['id'].trim();
}

/** Herald's `buttons[i].reply` is Chat Inc's `buttons[i].input` (the text a press produces). */
const REPLY_FIELD = /^buttons\[(\d+)\]\.reply$/;

/** A field of Herald's campaign rules as the Chat Inc request wrote it. */
function chatIncField(field: string, names: Readonly<Record<string, string>>): string {
  return names[field] ?? field.replace(REPLY_FIELD, 'buttons[$1].input');
}

/** An error of Herald's campaign rules with its fields named as the Chat Inc request wrote them. */
export function renameFields(error: unknown, names: Readonly<Record<string, string>>): unknown {
  return renameErrorFields(error, (field) => chatIncField(field, names));
}
