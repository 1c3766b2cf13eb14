import { describe, expect, it, jest } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import type { PinoLogger } from '@herald/logging';
import { HeraldError } from '@herald/common';
import { ErrorFilter } from './error.filter';
import type { VendorErrorShape } from './vendor-error-shape.types';

const VENDOR: VendorErrorShape = {
  prefix: '/compat/acme/',
  render: ({ status, body }) => ({ status: status === 401 ? 403 : status, body: { failure: body.error.message }, headers: { 'X-Acme': 'yes' } }),
};

function answer(path: string, error: unknown) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json: (body: unknown) => void (sent.body = body),
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ path, id: 'req-1' }), getResponse: () => response }) } as unknown as ArgumentsHost;
  const logger = { setContext: jest.fn(), error: jest.fn() } as unknown as PinoLogger;
  new ErrorFilter(logger, [VENDOR]).catch(error, host);
  return sent;
}

describe('ErrorFilter', () => {
  it("answers Herald's shape outside a vendor's prefix", () => {
    const sent = answer('/v1/messages', new HeraldError('unauthorized', 'api_key_invalid', 'The API key is unknown.'));
    expect(sent).toEqual({ status: 401, body: { error: { code: 'api_key_invalid', message: 'The API key is unknown.', details: [] } }, headers: { 'Content-Type': 'application/json; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="herald"' } });
  });

  it("answers the vendor's shape, status and headers under its prefix", () => {
    const sent = answer('/compat/acme/v1/send', new HeraldError('unauthorized', 'api_key_invalid', 'The API key is unknown.'));
    expect(sent).toEqual({ status: 403, body: { failure: 'The API key is unknown.' }, headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Acme': 'yes' } });
    expect(answer('/compat/acmeother/x', new HeraldError('invalid', 'bad', 'Bad.')).body).toEqual({ error: { code: 'bad', message: 'Bad.', details: [] } });
  });
});
