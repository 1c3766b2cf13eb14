import { describe, expect, it } from '@jest/globals';
import { ALL_QUEUES, JOBS_OF_QUEUE, JobName, QUEUE_OF_JOB, callbackJobIds } from './queue.constants';

describe('the queue contract', () => {
  it('puts every job on exactly one queue', () => {
    const listed = Object.values(JOBS_OF_QUEUE).flat();
    expect([...listed].sort()).toEqual(Object.values(JobName).sort());
    expect(new Set(listed).size).toBe(listed.length);
    for (const job of Object.values(JobName)) expect(ALL_QUEUES).toContain(QUEUE_OF_JOB[job]);
  });

  describe('callbackJobIds', () => {
    it('gives each delivery target a fixed set of ids without colons', () => {
      const ids = callbackJobIds({ endpointId: 'e1' });
      expect(ids).toEqual(['cb-e1-0', 'cb-e1-1']);
      expect(callbackJobIds({ directWorkspaceId: 'w1' })).toEqual(['cbw-w1-0', 'cbw-w1-1']);
      expect(ids.join('')).not.toContain(':');
    });
  });

  it('keeps the names that jobs in flight already carry', () => {
    // Renaming any of these strands queued jobs: add new names instead.
    expect(ALL_QUEUES).toEqual(['maintenance', 'imports', 'messages', 'webhooks', 'campaigns', 'callbacks']);
    expect(Object.values(JobName)).toEqual([
      'purge-revoked-api-keys',
      'requeue-imports',
      'process-import',
      'send-message',
      'apply-webhooks',
      'requeue-messages',
      'requeue-webhooks',
      'register-template',
      'start-run',
      'send-chunk',
      'reconcile-campaigns',
      'read-channel-limits',
      'sync-templates',
      'deliver-callbacks',
      'purge-callbacks',
      'purge-failed-webhooks',
    ]);
  });
});
