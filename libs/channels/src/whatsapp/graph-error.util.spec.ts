import { describe, expect, it } from '@jest/globals';
import type { ProviderErrorCategory } from '../channel-provider.types';
import {
  GRAPH_ERROR_POLICIES,
  isInvalidParameterError,
  mapGraphError,
  mapGraphFailure,
  parseRetryAfter,
  transportError,
} from './graph-error.util';
import { ERROR_CODES_DOCS_URL } from './whatsapp.constants';

/** Meta's API error answer for a code, as its error-codes page shows it. */
function graphError(code: number, message = `(#${code}) Some title`, details = 'Some details') {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    },
  };
}

describe(mapGraphFailure.name, () => {
  // Every row of shared/PROVIDER-FACTS.md "Error codes and what to do": [code, category, retriable]
  const table: [number, ProviderErrorCategory, boolean][] = [
    [130429, 'throttled', true],
    [131056, 'pair_rate_limited', true],
    [131057, 'throughput_upgrade', true],
    [4, 'api_rate_limited', true],
    [80007, 'api_rate_limited', true],
    [131000, 'transient', true],
    [131016, 'transient', true],
    [2, 'transient', true],
    [190, 'auth_expired', false],
    [131026, 'not_on_whatsapp', false],
    [131047, 'outside_service_window', false],
    [131049, 'marketing_cap', false],
    [131050, 'marketing_opt_out', false],
    [130472, 'marketing_experiment', false],
    [131048, 'spam_limited', false],
    [131031, 'channel_blocked', false],
    [368, 'channel_blocked', false],
    [131042, 'channel_blocked', false],
    [131005, 'invalid_request', false],
    [131008, 'invalid_request', false],
    [131009, 'invalid_request', false],
    [131051, 'invalid_request', false],
    [131053, 'invalid_request', false],
    [132000, 'template_problem', false],
    [132001, 'template_problem', false],
    [132012, 'template_problem', false],
    [132015, 'template_problem', false],
    [132016, 'template_problem', false],
  ];

  it.each(table)('maps code %i to %s (retriable %s)', (code, category, retriable) => {
    const error = mapGraphFailure({ httpStatus: 400, body: graphError(code) });
    expect(error).toMatchObject({ code: String(code), category, retriable, httpStatus: 400, docsUrl: ERROR_CODES_DOCS_URL });
  });

  it('covers every code of the policy table and nothing maps by accident', () => {
    const tableCodes = new Set(table.map(([code]) => code));
    const extra = [...GRAPH_ERROR_POLICIES.keys()].filter((code) => !tableCodes.has(code));
    expect(extra).toEqual([0]); // AuthException: same remedy as 190
  });

  it('decides on the code, not on the HTTP status', () => {
    // 131026 arrives with various statuses; a 500 must not make it retriable.
    expect(mapGraphFailure({ httpStatus: 500, body: graphError(131026) })).toMatchObject({
      category: 'not_on_whatsapp',
      retriable: false,
    });
    expect(mapGraphFailure({ httpStatus: 400, body: graphError(131000) })).toMatchObject({
      category: 'transient',
      retriable: true,
    });
  });

  it('never decides on the title', () => {
    const misleading = mapGraphFailure({ httpStatus: 400, body: graphError(999_999, '(#999999) Rate limit hit') });
    expect(misleading).toMatchObject({
      code: '999999',
      category: 'unknown',
      retriable: false,
      title: '(#999999) Rate limit hit',
    });
  });

  it('keeps Meta’s message, details and trace id', () => {
    const error = mapGraphFailure({
      httpStatus: 400,
      body: graphError(
        131026,
        '(#131026) Message undeliverable',
        'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number.',
      ),
    });
    expect(error).toEqual({
      code: '131026',
      title: '(#131026) Message undeliverable',
      details: 'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number.',
      retriable: false,
      category: 'not_on_whatsapp',
      httpStatus: 400,
      docsUrl: ERROR_CODES_DOCS_URL,
      traceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    });
  });

  it('gives the documented waits: 4 s for pair rate, 24 h for the marketing cap', () => {
    expect(mapGraphFailure({ httpStatus: 400, body: graphError(131056) }).retryAfterMs).toBe(4_000);
    expect(mapGraphFailure({ httpStatus: 400, body: graphError(131049) }).retryAfterMs).toBe(86_400_000);
    expect(mapGraphFailure({ httpStatus: 400, body: graphError(131026) }).retryAfterMs).toBeUndefined();
  });

  it('prefers the Retry-After header to the documented wait', () => {
    expect(mapGraphFailure({ httpStatus: 429, body: graphError(130429), retryAfter: '7' }).retryAfterMs).toBe(7_000);
  });

  it.each([500, 502, 503, 504])('treats HTTP %i without a Graph error as transient', (httpStatus) => {
    expect(mapGraphFailure({ httpStatus, body: '<html>Bad Gateway</html>' })).toMatchObject({
      code: `http_${httpStatus}`,
      category: 'transient',
      retriable: true,
      httpStatus,
    });
  });

  it('treats an unknown code with HTTP 5xx as transient', () => {
    expect(mapGraphFailure({ httpStatus: 503, body: graphError(777) })).toMatchObject({
      code: '777',
      category: 'transient',
      retriable: true,
    });
  });

  it('treats unknown 4xx answers as permanent, 429 as throttled and 401 as an expired token', () => {
    expect(mapGraphFailure({ httpStatus: 400, body: graphError(100) })).toMatchObject({
      code: '100',
      category: 'unknown',
      retriable: false,
    });
    expect(mapGraphFailure({ httpStatus: 404, body: 'Not Found' })).toMatchObject({
      code: 'http_404',
      category: 'unknown',
      retriable: false,
    });
    expect(mapGraphFailure({ httpStatus: 429, body: '' })).toMatchObject({ category: 'throttled', retriable: true });
    expect(mapGraphFailure({ httpStatus: 401, body: graphError(12345) })).toMatchObject({
      category: 'auth_expired',
      retriable: false,
    });
  });
});

