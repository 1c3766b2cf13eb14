import { describe, expect, it } from '@jest/globals';
import { WORKER_QUEUE_NAMES } from '@herald/config';
import { ALL_QUEUES, WORKER_OPTIONS } from '@herald/queues';
import { CallbacksProcessor } from './callbacks/callbacks.processor';
import { CampaignsProcessor } from './campaigns/campaigns.processor';
import { ImportsProcessor } from './imports/imports.processor';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { MessagesProcessor } from './messages/messages.processor';
import { WebhooksProcessor } from './messages/webhooks.processor';

// @nestjs/bullmq keeps @Processor's queue name and worker options under these metadata keys.
const PROCESSOR_METADATA = 'bullmq:processor_metadata';
const WORKER_METADATA = 'bullmq:worker_metadata';
const PROCESSORS = [CallbacksProcessor, CampaignsProcessor, ImportsProcessor, MaintenanceProcessor, MessagesProcessor, WebhooksProcessor];

describe('worker options', () => {
  it('has every queue worked with the same BullMQ metrics setting, so /metrics can count processed jobs', () => {
    const metricsOf = Object.fromEntries(
      PROCESSORS.map((processor) => [
        (Reflect.getMetadata(PROCESSOR_METADATA, processor) as { name: string }).name,
        (Reflect.getMetadata(WORKER_METADATA, processor) as { metrics?: unknown } | undefined)?.metrics,
      ]),
    );
    expect(Object.keys(metricsOf).sort()).toEqual([...ALL_QUEUES].sort());
    for (const queue of ALL_QUEUES) expect([queue, metricsOf[queue]]).toEqual([queue, WORKER_OPTIONS.metrics]);
  });

  it('starts no queue by itself: the process starts those WORKER_QUEUES names, which are the queues', () => {
    for (const processor of PROCESSORS) {
      expect((Reflect.getMetadata(WORKER_METADATA, processor) as { autorun?: boolean }).autorun).toBe(false);
    }
    expect([...WORKER_QUEUE_NAMES].sort()).toEqual([...ALL_QUEUES].sort());
  });
});
