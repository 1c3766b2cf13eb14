import { describe, expect, it } from '@jest/globals';
import { errorOfLogLine, formatStackSummary, type StackSummary } from './stack-summary.util';

const LOCAL: StackSummary = {
  mode: 'local',
  workers: 2,
  apiUrl: 'http://localhost:3000',
  bullBoard: { user: 'admin', password: 'board-secret' },
  simulatorUrl: 'http://127.0.0.1:4010',
  demoApiKey: 'hrld_demo',
  tryLines: ['curl -s http://localhost:3000/v1/api-keys'],
  stackFile: '.data/stack.env',
  logs: { api: '.data/logs/api.log', 'worker-1': '.data/logs/worker-1.log' },
  services: [{ name: 'Postgres', where: 'postgres://postgres:***@127.0.0.1:5432/herald   (started here)' }],
};

describe(formatStackSummary.name, () => {
  it('holds every address, the Bull Board password, the demo key, the curl lines and where the files are', () => {
    const text = formatStackSummary(LOCAL);
    for (const line of [
      'Herald is up (local mode, 2 workers). Stop: Ctrl-C.',
      '  API           http://localhost:3000\n',
      'http://localhost:3000/docs   (OpenAPI 3: http://localhost:3000/docs-json)',
      'http://localhost:3000/health   (Postgres and Redis: http://localhost:3000/health/ready)',
      '  Metrics       http://localhost:3000/metrics\n',
      '  Console       http://localhost:3000/console',
      '  Bull Board    http://localhost:3000/admin/queues   user admin, password board-secret\n',
      '  Simulator     http://127.0.0.1:4010',
      '  Demo API key  hrld_demo\n',
      '  Postgres      postgres://postgres:***@127.0.0.1:5432/herald',
      '  Stack file    .data/stack.env',
      '  Logs          .data/logs/*.log (one per service)\n',
      'Try it:\n  curl -s http://localhost:3000/v1/api-keys\n',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('never prints a password it was not given (production mode)', () => {
    const text = formatStackSummary({ ...LOCAL, mode: 'production', bullBoard: { user: 'ops' }, demoApiKey: undefined, stackFile: undefined, tryLines: [] });
    expect(text).toContain('user ops, password from BULL_BOARD_PASSWORD');
    expect(text).not.toMatch(/Demo API key|Stack file|Try it/);
  });
});

describe(errorOfLogLine.name, () => {
  it('shows pino errors with their cause and keeps everything below error level in the file', () => {
    expect(errorOfLogLine('{"level":50,"msg":"send failed","err":{"message":"ECONNREFUSED"}}')).toBe('error: send failed: ECONNREFUSED');
    expect(errorOfLogLine('{"level":60,"msg":"cannot start"}')).toBe('fatal: cannot start');
    expect(errorOfLogLine('{"level":40,"msg":"slow"}')).toBeUndefined();
    expect(errorOfLogLine('{"level":30,"msg":"request completed"}')).toBeUndefined();
  });

  it('shows a plain line only when it reads like an error', () => {
    expect(errorOfLogLine('herald-worker: invalid configuration: SECRETS_KEY is missing')).toBeUndefined();
    expect(errorOfLogLine('Error: connect ECONNREFUSED 127.0.0.1:5432')).toBe('Error: connect ECONNREFUSED 127.0.0.1:5432');
    expect(errorOfLogLine('No pending migrations.')).toBeUndefined();
  });
});
