import { afterAll, describe, expect, it } from '@jest/globals';
import type { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { NO_KICK, type CallbackOutbox } from '@herald/callbacks';
import type { ChannelsService } from '@herald/channels';
import type { CoreConfig, WorkerConfig } from '@herald/config';
import { JobName, JobQueue, QUEUE_OF_JOB, requeuedJobId } from '@herald/queues';
import type { SendWorkers, StatusReceivers } from '@herald/sending';
import { MessageRecovery } from './message-recovery.service';
import type { MessageRepository } from './message.repository';

// Real BullMQ queues on the test run's Redis, under a prefix of this spec's own; Postgres is stood in for by
// the ids the repositories would have found.
const prefix = `${process.env.REDIS_PREFIX ?? 'herald-test'}-recovery`;
const connection = { url: process.env.REDIS_URL! };
const queues = new Map(
  [JobName.SendMessage].map((name) => {
    const queueName = QUEUE_OF_JOB[name];
    return [queueName, new Queue(queueName, { connection, prefix })] as const;
  }),
);
const moduleRef = { get: (token: string) => [...queues.values()].find((q) => token.endsWith(q.name)) } as unknown as ModuleRef;
const jobQueue = new JobQueue(moduleRef, { sendMaxAttempts: 3 } as CoreConfig);

const messageIds = ['0b6f1f0e-7a51-4f0e-9d6c-1a2b3c4d5e6f', '6a1d9e2c-3b4f-4c5d-8e7f-9a0b1c2d3e4f'];
const recovery = new MessageRecovery(
  {
    // One never left a worker that is gone (queued again at once), one is in doubt and released on the evidence.
    claimants: async () => ['8f0c1d2e-3a4b-4c5d-9e6f-7a8b9c0d1e2f'],
    releaseNeverSent: async (buried: Array<{ id: string }>) => (buried.length === 1 ? [messageIds[0]] : []),
    recoverable: async () => [messageIds[1]],
    inDoubt: async () => ({ since: null, channelIds: [] }),
    expireOverdue: async () => [],
    transaction: async (work: (m: unknown) => Promise<unknown>) => work({}),
  } as unknown as MessageRepository,
  jobQueue,
  { record: async () => NO_KICK, kick: async () => undefined } as unknown as CallbackOutbox,
  { receipts: async () => ({ uptime: '{}', channelIds: [], received: [], anyReceived: '{}', workerIds: [], workersGoneAt: [] }) } as unknown as StatusReceivers,
  { providerTimeoutMs: 15_000 } as WorkerConfig,
  { bury: async (ids: string[]) => ids.map((id) => ({ id, departed: '{}' })) } as unknown as SendWorkers,
  { platformsOf: async () => [] } as unknown as ChannelsService,
);

describe('MessageRecovery', () => {
  afterAll(async () => {
    for (const queue of queues.values()) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('hands lost messages to workers again as jobs BullMQ accepts', async () => {
    expect(await recovery.requeueMessages(600)).toEqual({ requeued: 2, expired: 0 });
    const jobs = await queues.get(QUEUE_OF_JOB[JobName.SendMessage])!.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => (j.data as { messageId: string }).messageId).sort()).toEqual([...messageIds].sort());
    for (const job of jobs) expect(job.id).toMatch(new RegExp(`^${(job.data as { messageId: string }).messageId}-again-\\d+$`));
  });

  it('makes ids without a colon, distinct from the first job and from other rounds', () => {
    const ids = [requeuedJobId('webhook-71', 1), requeuedJobId('webhook-71', 2)];
    expect(ids.every((id) => !id.includes(':'))).toBe(true);
    expect(new Set([...ids, 'webhook-71']).size).toBe(3);
  });
});
