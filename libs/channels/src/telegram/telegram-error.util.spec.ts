import { describe, expect, it } from '@jest/globals';
import { mapTelegramFailure, telegramTransportError } from './telegram-error.util';

/** A Bot API failure as Telegram answers it (core.telegram.org/bots/api#making-requests). */
function failure(errorCode: number, description: string, parameters?: Record<string, unknown>) {
  return { ok: false, error_code: errorCode, description, ...(parameters === undefined ? {} : { parameters }) };
}

describe(mapTelegramFailure.name, () => {
  it('reads a 429 as throttled and waits retry_after seconds', () => {
    // The answer as seen in the wild (shared/CHANNEL-FACTS.md §3, S32).
    const error = mapTelegramFailure({
      httpStatus: 429,
      body: failure(429, 'Too Many Requests: retry after 34', { retry_after: 34 }),
    });
    expect(error).toEqual({
      code: '429',
      title: 'Too Many Requests',
      details: 'Too Many Requests: retry after 34',
      retriable: true,
      category: 'throttled',
      httpStatus: 429,
      docsUrl: 'https://core.telegram.org/bots/api#making-requests',
      retryAfterMs: 34_000,
    });
  });

  it('takes the wait from the description, then from Retry-After, when parameters has none', () => {
    expect(mapTelegramFailure({ httpStatus: 429, body: failure(429, 'Too Many Requests: retry after 7') }).retryAfterMs).toBe(
      7_000,
    );
    expect(mapTelegramFailure({ httpStatus: 429, body: failure(429, 'Too Many Requests'), retryAfter: '3' }).retryAfterMs).toBe(
      3_000,
    );
    expect(mapTelegramFailure({ httpStatus: 429, body: failure(429, 'Too Many Requests') }).retryAfterMs).toBeUndefined();
  });

  it.each([
    [403, 'Forbidden: bot was blocked by the user', 'Bot blocked by the user'],
    [403, "Forbidden: bot can't initiate conversation with a user", 'User never started the bot'],
    [403, 'Forbidden: user is deactivated', 'User account deleted'],
    [403, 'Forbidden: bot was kicked from the group chat', 'Bot removed from the chat'],
    [400, 'Bad Request: chat not found', 'Chat not found'],
  ])('reads %i "%s" as recipient_unreachable, not retriable', (code, description, title) => {
    const error = mapTelegramFailure({ httpStatus: code, body: failure(code, description) });
    expect(error).toMatchObject({
      code: String(code),
      title,
      details: description,
      category: 'recipient_unreachable',
      retriable: false,
    });
  });

  it.each([
    [401, 'Unauthorized'],
    [404, 'Not Found'],
  ])('reads %i (a token Telegram does not accept) as auth_expired', (code, description) => {
    expect(mapTelegramFailure({ httpStatus: code, body: failure(code, description) })).toMatchObject({
      code: String(code),
      title: description,
      category: 'auth_expired',
      retriable: false,
    });
  });

  it('reads any other 400 as invalid_request, titled by the status text', () => {
    const error = mapTelegramFailure({ httpStatus: 400, body: failure(400, 'Bad Request: message text is empty') });
    expect(error).toMatchObject({ code: '400', title: 'Bad Request', category: 'invalid_request', retriable: false });
  });

  it('needs the code and the words to agree: either alone falls back to the status class', () => {
    // Words of a block under another code: Telegram changed its codes, so do not skip the contact on a guess.
    expect(mapTelegramFailure({ httpStatus: 400, body: failure(400, 'Bad Request: bot was blocked by the user') }).category).toBe(
      'invalid_request',
    );
    // A 403 whose words Herald does not know: permanent and reported, not an unreachable contact.
    expect(
      mapTelegramFailure({ httpStatus: 403, body: failure(403, 'Forbidden: not enough rights to send photos') }),
    ).toMatchObject({
      category: 'invalid_request',
      title: 'Forbidden',
    });
  });

  it('tells the new chat of a group upgraded to a supergroup', () => {
    const error = mapTelegramFailure({
      httpStatus: 400,
      body: failure(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001234567890 }),
    });
    expect(error.category).toBe('invalid_request');
    expect(error.details).toContain('-1001234567890');
  });

  it('reads 5xx as transient and retriable', () => {
    expect(mapTelegramFailure({ httpStatus: 502, body: failure(502, 'Bad Gateway') })).toMatchObject({
      code: '502',
      category: 'transient',
      retriable: true,
    });
  });

  it('reads an answer that is not the Bot API JSON as transient', () => {
    expect(mapTelegramFailure({ httpStatus: 502, body: '<html>502 Bad Gateway</html>' })).toMatchObject({
      code: 'http_502',
      category: 'transient',
      retriable: true,
      httpStatus: 502,
    });
    expect(mapTelegramFailure({ httpStatus: 200, body: { result: true } })).toMatchObject({
      code: 'http_200',
      category: 'transient',
    });
  });

  it('uses the HTTP status when error_code is missing', () => {
    expect(mapTelegramFailure({ httpStatus: 401, body: { ok: false, description: 'Unauthorized' } })).toMatchObject({
      code: '401',
      category: 'auth_expired',
    });
  });
});

describe(telegramTransportError.name, () => {
  const token = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';

  it('names a timeout timeout, which Herald treats as in doubt', () => {
    const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(telegramTransportError(error, token)).toMatchObject({ code: 'timeout', category: 'transient', retriable: true });
    expect(telegramTransportError({ code: 'UND_ERR_HEADERS_TIMEOUT', message: 'Headers Timeout Error' }, token).code).toBe(
      'timeout',
    );
  });

  it('names a failed connection network_error and never repeats the token', () => {
    const error = Object.assign(new Error(`connect ECONNREFUSED for /bot${token}/sendMessage`), { code: 'ECONNREFUSED' });
    const mapped = telegramTransportError(error, token);
    expect(mapped).toMatchObject({ code: 'network_error', category: 'transient', retriable: true });
    expect(mapped.details).toContain('ECONNREFUSED');
    expect(mapped.details).not.toContain(token);
    expect(mapped.details).toContain('<bot token>');
  });
});
