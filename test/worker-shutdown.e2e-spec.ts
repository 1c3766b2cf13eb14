import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client } from 'pg';
import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '@herald/database';
import { dropDatabase, ensureDatabase, withDatabase } from '@herald/local-services';
import { JobName, QueueName } from '@herald/queues';
import { ENTITIES } from '@herald/schema';

/**
 * A real worker process (the build `npm run start:worker` runs) is stopped while a job is active. The job is
 * held active by a row lock the test owns: the job's DELETE waits on it until the test lets go.
 */
describe('worker shutdown', () => {
  let db: Client;
  let queue: Queue;
  let events: QueueEvents;
  const connection = { url: process.env.REDIS_URL! };
  // A prefix of its own: no jobs or schedules left by other specs' workers can keep this worker busy.
  const prefix = `${process.env.REDIS_PREFIX!}-shutdown`;
  // And a database of its own: with no campaign epoch under its prefix, the worker's reconciler would otherwise
  // rebuild (and send) the running runs of the other spec files, and its recovery jobs take up their messages.
  const adminUrl = process.env.HERALD_TEST_ADMIN_DATABASE_URL!;
  const database = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_shutdown`;
  const databaseUrl = withDatabase(adminUrl, database);

  beforeAll(async () => {
    await ensureDatabase(adminUrl, database);
    const ds = new DataSource(createDataSourceOptions({ databaseUrl, databasePoolSize: 1 }, ENTITIES));
    ds.setOptions({ logging: false });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    queue = new Queue(QueueName.Maintenance, { connection, prefix });
    events = new QueueEvents(QueueName.Maintenance, { connection, prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await queue?.close();
    await events?.close();
    await db?.end();
    await dropDatabase(adminUrl, database);
  });

  interface Worker {
    child: ChildProcess;
    output: () => string;
    /** How the process ended, listened for from the start: a worker the signal killed outright is reported. */
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }

  /** `slowStart`: the worker takes 1.5 s longer to start after its BullMQ workers have begun taking jobs. */
  function startWorker(env: Record<string, string>, opts: { slowStart?: boolean } = {}): Worker {
    const preload = opts.slowStart ? ['--import', './test/support/slow-start.mjs'] : [];
    const child = spawn(process.execPath, [...preload, 'dist/apps/worker/src/main.js'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    return { child, output: () => output, exited };
  }

  const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

  /** Inserts a key revoked long ago and locks it, so the purge job blocks on it. */
  async function holdPurgeJob(): Promise<{ release: () => Promise<void>; purged: () => Promise<boolean> }> {
    const ws = await db.query("INSERT INTO workspaces (name) VALUES ('shutdown test') RETURNING id");
    const key = await db.query(
      "INSERT INTO api_keys (workspace_id, prefix, key_hash, revoked_at) VALUES ($1, 'hrld_x', md5(random()::text) || md5(random()::text), now() - interval '400 days') RETURNING id",
      [ws.rows[0].id],
    );
    await db.query('BEGIN');
    await db.query("SELECT id FROM api_keys WHERE revoked_at < now() - interval '300 days' FOR UPDATE");
    return {
      release: async () => void (await db.query('COMMIT')),
      purged: async () => (await db.query('SELECT 1 FROM api_keys WHERE id = $1', [key.rows[0].id])).rowCount === 0,
    };
  }

  async function waitForOutput(worker: Worker, text: string): Promise<void> {
    for (let i = 0; i < 300 && !worker.output().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
    expect(worker.output()).toContain(text);
  }

  async function waitForActive(jobId: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await queue.getJobState(jobId)) === 'active') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job never became active (state ${await queue.getJobState(jobId)})`);
  }

  /** SIGTERM while the job is active; the job is let go 0.5 s later and must finish before the worker exits 0. */
  async function stopsAfterTheActiveJob(worker: Worker, jobId: string, lock: { release: () => Promise<void>; purged: () => Promise<boolean> }): Promise<void> {
    await waitForActive(jobId);
    worker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(running(worker.child)).toBe(true); // still waiting for the job
    await lock.release();

    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await queue.getJobState(jobId)).toBe('completed');
    // The key is gone: by this job, or by the hourly purge the worker scheduled at its start, which waited on the
    // same lock (whichever asked for the row first deletes it; the other finds nothing).
    expect((await queue.getJob(jobId))!.returnvalue).toEqual({ deleted: expect.any(Number) });
    expect(await lock.purged()).toBe(true);
    expect(worker.output()).toContain('SIGTERM received');
    expect(worker.output()).toContain('all active jobs finished');
  }

  it('lets the active job finish on SIGTERM, then exits 0', async () => {
    const lock = await holdPurgeJob();
    const worker = startWorker({ WORKER_SHUTDOWN_GRACE_MS: '20000' });
    const job = await queue.add(JobName.PurgeRevokedApiKeys, {}, { jobId: `shutdown-ok-${Date.now()}` });
    await stopsAfterTheActiveJob(worker, job.id!, lock);
  }, 60_000);

  it('does the same when SIGTERM comes while it is still starting, its workers already taking jobs', async () => {
    const lock = await holdPurgeJob();
    const worker = startWorker({ WORKER_SHUTDOWN_GRACE_MS: '20000' }, { slowStart: true });
    const job = await queue.add(JobName.PurgeRevokedApiKeys, {}, { jobId: `shutdown-starting-${Date.now()}` });
    await stopsAfterTheActiveJob(worker, job.id!, lock);
  }, 60_000);

  it('drains only the queues WORKER_QUEUES names: a job of another queue waits for a worker that drains it', async () => {
    const events = startWorker({ WORKER_QUEUES: 'webhooks,callbacks' });
    const job = await queue.add(JobName.PurgeRevokedApiKeys, {}, { jobId: `queues-${Date.now()}` });
    await waitForOutput(events, 'draining webhooks, callbacks');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await queue.getJobState(job.id!)).toBe('waiting');
    const maintenance = startWorker({ WORKER_QUEUES: 'maintenance' });
    await waitForOutput(maintenance, 'draining maintenance');
    for (let i = 0; i < 200 && (await queue.getJobState(job.id!)) !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await queue.getJobState(job.id!)).toBe('completed');
    for (const worker of [events, maintenance]) {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('gives up after the grace period and leaves the job to be retried', async () => {
    const lock = await holdPurgeJob();
    const { child, output, exited } = startWorker({ WORKER_SHUTDOWN_GRACE_MS: '300' });
    const job = await queue.add(JobName.PurgeRevokedApiKeys, {}, { jobId: `shutdown-grace-${Date.now()}` });
    await waitForActive(job.id!);
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(output()).toContain('grace period over');
    expect(await queue.getJobState(job.id!)).toBe('active'); // locked until it stalls, then retried
    await lock.release();
    await queue.remove(job.id!).catch(() => undefined);
  }, 60_000);
});
