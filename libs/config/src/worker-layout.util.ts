import { ConfigError } from './config.error';
import type { WorkerQueueName } from './config.variables';

/**
 * How a set of worker processes shares the queues (docs/SENDING.md, "Worker layout"): `shared`, each drains every
 * queue; `split`, the sends (SENDING_QUEUES) apart from everything else (EVENT_QUEUES), so that applying statuses,
 * posting callbacks or parsing a CSV never holds a send past its rate-limit slot. `npm start` (WORKER_LAYOUT) and the
 * benchmarks (`--layout`) lay workers out with this; docker-compose.yml writes the same two lists as text.
 */
export type WorkerLayout = 'shared' | 'split';

export const SENDING_QUEUES: readonly WorkerQueueName[] = ['campaigns', 'messages'];
export const EVENT_QUEUES: readonly WorkerQueueName[] = ['webhooks', 'callbacks', 'imports', 'maintenance'];

export function parseWorkerLayout(name: string, value: string): WorkerLayout {
  if (value === 'shared' || value === 'split') return value;
  throw new ConfigError(name, `must be shared or split (got "${value.slice(0, 20)}")`);
}

/**
 * WORKER_QUEUES of worker `index` (from 0) of `count` in `layout`, or undefined for every queue. Split: the last
 * `eventWorkers` drain EVENT_QUEUES, the others SENDING_QUEUES; at least one stays on the sends, and a worker alone
 * drains everything.
 */
export function layoutQueues(layout: WorkerLayout, index: number, count: number, eventWorkers = 1): string | undefined {
  if (layout === 'shared' || count < 2) return undefined;
  const events = Math.min(Math.max(1, eventWorkers), count - 1);
  return (index >= count - events ? EVENT_QUEUES : SENDING_QUEUES).join(',');
}