describe(mapGraphError.name, () => {
  it('maps a webhook error object (title, message, error_data.details, href) by its code', () => {
    const error = mapGraphError({
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      error_data: {
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    });
    expect(error).toEqual({
      code: '131047',
      title: 'Re-engagement message',
      details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      retriable: false,
      category: 'outside_service_window',
      docsUrl: ERROR_CODES_DOCS_URL,
    });
  });

  it('uses the table title when the error carries none', () => {
    expect(mapGraphError({ code: 131048 })).toMatchObject({
      title: 'Spam rate limit hit',
      details: 'Spam rate limit hit',
      category: 'spam_limited',
    });
  });
});

describe(transportError.name, () => {
  it('makes timeouts and connection failures transient and retriable', () => {
    expect(transportError('timeout', 'no answer in 15000 ms')).toEqual({
      code: 'timeout',
      title: 'Request timed out',
      details: 'no answer in 15000 ms',
      retriable: true,
      category: 'transient',
    });
    expect(transportError('network', 'ECONNRESET')).toMatchObject({
      code: 'network_error',
      retriable: true,
      category: 'transient',
    });
  });
});

describe(parseRetryAfter.name, () => {
  it('reads seconds and HTTP dates', () => {
    const now = new Date('2026-11-21T10:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe(isInvalidParameterError.name, () => {
  it("recognises Graph's invalid parameter (a field unknown to the version), nothing else", () => {
    const unknownField = mapGraphFailure({
      httpStatus: 400,
      body: { error: { message: '(#100) Tried accessing nonexisting field (x)', type: 'OAuthException', code: 100 } },
    });
    expect(isInvalidParameterError(unknownField)).toBe(true);
    expect(isInvalidParameterError(mapGraphFailure({ httpStatus: 400, body: graphError(190) }))).toBe(false);
    expect(isInvalidParameterError(transportError('timeout', 'x'))).toBe(false);
  });
});

describe('marketing experiment (130472)', () => {
  it('is final: never retried, not even later, and not an opt-out', () => {
    const error = mapGraphFailure({ httpStatus: 400, body: graphError(130472) });
    expect(error).toMatchObject({ code: '130472', category: 'marketing_experiment', retriable: false });
    expect(error.retryAfterMs).toBeUndefined();
  });
});
