import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger as NestLogger } from '@nestjs/common';
import { ParameterFreeQueryLogger } from './query-logger.util';

describe('ParameterFreeQueryLogger', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("logs a failed statement by its SQLSTATE, error and SQL, never its parameters", () => {
    const warn = jest.spyOn(NestLogger.prototype, 'warn').mockImplementation(() => undefined);
    const error = Object.assign(new Error('stack depth limit exceeded'), { code: '54001' });
    const body = `{"entry":${'['.repeat(5_000)}"a customer's private words"${']'.repeat(5_000)}}`;
    // TypeORM hands the parameters too; they are not read.
    const logger: { logQueryError(error: Error, query: string, parameters: unknown[]): void } = new ParameterFreeQueryLogger();
    logger.logQueryError(error, 'INSERT INTO webhook_events (channel_id, body)\n   VALUES ($1, $2::json) RETURNING id', ['c1', body]);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]![0]);
    expect(line).toBe('statement failed (54001): stack depth limit exceeded — INSERT INTO webhook_events (channel_id, body) VALUES ($1, $2::json) RETURNING id');
    expect(line).not.toContain('private words');
  });

  it('logs nothing for statements that succeed', () => {
    const log = jest.spyOn(NestLogger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(NestLogger.prototype, 'warn').mockImplementation(() => undefined);
    new ParameterFreeQueryLogger().logQuery();
    expect([log.mock.calls.length, warn.mock.calls.length]).toEqual([0, 0]);
  });
});
