import { loadOrExit, loadWorkerConfig } from '@herald/config';
import { createWorkerApp, stopWorkerApp } from './worker.bootstrap';

async function main(): Promise<void> {
  const config = loadOrExit(() => loadWorkerConfig(), 'herald-worker');
  const app = createWorkerApp(config);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const since = Date.now();
    process.stderr.write(`herald-worker: ${signal} received, stopping\n`);
    // Asked to stop while still starting (Postgres retried, say): the grace period holds for the start as well.
    const notStarted = setTimeout(() => {
      process.stderr.write('herald-worker: grace period over before the worker had started, exiting\n');
      process.exit(1);
    }, config.shutdownGraceMs);
    app
      .then((ready) => {
        clearTimeout(notStarted);
        return stopWorkerApp(ready, config, since);
      })
      .then((outcome) => process.exit(outcome === 'drained' ? 0 : 1))
      .catch((error: unknown) => {
        process.stderr.write(`herald-worker: error while stopping: ${String(error)}\n`);
        process.exit(1);
      });
  };
  // Listening from the tick the start begins, not once the app is up: a signal with no listener kills the process,
  // and once the app is built its BullMQ workers take jobs while the start is still settling.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await app;
}

void main();
