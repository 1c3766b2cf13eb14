import { describe, expect, it } from '@jest/globals';
import { WORKER_QUEUE_NAMES } from './config.variables';
import { ConfigError } from './config.error';
import { EVENT_QUEUES, layoutQueues, parseWorkerLayout, SENDING_QUEUES } from './worker-layout.util';

describe('worker layout', () => {
  it('splits the queues into two halves that together are every queue, once', () => {
    expect([...SENDING_QUEUES, ...EVENT_QUEUES].sort()).toEqual([...WORKER_QUEUE_NAMES].sort());
  });

  it('gives the last worker(s) the events and the others the sends; shared, or one worker alone, drains everything', () => {
    expect([0, 1, 2].map((i) => layoutQueues('split', i, 3))).toEqual([
      'campaigns,messages',
      'campaigns,messages',
      'webhooks,callbacks,imports,maintenance',
    ]);
    expect([0, 1, 2].map((i) => layoutQueues('split', i, 3, 2))).toEqual([
      'campaigns,messages',
      'webhooks,callbacks,imports,maintenance',
      'webhooks,callbacks,imports,maintenance',
    ]);
    expect(layoutQueues('split', 0, 2, 5)).toBe('campaigns,messages'); // one always stays on the sends
    expect(layoutQueues('split', 0, 1)).toBeUndefined();
    expect(layoutQueues('shared', 1, 3)).toBeUndefined();
  });

  it('refuses a layout it does not know, by name', () => {
    expect(parseWorkerLayout('WORKER_LAYOUT', 'split')).toBe('split');
    expect(() => parseWorkerLayout('WORKER_LAYOUT', 'halves')).toThrow(new ConfigError('WORKER_LAYOUT', 'must be shared or split (got "halves")'));
  });
});
