import type { ErrorDetail } from '@herald/common';
import type { ErrorResponse } from '../../http/error-response.util';
import { cloudField, cloudNames } from './cloud-api-request.util';

/** Graph's error body, as the Cloud API answers it (`error_subcode` and `error_data` when Meta gives them). */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

export interface GraphErrorAnswer {
  readonly status: number;
  readonly body: GraphErrorBody;
}

interface GraphCode {
  readonly status: number;
  readonly code: number;
  /** Meta's title; the message is `(#code) title` like Meta's. */
  readonly title: string;
  readonly type?: string;
  readonly subcode?: number;
}

/**
 * Meta's codes (its error-code reference, and ../shared/PROVIDER-FACTS.md) with the HTTP status Meta answers each
 * with. Callers key on `code`, as Meta asks.
 */
const G = {
  invalidParameter: { status: 400, code: 100, title: 'Invalid parameter' },
  unknownObject: { status: 400, code: 100, title: 'Unsupported post request', type: 'GraphMethodException', subcode: 33 },
  missingParameter: { status: 400, code: 131008, title: 'Required parameter is missing' },
  invalidValue: { status: 400, code: 131009, title: 'Parameter value is not valid' },
  unsupportedType: { status: 400, code: 131051, title: 'Unsupported message type' },
  outsideWindow: { status: 400, code: 131047, title: 'Re-engagement message' },
  optedOut: { status: 400, code: 131050, title: 'User stopped marketing messages' },
  undeliverable: { status: 400, code: 131026, title: 'Message undeliverable' },
  templateParams: { status: 400, code: 132000, title: 'Number of parameters does not match the expected number of params' },
  templateMissing: { status: 404, code: 132001, title: 'Template name does not exist in the translation' },
  templatePaused: { status: 400, code: 132015, title: 'Template is Paused' },
  templateDisabled: { status: 400, code: 132016, title: 'Template is Disabled' },
  token: { status: 401, code: 190, title: 'Invalid OAuth access token' },
  permission: { status: 403, code: 10, title: 'Application does not have permission for this action' },
  rateLimit: { status: 429, code: 130429, title: 'Rate limit hit' },
  unavailable: { status: 503, code: 2, title: 'Service temporarily unavailable' },
  unknown: { status: 500, code: 131000, title: 'Something went wrong' },
} as const satisfies Record<string, GraphCode>;

const BY_GRAPH_CODE: ReadonlyMap<number, GraphCode> = new Map<number, GraphCode>([
  [100, G.invalidParameter],
  [131051, G.unsupportedType],
]);

/** What went wrong with one field, in the caller's names. */
function issueText(d: ErrorDetail): string {
  return d.field === undefined || d.field === '' ? cloudNames(d.issue) : `${cloudField(d.field)} ${cloudNames(d.issue)}`;
}

/** A validation failure: Meta's "parameter is required" (100 at the top, 131008 inside), unknown (100) or invalid (131009). */
function validationCode(first: ErrorDetail | undefined): GraphCode {
  const given = first?.['graphCode'];
  if (typeof given === 'number') return BY_GRAPH_CODE.get(given) ?? G.invalidParameter;
  const issue = first?.issue ?? '';
  if (issue === 'is required') return (first?.field ?? '').includes('.') ? G.missingParameter : G.invalidParameter;
  if (/^is not a (known )?field|^is not a parameter/.test(issue)) return G.invalidParameter;
  return G.invalidValue;
}

function graphCodeOf(r: ErrorResponse): GraphCode {
  const { code, details } = r.body.error;
  switch (code) {
    case 'validation_failed':
      return validationCode(details[0]);
    case 'template_not_found':
      return G.templateMissing;
    case 'template_parameters':
      return G.templateParams;
    case 'template_not_approved': {
      const issue = details[0]?.issue ?? '';
      return /PAUSED/.test(issue) ? G.templatePaused : /DISABLED/.test(issue) ? G.templateDisabled : G.templateMissing;
    }
    case 'outside_service_window':
      return G.outsideWindow;
    case 'contact_opted_out':
      return G.optedOut;
    case 'no_number':
    case 'contact_unreachable':
      return G.undeliverable;
    case 'phone_number_not_found':
      return G.unknownObject;
  }
  switch (r.status) {
    case 401:
      return G.token;
    case 403:
      return G.permission;
    case 404:
      return G.unknownObject;
    case 429:
      return G.rateLimit;
    case 503:
      return G.unavailable;
  }
  return r.status >= 500 ? G.unknown : G.invalidParameter;
}

/**
 * Herald's error as Graph's: `{error: {message, type, code, error_subcode?, error_data: {messaging_product, details},
 * fbtrace_id}}` with Meta's code and HTTP status for it, the details naming the field as the caller wrote it.
 * 190 (a missing or wrong key) is 401 with Meta's wording, as a Cloud API client expects for a bad token.
 */
export function toGraphError(r: ErrorResponse, traceId: string): GraphErrorAnswer {
  const g = graphCodeOf(r);
  const { message, details } = r.body.error;
  const why = details.length > 0 && details.some((d) => d.field !== undefined) ? details.map(issueText).join('; ') : cloudNames(message.replace(/^Invalid message: /, ''));
  if (g === G.token) {
    return { status: g.status, body: { error: { message: `${g.title}: ${message}`, type: 'OAuthException', code: g.code, fbtrace_id: traceId } } };
  }
  const text = g === G.unknownObject ? `${g.title}. ${why}` : `(#${g.code}) ${g.title}`;
  return {
    status: g.status,
    body: {
      error: {
        message: text,
        type: g.type ?? 'OAuthException',
        code: g.code,
        ...(g.subcode === undefined ? {} : { error_subcode: g.subcode }),
        error_data: { messaging_product: 'whatsapp', details: /[.!?]$/.test(why) ? why : `${why}.` },
        fbtrace_id: traceId,
      },
    },
  };
}
