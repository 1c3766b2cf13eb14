import { isHttpUrl } from './send-request.util';
import { MAX_MESSAGES_PER_SECOND, MESSAGING_LIMIT_TIERS, type MessagingLimitTier } from './simulator.constants';
import type { PhoneNumberRegistration } from './simulator.types';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidObjectId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const FIELDS = new Set([
  'phoneNumberId',
  'wabaId',
  'displayPhoneNumber',
  'verifiedName',
  'accessToken',
  'appSecret',
  'webhookUrl',
  'messagesPerSecond',
  'businessId',
  'messagingLimit',
  'marketingMessagesOnboarded',
  'appId',
]);

/**
 * Reads a registration body: `{wabaId, displayPhoneNumber, accessToken, appSecret, webhookUrl?, messagesPerSecond?,
 * verifiedName?, businessId?, messagingLimit?, marketingMessagesOnboarded?, appId?}` (plus `phoneNumberId` when it is not
 * taken from the path). Lists every problem.
 */
export function parsePhoneNumberRegistration(phoneNumberId: string | undefined, body: unknown): Parsed<PhoneNumberRegistration> {
  if (!isObject(body)) return { ok: false, problems: ['the body must be a JSON object'] };
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) problems.push(`${key}: unknown field`);

  const id = phoneNumberId ?? body.phoneNumberId;
  if (phoneNumberId !== undefined && body.phoneNumberId !== undefined && body.phoneNumberId !== phoneNumberId) {
    problems.push(`phoneNumberId: "${String(body.phoneNumberId)}" differs from the id in the path ("${phoneNumberId}")`);
  }
  if (typeof id !== 'string' || !isValidObjectId(id)) {
    problems.push('phoneNumberId: must be 1–64 letters, digits, "_" or "-"');
  }
  const text = (key: string, required: boolean, pattern?: RegExp, hint?: string): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) {
      if (required) problems.push(`${key}: required`);
      return undefined;
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
      problems.push(`${key}: must be a non-empty string of at most 512 characters`);
      return undefined;
    }
    if (pattern && !pattern.test(value)) {
      problems.push(`${key}: ${hint ?? 'invalid'}`);
      return undefined;
    }
    return value;
  };
  const wabaId = text('wabaId', true, ID_PATTERN, 'must be 1–64 letters, digits, "_" or "-"');
  const displayPhoneNumber = text(
    'displayPhoneNumber',
    true,
    /^\+?[\d ()-]{5,24}$/,
    'must be a phone number, e.g. "15550001234"',
  );
  const verifiedName = text('verifiedName', false);
  const accessToken = text('accessToken', true);
  const appSecret = text('appSecret', true);
  const webhookUrl = text('webhookUrl', false);
  if (webhookUrl !== undefined && !isHttpUrl(webhookUrl)) problems.push('webhookUrl: must be an http(s) URL');

  const businessId = text('businessId', false, ID_PATTERN, 'must be 1–64 letters, digits, "_" or "-"');
  const appId = text('appId', false, /^\d{1,32}$/, 'must be 1–32 digits (a Meta app id)');
  const limit = body.messagingLimit;
  if (limit !== undefined && limit !== null && !(MESSAGING_LIMIT_TIERS as readonly unknown[]).includes(limit)) {
    problems.push(`messagingLimit: must be one of ${MESSAGING_LIMIT_TIERS.join(', ')} (got ${JSON.stringify(limit)})`);
  }
  const onboarded = body.marketingMessagesOnboarded;
  if (onboarded !== undefined && onboarded !== null && typeof onboarded !== 'boolean') {
    problems.push('marketingMessagesOnboarded: must be true or false');
  }

  const mps = body.messagesPerSecond;
  if (
    mps !== undefined &&
    mps !== null &&
    (typeof mps !== 'number' || !Number.isInteger(mps) || mps < 1 || mps > MAX_MESSAGES_PER_SECOND)
  ) {
    problems.push(`messagesPerSecond: must be a whole number from 1 to ${MAX_MESSAGES_PER_SECOND}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      phoneNumberId: id as string,
      wabaId: wabaId as string,
      displayPhoneNumber: (displayPhoneNumber as string).replace(/[^\d]/g, ''),
      verifiedName: verifiedName ?? 'Herald Simulator',
      accessToken: accessToken as string,
      appSecret: appSecret as string,
      webhookUrl: webhookUrl ?? null,
      messagesPerSecond: typeof mps === 'number' ? mps : null,
      businessId: businessId ?? (wabaId as string),
      messagingLimit: typeof limit === 'string' ? (limit as MessagingLimitTier) : 'TIER_UNLIMITED',
      marketingMessagesOnboarded: onboarded === true,
      ...(appId === undefined ? {} : { appId }),
    },
  };
}
