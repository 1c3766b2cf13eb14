import { rec, str } from './callback-format.types';

/** A failure as the vendor shapes carry it: Meta's numeric code where Herald has one or an equivalent. */
export interface StatusFailure {
  readonly code: number;
  readonly title: string;
  readonly details: string;
  readonly href: string | null;
}

/** Meta's catch-all ("Something went wrong"): for Herald-only reasons (cancelled, expired, a channel gone…). */
export const GENERIC_FAILURE_CODE = 131000;

/**
 * Herald's own failure and skip reasons with a Meta error code of the same meaning (PROVIDER-FACTS.md, Meta's
 * error-code page): a Cloud API client keys on these codes, so a Herald refusal reads like the Meta failure it
 * stands for. Anything else is 131000 with Herald's reason in `details`.
 */
const META_CODE_OF: Readonly<Record<string, { code: number; title: string }>> = {
  opted_out: { code: 131050, title: 'Unable to deliver the message: the recipient stopped marketing messages' },
  not_on_whatsapp: { code: 131026, title: 'Message undeliverable' },
  outside_service_window: { code: 131047, title: 'Re-engagement message' },
  frequency_cap: { code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement' },
  missing_variable: { code: 132000, title: 'Template param count mismatch' },
};

/** The statuses after which a message will not reach the phone. */
export const FAILED_STATUSES: ReadonlySet<string> = new Set(['failed', 'skipped', 'expired', 'cancelled']);

/**
 * Why a `message.status` event's message failed, as a vendor error, or null when it did not fail. `data` is the
 * event's data (docs/CALLBACKS.md, message.status): `error {code, title, details, docsUrl}` for `failed`,
 * `skipReason` for `skipped`.
 */
export function statusFailureOf(data: Record<string, unknown>): StatusFailure | null {
  const status = str(data['status']);
  if (status === null || !FAILED_STATUSES.has(status)) return null;
  const error = rec(data['error']);
  const code = error ? String(error['code'] ?? '') : '';
  const title = str(error?.['title']) ?? null;
  const details = str(error?.['details']) ?? null;
  const href = str(error?.['docsUrl']);
  if (/^\d{1,9}$/.test(code)) {
    // Meta's own failure: passed through as Meta gave it.
    return { code: Number(code), title: title ?? 'Message failed', details: details ?? title ?? '', href };
  }
  const reason = code !== '' ? code : (str(data['skipReason']) ?? status);
  const meta = META_CODE_OF[reason];
  const why =
    status === 'expired'
      ? 'expired: its validity ran out before it could be sent'
      : status === 'cancelled'
        ? 'cancelled through the API before it was sent'
        : `${status}: ${reason}${details ? ` (${details})` : title ? ` (${title})` : ''}`;
  return {
    code: meta?.code ?? GENERIC_FAILURE_CODE,
    title: meta?.title ?? title ?? 'Something went wrong',
    details: `Herald: ${why}`,
    href,
  };
}
