import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { WorkerConfig } from '@herald/config';
import { stopWorkerApp } from './worker.bootstrap';
import type { DrainOutcome } from './worker-pool.service';

/** An app whose pool drains as told and whose close() takes `closeMs` (never, when null). */
function fakeApp(drain: (graceMs: number) => Promise<DrainOutcome>, closeMs: number | null) {
  const close = jest.fn(() =>
    closeMs === null ? new Promise<void>(() => undefined) : new Promise<void>((r) => setTimeout(r, closeMs)),
  );
  const app = { get: () => ({ drain }), close } as unknown as INestApplicationContext;
  return { app, close };
}

const config = (shutdownGraceMs: number) => ({ shutdownGraceMs }) as WorkerConfig;

describe('stopWorkerApp', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('drains, closes the app and reports drained', async () => {
    const { app, close } = fakeApp(async () => 'drained', 10);
    expect(await stopWorkerApp(app, config(1_000))).toBe('drained');
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('does not let a close that never finishes hold the stop past the grace period, and says so', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { app } = fakeApp(async () => 'drained', null);
    const started = Date.now();
    expect(await stopWorkerApp(app, config(300))).toBe('grace_expired');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(String(warn.mock.calls[0]?.[0])).toContain('over while closing connections');
  });

  it('counts the grace period from the signal: draining and closing get what is left of it', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let given = -1;
    const { app } = fakeApp(async (graceMs) => ((given = graceMs), 'drained'), null);
    const started = Date.now();
    expect(await stopWorkerApp(app, config(500), started - 300)).toBe('grace_expired');
    expect(given).toBeLessThanOrEqual(200);
    expect(Date.now() - started).toBeLessThan(450);
  });

  it('does not close the app when jobs were still active at the end of the grace period', async () => {
    const { app, close } = fakeApp(async () => 'grace_expired', 10);
    expect(await stopWorkerApp(app, config(100))).toBe('grace_expired');
    expect(close).not.toHaveBeenCalled();
  });
});
