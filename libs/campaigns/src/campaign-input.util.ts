import { CAMPAIGN_TEMPLATE_TYPES, type CampaignTemplateType } from './campaign.entity';
import {
  assertNoIssues,
  parseButtons,
  parsePlaceholders,
  type CampaignButton,
  type CampaignIssue,
  type CampaignVariable,
} from './campaign-message.util';
import { MAX_VALIDITY_SECONDS, parseSendWindow, type SendWindow } from '@herald/sending';

/** How far ahead a run may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 35 * 86_400_000;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const INPUT_FIELD = /^[A-Za-z0-9_]{1,64}$/;
const CREATE_KEYS = new Set([
  'title',
  'message',
  'imgUrl',
  'buttons',
  'templateType',
  'languageCode',
  'channelId',
  'sendWindow',
  'options',
]);
const OPTION_KEYS = new Set(['runImmediately', 'audiences', 'timeToRun']);
const RUN_KEYS = new Set(['audiences', 'timeToRun', 'validity', 'ignoreQuietHours']);

export interface RunInput {
  readonly audiences: string[];
  /** null: now. */
  readonly timeToRun: Date | null;
  /** Seconds from the run's start its recipients may still be sent; null: the default for its category. */
  readonly validitySeconds?: number | null;
  /** Marketing sends of the run go out during the workspace's quiet hours too. */
  readonly ignoreQuietHours?: boolean;
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
  readonly run: RunInput | null;
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
  let at: Date | null = null;
  if (typeof value === 'number' && Number.isFinite(value)) at = new Date(value * 1000);
  else if (typeof value === 'string' && /^\d{1,12}$/.test(value.trim())) at = new Date(Number(value.trim()) * 1000);
  else if (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value.trim())
  )
    at = new Date(value.trim());
  if (at === null || Number.isNaN(at.getTime())) {
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
  let validitySeconds: number | null = null;
  const validity = body['validity'];
  if (validity !== undefined && validity !== null) {
    if (typeof validity !== 'number' || !Number.isInteger(validity) || validity < 60 || validity > MAX_VALIDITY_SECONDS)
      issues.push({ field: 'validity', issue: `must be a whole number of seconds from 60 to ${MAX_VALIDITY_SECONDS}` });
    else validitySeconds = validity;
  }
  const ignore = body['ignoreQuietHours'];
  if (ignore !== undefined && typeof ignore !== 'boolean') issues.push({ field: 'ignoreQuietHours', issue: 'must be true or false' });
  if (issues.length > 0) fail('run', issues);
  return { audiences, timeToRun, validitySeconds, ignoreQuietHours: ignore === true };
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
  let run: RunInput | null = null;
  const options = body['options'];
  if (options !== undefined) {
    if (!isRecord(options)) issues.push({ field: 'options', issue: 'must be an object' });
    else {
      unknownKeys(options, OPTION_KEYS, 'options.', issues);
      const runImmediately = options['runImmediately'] ?? false;
      if (typeof runImmediately !== 'boolean') issues.push({ field: 'options.runImmediately', issue: 'must be true or false' });
      if (runImmediately === true) {
        const audiences = parseAudiences(options['audiences'], 'options.audiences', issues);
        run = { audiences, timeToRun: parseTimeToRun(options['timeToRun'], 'options.timeToRun', now, issues) };
      } else if (options['audiences'] !== undefined || options['timeToRun'] !== undefined) {
        issues.push({
          field: 'options.runImmediately',
          issue: 'must be true to use audiences or timeToRun (or start a run with POST /v1/campaigns/:id/runs)',
        });
      }
    }
  }
  if (issues.length > 0) fail('campaign', issues);
  return {
    title,
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
