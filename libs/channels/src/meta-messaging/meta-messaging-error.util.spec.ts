import { describe, expect, it } from '@jest/globals';
import type { ProviderErrorCategory } from '../channel-provider.types';
import {
  META_MESSAGING_ERROR_CODES_DOCS_URL,
  mapMetaMessagingFailure,
  metaMessagingErrorPolicy,
  regainAccessMs,
} from './meta-messaging-error.util';

/** Meta's documented error shape (Messenger Platform "Common Error Codes", example response). */
function graphError(code: number, subcode?: number, message = 'Some message') {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(subcode === undefined ? {} : { error_subcode: subcode }),
      fbtrace_id: 'BLBz/WZt8dN',
    },
  };
}

describe(mapMetaMessagingFailure.name, () => {
  const cases: Array<[number, number | undefined, number, ProviderErrorCategory, boolean, number | undefined]> = [
    // code, subcode, HTTP status, category, retriable, retryAfterMs
    [1, undefined, 500, 'transient', true, undefined],
    [2, undefined, 500, 'transient', true, undefined],
    [1200, undefined, 500, 'transient', true, undefined],
    [4, undefined, 400, 'api_rate_limited', true, 60_000],
    [4, 2018022, 400, 'api_rate_limited', true, 60_000],
    [17, undefined, 400, 'api_rate_limited', true, 60_000],
    [32, undefined, 400, 'throttled', true, 60_000],
    [613, undefined, 400, 'throttled', true, 1_000],
    [80006, undefined, 400, 'throttled', true, 60_000],
    [10, 2018278, 400, 'outside_service_window', false, undefined],
    [10, 2018065, 400, 'outside_service_window', false, undefined],
    [10, 2534022, 400, 'outside_service_window', false, undefined],
    [10, undefined, 403, 'channel_blocked', false, undefined],
    [10, 1234, 403, 'channel_blocked', false, undefined],
    [100, 2018001, 400, 'recipient_unreachable', false, undefined],
    [100, 2018109, 400, 'invalid_request', false, undefined],
    [100, undefined, 400, 'invalid_request', false, undefined],
    [100, 33, 400, 'invalid_request', false, undefined],
    [102, undefined, 401, 'auth_expired', false, undefined],
    [190, undefined, 401, 'auth_expired', false, undefined],
    [190, 463, 400, 'auth_expired', false, undefined],
    [200, 1545041, 400, 'recipient_unreachable', false, undefined],
    [551, 1545041, 400, 'recipient_unreachable', false, undefined],
    [551, undefined, 400, 'recipient_unreachable', false, undefined],
    [200, undefined, 403, 'channel_blocked', false, undefined],
    [200, 2018028, 403, 'channel_blocked', false, undefined],
    [230, undefined, 403, 'channel_blocked', false, undefined],
    [299, undefined, 403, 'channel_blocked', false, undefined],
    [368, undefined, 400, 'channel_blocked', false, undefined],
    [9999, undefined, 400, 'unknown', false, undefined],
  ];

  it.each(cases)('maps code %p subcode %p (HTTP %p) to %p', (code, subcode, httpStatus, category, retriable, retryAfterMs) => {
    const error = mapMetaMessagingFailure({ httpStatus, body: graphError(code, subcode) });
    expect(error.category).toBe(category);
    expect(error.retriable).toBe(retriable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.code).toBe(subcode === undefined ? String(code) : `${code}/${subcode}`);
    expect(error.httpStatus).toBe(httpStatus);
  });

  it('keeps Meta message, trace id and the docs link', () => {
    const error = mapMetaMessagingFailure({
      httpStatus: 400,
      body: {
        error: {
          message: '(#10) This message is sent outside of allowed window.',
          type: 'OAuthException',
          code: 10,
          error_subcode: 2018278,
          error_user_msg: 'Reply within 24 hours.',
          fbtrace_id: 'AbC123',
        },
      },
    });
    expect(error).toEqual({
      code: '10/2018278',
      title: 'Outside the allowed messaging window',
      details: '(#10) This message is sent outside of allowed window. Reply within 24 hours.',
      retriable: false,
      category: 'outside_service_window',
      docsUrl: META_MESSAGING_ERROR_CODES_DOCS_URL,
      httpStatus: 400,
      traceId: 'AbC123',
    });
  });

  it('reads codes given as strings', () => {
    const error = mapMetaMessagingFailure({ httpStatus: 400, body: { error: { code: '10', error_subcode: '2018278' } } });
    expect(error.category).toBe('outside_service_window');
  });

  it('names an unknown code by Meta message', () => {
    const error = mapMetaMessagingFailure({ httpStatus: 400, body: graphError(424242, undefined, 'Something new') });
    expect(error).toMatchObject({ code: '424242', title: 'Something new', category: 'unknown', retriable: false });
  });

  it('falls back to the HTTP status when there is no Graph error', () => {
    expect(mapMetaMessagingFailure({ httpStatus: 502, body: '<html>Bad gateway</html>' })).toMatchObject({
      code: 'http_502',
      category: 'transient',
      retriable: true,
    });
    expect(mapMetaMessagingFailure({ httpStatus: 429, body: '' })).toMatchObject({ code: 'http_429', category: 'throttled', retriable: true });
    expect(mapMetaMessagingFailure({ httpStatus: 401, body: '' })).toMatchObject({ category: 'auth_expired', retriable: false });
    expect(mapMetaMessagingFailure({ httpStatus: 404, body: '' })).toMatchObject({ category: 'unknown', retriable: false });
    expect(mapMetaMessagingFailure({ body: undefined })).toMatchObject({ code: 'unknown', category: 'unknown' });
  });

  it('lets a known code win over a 5xx status', () => {
    expect(mapMetaMessagingFailure({ httpStatus: 500, body: graphError(190) }).category).toBe('auth_expired');
  });

  it('takes Retry-After over the default wait', () => {
    const error = mapMetaMessagingFailure({ httpStatus: 400, body: graphError(613), retryAfter: '7' });
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('takes the Business Use Case wait for a rate limit, not for a permanent error', () => {
    const usage = JSON.stringify({
      '1234567890': [{ type: 'messenger', call_count: 100, total_cputime: 25, total_time: 25, estimated_time_to_regain_access: 12 }],
    });
    expect(mapMetaMessagingFailure({ httpStatus: 400, body: graphError(80006), businessUseCaseUsage: usage }).retryAfterMs).toBe(12 * 60_000);
    expect(mapMetaMessagingFailure({ httpStatus: 400, body: graphError(190), businessUseCaseUsage: usage }).retryAfterMs).toBeUndefined();
  });
});

describe(metaMessagingErrorPolicy.name, () => {
  it('prefers the code with its subcode over the bare code', () => {
    expect(metaMessagingErrorPolicy(10, 2018278)?.category).toBe('outside_service_window');
    expect(metaMessagingErrorPolicy(10)?.category).toBe('channel_blocked');
    expect(metaMessagingErrorPolicy(100, 2018001)?.category).toBe('recipient_unreachable');
    expect(metaMessagingErrorPolicy(100, 2018002)?.category).toBe('invalid_request');
  });

  it('knows nothing of codes outside the table and the permission range', () => {
    expect(metaMessagingErrorPolicy(199)).toBeUndefined();
    expect(metaMessagingErrorPolicy(300)).toBeUndefined();
  });
});

describe(regainAccessMs.name, () => {
  it('takes the longest wait of all entries, in minutes', () => {
    const header = JSON.stringify({
      a: [{ estimated_time_to_regain_access: 3 }, { estimated_time_to_regain_access: 0 }],
      b: [{ estimated_time_to_regain_access: 5 }],
    });
    expect(regainAccessMs(header)).toBe(5 * 60_000);
  });

  it('is undefined when nothing names a wait', () => {
    expect(regainAccessMs(undefined)).toBeUndefined();
    expect(regainAccessMs('not json')).toBeUndefined();
    expect(regainAccessMs(JSON.stringify({ a: [{ estimated_time_to_regain_access: 0 }] }))).toBeUndefined();
    expect(regainAccessMs(JSON.stringify([1, 2]))).toBeUndefined();
  });
});
