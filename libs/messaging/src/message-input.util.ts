import { MESSAGE_OPTION_FIELDS, OUTBOUND_MESSAGE_TYPES, parseMessageFor, type ChannelKind } from '@herald/channels';
import { HeraldError, isUuid, millisecondsMistake, parseCallerTime } from '@herald/common';
import type { UtmParams } from '@herald/links';
import { MAX_VALIDITY_SECONDS, parseUtm } from '@herald/sending';
import {
  MAX_CUSTOM_ARGS_BYTES,
  MAX_RECIPIENTS,
  MAX_REQUEST_ID_LENGTH,
  MAX_SCHEDULE_AHEAD_MS,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  SEND_NOW_WITHIN_MS,
  type MessageRecipient,
  type SendMessageInput,
} from './message.types';

type Issue = {
  field: string;
  issue: string;
};

const TAG = /^[a-z0-9][a-z0-9_.:-]*$/;
/** Long enough for any real endpoint with a query string; the column holds this many. */
export const MAX_CALLBACK_URL_LENGTH = 2000;

const ENVELOPE = new Set([
  'to',
  'contactId',
  'channelId',
  'from',
  'type',
  'tags',
  'requestId',
  'customArgs',
  'callbackUrl',
  'replyTo',
  'scheduledFor',
  'scheduleDateTime',
  'validity',
  'ignoreQuietHours',
  'useFrequencyCapping',
  'trackLinks',
  'utm',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a `POST /v1/messages` body: who (`to` XOR `contactId`), through which channel, what (checked by the
 * provider's rules), and the caller's bookkeeping (tags, requestId, customArgs). Every problem is reported
 * at once, each naming its field; nothing is guessed.
 */
export function parseSendMessage(body: unknown, now: Date = new Date(), kind: ChannelKind = 'whatsapp'): SendMessageInput {
  const issues: Issue[] = [];
  if (!isRecord(body)) throw new HeraldError('invalid', 'validation_failed', 'The body must be a JSON object.', [{ field: '', issue: 'must be an object' }]);

  let to: MessageRecipient[] | undefined;
  let toIdentity: string | undefined;
  const toMany = Array.isArray(body['to']);
  if (body['to'] !== undefined && kind !== 'whatsapp') {
    // One recipient: a '+' number (the contact's identity on the channel is looked up) or the id the channel knows.
    const t = body['to'];
    if (typeof t !== 'string' || !(/^\+[0-9 ()-]{5,32}$/.test(t.trim()) || /^-?[A-Za-z0-9_-]{1,64}$/.test(t))) {
      issues.push({ field: 'to', issue: `must be one recipient on ${kind}: a +number of a contact, or the user's ${kind === 'telegram' ? 'chat id' : kind === 'instagram' ? 'IGSID' : 'PSID'}` });
    } else if (t.trim().startsWith('+')) to = [{ number: t.trim() }];
    else toIdentity = t;
  } else if (body['to'] !== undefined) {
    const list: unknown[] = toMany ? (body['to'] as unknown[]) : [body['to']];
    if (toMany && (list.length === 0 || list.length > MAX_RECIPIENTS)) issues.push({ field: 'to', issue: `must hold 1 to ${MAX_RECIPIENTS} recipients` });
    else {
      to = [];
      list.forEach((t, i) => {
        const field = toMany ? `to[${i}]` : 'to';
        // A recipient is {number, name?} or the number alone, as on every other channel and in an array.
        const r = typeof t === 'string' ? { number: t } : t;
        if (!isRecord(r)) issues.push({ field, issue: 'must be a phone number, or {"number": "+14155550123", "name": "…"}' });
        else if (typeof r['number'] !== 'string' || r['number'].trim() === '') issues.push({ field: `${field}.number`, issue: 'must be a phone number' });
        else if (r['name'] !== undefined && (typeof r['name'] !== 'string' || r['name'].length > 200))
          issues.push({ field: `${field}.name`, issue: 'must be a string of at most 200 characters' });
        else to!.push({ number: r['number'], ...(typeof r['name'] === 'string' ? { name: r['name'] } : {}) });
      });
    }
  }
  let contactId: string | undefined;
  if (body['contactId'] !== undefined) {
    const c = body['contactId'];
    if ((typeof c !== 'string' && typeof c !== 'number') || !/^[0-9]{1,18}$/.test(String(c))) issues.push({ field: 'contactId', issue: 'must be a contact id' });
    else contactId = String(c);
  }
  if (body['to'] === undefined && body['contactId'] === undefined) {
    const who = kind === 'whatsapp' ? 'phone number, e.g. "to": {"number": "+14155550123"}' : `+number or ${kind === 'telegram' ? 'chat id' : kind === 'instagram' ? 'IGSID' : 'PSID'}`;
    issues.push({ field: 'to', issue: `is required: who receives the message — the recipient's ${who} (or "contactId", a contact's id)` });
  }
  if (body['to'] !== undefined && body['contactId'] !== undefined) issues.push({ field: 'contactId', issue: 'give either to or contactId, not both' });

  let channelId: string | undefined;
  if (body['channelId'] !== undefined) {
    if (!isUuid(body['channelId'])) issues.push({ field: 'channelId', issue: 'must be a channel id' });
    else channelId = body['channelId'];
  }
  let from: string | undefined;
  if (body['from'] !== undefined) {
    const f = body['from'];
    if (typeof f !== 'string' || !/^\+?[0-9 ()-]{5,32}$/.test(f.trim())) issues.push({ field: 'from', issue: "must be a channel's display phone number" });
    else if (channelId !== undefined) issues.push({ field: 'from', issue: 'give either channelId or from, not both' });
    else from = f;
  }

  const scheduledFor = readSchedule(body, now, issues);
  let validitySeconds: number | null = null;
  if (body['validity'] !== undefined) {
    const v = body['validity'];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_VALIDITY_SECONDS)
      issues.push({ field: 'validity', issue: `must be a whole number of seconds from 1 to ${MAX_VALIDITY_SECONDS}` });
    else validitySeconds = v;
  }
  const flag = (key: string): boolean => {
    const v = body[key];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') issues.push({ field: key, issue: 'must be true or false' });
    return v === true;
  };
  const ignoreQuietHours = flag('ignoreQuietHours');
  const useFrequencyCapping = flag('useFrequencyCapping');
  // Absent: the workspace's default decides.
  const trackLinks = body['trackLinks'] === undefined ? undefined : flag('trackLinks');
  const utm: UtmParams | undefined = body['utm'] === undefined ? undefined : parseUtm(body['utm'], 'utm', issues);

  const tags: string[] = [];
  if (body['tags'] !== undefined) {
    const t = body['tags'];
    if (!Array.isArray(t)) issues.push({ field: 'tags', issue: `must be an array of at most ${MAX_TAGS} strings` });
    else if (t.length > MAX_TAGS) issues.push({ field: 'tags', issue: `must hold at most ${MAX_TAGS} tags` });
    else
      t.forEach((tag: unknown, i) => {
        const lower = typeof tag === 'string' ? tag.trim().toLowerCase() : '';
        if (lower.length === 0 || lower.length > MAX_TAG_LENGTH || !TAG.test(lower)) {
          issues.push({ field: `tags[${i}]`, issue: `must be 1-${MAX_TAG_LENGTH} letters, digits, _ . : or -` });
        } else if (!tags.includes(lower)) tags.push(lower);
      });
  }

  let requestId: string | undefined;
  if (body['requestId'] !== undefined) {
    const r = body['requestId'];
    if (typeof r !== 'string' || r.trim() === '' || r.length > MAX_REQUEST_ID_LENGTH) issues.push({ field: 'requestId', issue: `must be 1-${MAX_REQUEST_ID_LENGTH} characters` });
    else requestId = r;
  }

  let customArgs: Record<string, unknown> = {};
  if (body['customArgs'] !== undefined) {
    const a = body['customArgs'];
    if (!isRecord(a)) issues.push({ field: 'customArgs', issue: 'must be a JSON object' });
    else if (Buffer.byteLength(JSON.stringify(a)) > MAX_CUSTOM_ARGS_BYTES) issues.push({ field: 'customArgs', issue: `must be at most ${MAX_CUSTOM_ARGS_BYTES} bytes as JSON` });
    else customArgs = a;
  }

  // Checked here for its shape; whether it may be called (SSRF) is the callbacks library's to say, at acceptance.
  let callbackUrl: string | null = null;
  if (body['callbackUrl'] !== undefined && body['callbackUrl'] !== null) {
    const u = body['callbackUrl'];
    if (typeof u !== 'string' || u.length > MAX_CALLBACK_URL_LENGTH || !/^https?:\/\/[^\s]+$/i.test(u)) {
      issues.push({ field: 'callbackUrl', issue: `must be an http(s) URL of at most ${MAX_CALLBACK_URL_LENGTH} characters` });
    } else callbackUrl = u;
  }

  const content = parseMessageFor(kind, body);
  if (!content.ok) issues.push(...content.errors);
  for (const key of Object.keys(body)) {
    if (!ENVELOPE.has(key) && !(OUTBOUND_MESSAGE_TYPES as readonly string[]).includes(key) && !(MESSAGE_OPTION_FIELDS as readonly string[]).includes(key))
      issues.push({ field: key, issue: 'is not a field of a message' });
  }
  if (issues.length > 0 || !content.ok) {
    const first = issues[0]!;
    throw new HeraldError('invalid', 'validation_failed', `Invalid message: ${first.field || 'body'} ${first.issue}.`, issues);
  }
  return {
    to,
    ...(toIdentity === undefined ? {} : { toIdentity }),
    toMany,
    contactId,
    channelId,
    from,
    message: content.message,
    tags,
    requestId,
    customArgs,
    callbackUrl,
    scheduledFor,
    validitySeconds,
    ignoreQuietHours,
    useFrequencyCapping,
    ...(trackLinks === undefined ? {} : { trackLinks }),
    ...(utm === undefined ? {} : { utm }),
  };
}

/**
 * `scheduledFor` (RFC 3339 with an offset, or unix seconds; WhautoChat's `scheduleDateTime` is the same field):
 * null for now — also when it is in the past or within the next 10 minutes — and refused beyond 35 days.
 */
function readSchedule(body: Record<string, unknown>, now: Date, issues: Issue[]): Date | null {
  const field = body['scheduledFor'] !== undefined ? 'scheduledFor' : 'scheduleDateTime';
  const raw = body[field];
  if (raw === undefined || raw === null) return null;
  if (body['scheduledFor'] !== undefined && body['scheduleDateTime'] !== undefined) {
    issues.push({ field: 'scheduleDateTime', issue: 'give either scheduledFor or scheduleDateTime, not both' });
    return null;
  }
  const millis = millisecondsMistake(raw, 'an RFC 3339 time');
  if (millis) {
    issues.push({ field, issue: millis });
    return null;
  }
  const at = parseCallerTime(raw);
  if (at === undefined) {
    issues.push({ field, issue: 'must be an RFC 3339 time with an offset (2026-12-24T09:00:00Z) or unix seconds' });
    return null;
  }
  const ahead = at.getTime() - now.getTime();
  if (ahead > MAX_SCHEDULE_AHEAD_MS) {
    issues.push({ field, issue: 'must be at most 35 days ahead' });
    return null;
  }
  return ahead <= SEND_NOW_WITHIN_MS ? null : at;
}
