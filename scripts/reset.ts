// `npm run reset`: removes the local stack's data — everything `npm start` keeps under .data/ (the embedded Postgres
// and Redis data, generated secrets, the demo workspace's key, the stack file, the logs) and what it may have put
// under /var/lib/herald for this checkout. It stops nothing: while the stack (or a Postgres or Redis it started)
// still runs, it refuses and says what runs. It says what it removes before removing it; `--dry-run` only says.
import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { localDataOutside, processesUsingLocalData } from '@herald/local-services';

const ROOT = process.cwd();
const DATA_DIR = path.join(ROOT, '.data');
const OUTSIDE_ROOT = '/var/lib/herald';

async function main(): Promise<number> {
  const dryRun = process.argv.includes('--dry-run');
  const running = await processesUsingLocalData(ROOT);
  if (running.length > 0) {
    process.stderr.write(
      `reset: the local stack still runs: ${running.join('; ')}.\n` +
        'Stop it first (Ctrl-C in the terminal of `npm start`), then run `npm run reset` again. Nothing was removed.\n',
    );
    return 1;
  }
  const targets = [...(existsSync(DATA_DIR) ? [DATA_DIR] : []), ...(await localDataOutside(ROOT))];
  if (targets.length === 0) {
    process.stdout.write('reset: nothing to remove (no .data/ here, nothing of this checkout under /var/lib/herald).\n');
    return 0;
  }
  process.stdout.write(
    `reset: ${dryRun ? 'would remove' : 'removing'} the local stack's data (databases, generated secrets and API keys, logs):\n` +
      targets.map((target) => `  ${path.relative(ROOT, target).startsWith('..') ? target : path.relative(ROOT, target)}\n`).join(''),
  );
  if (dryRun) return 0;
  for (const target of targets) await rm(target, { recursive: true, force: true });
  // /var/lib/herald itself, once nothing of any checkout is left in it.
  await rmdir(OUTSIDE_ROOT).catch(() => undefined);
  process.stdout.write('reset: done. The next `npm start` begins afresh (new database, new secrets, a new demo key).\n');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`reset: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
