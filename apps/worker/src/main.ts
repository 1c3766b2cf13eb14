import { loadOrExit, loadWorkerConfig } from '@herald/config';
import { createWorkerApp, stopWorkerApp } from './worker.bootstrap';

async function main(): Promise<void> {
  const config = loadOrExit(() => loadWorkerConfig(), 'herald-worker');
  const app = await createWorkerApp(config);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`herald-worker: ${signal} received, stopping\n`);
    stopWorkerApp(app, config)
      .then((outcome) => process.exit(outcome === 'drained' ? 0 : 1))
      .catch((error: unknown) => {
        process.stderr.write(`herald-worker: error while stopping: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
