import { OUTBOUND_MESSAGE_TYPES, validateOutboundMessage } from '@herald/channels';
import { HeraldError, isUuid } from '@herald/common';
import { MAX_CUSTOM_ARGS_BYTES, MAX_REQUEST_ID_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, type SendMessageInput } from './message.types';

type Issue = {
  field: string;
  issue: string;
};

const TAG = /^[a-z0-9][a-z0-9_.:-]*$/;
const ENVELOPE = new Set(['to', 'contactId', 'channelId', 'type', 'tags', 'requestId', 'customArgs', 'replyTo']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a `POST /v1/messages` body: who (`to` XOR `contactId`), through which channel, what (checked by the
 * provider's rules), and the caller's bookkeeping (tags, requestId, customArgs). Every problem is reported
 * at once, each naming its field; nothing is guessed.
 */
export function parseSendMessage(body: unknown): SendMessageInput {
  const issues: Issue[] = [];
  if (!isRecord(body)) throw new HeraldError('invalid', 'validation_failed', 'The body must be a JSON object.', [{ field: '', issue: 'must be an object' }]);

  let to: SendMessageInput['to'];
  if (body['to'] !== undefined) {
    const t = body['to'];
    if (!isRecord(t) || typeof t['number'] !== 'string' || t['number'].trim() === '') issues.push({ field: 'to.number', issue: 'must be a phone number' });
    else if (t['name'] !== undefined && (typeof t['name'] !== 'string' || t['name'].length > 200)) issues.push({ field: 'to.name', issue: 'must be a string of at most 200 characters' });
    else to = { number: t['number'], ...(typeof t['name'] === 'string' ? { name: t['name'] } : {}) };
  }
  let contactId: string | undefined;
  if (body['contactId'] !== undefined) {
    const c = body['contactId'];
    if ((typeof c !== 'string' && typeof c !== 'number') || !/^[0-9]{1,18}$/.test(String(c))) issues.push({ field: 'contactId', issue: 'must be a contact id' });
    else contactId = String(c);
  }
  if (body['to'] === undefined && body['contactId'] === undefined) issues.push({ field: 'to', issue: 'give to (a number) or contactId' });
  if (body['to'] !== undefined && body['contactId'] !== undefined) issues.push({ field: 'contactId', issue: 'give either to or contactId, not both' });

  let channelId: string | undefined;
  if (body['channelId'] !== undefined) {
    if (!isUuid(body['channelId'])) issues.push({ field: 'channelId', issue: 'must be a channel id' });
    else channelId = body['channelId'];
  }

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

  const content = validateOutboundMessage(body);
  if (!content.ok) issues.push(...content.errors);
  for (const key of Object.keys(body)) {
    if (!ENVELOPE.has(key) && !(OUTBOUND_MESSAGE_TYPES as readonly string[]).includes(key)) issues.push({ field: key, issue: 'is not a field of a message' });
  }
  if (issues.length > 0 || !content.ok) {
    const first = issues[0]!;
    throw new HeraldError('invalid', 'validation_failed', `Invalid message: ${first.field || 'body'} ${first.issue}.`, issues);
  }
  return { to, contactId, channelId, message: content.message, tags, requestId, customArgs };
}
