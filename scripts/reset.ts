// `npm run reset`: removes the local stack's data — everything `npm start` keeps under .data/ (the embedded Postgres
// and Redis data, generated secrets, the demo workspace's key, the stack file, the logs) and what it may have put
// under /var/lib/herald for this checkout. It stops nothing: while the stack (or a Postgres or Redis it started)
// still runs, it refuses and says what runs. It says what it removes before removing it; `--dry-run` only says.
//
// A database named in DATABASE_URL is the user's and reset leaves it alone; its data stays, so the key to it stays
// too: when the stack's generated secrets were used with such a database, reset keeps the files that tie this
// checkout to what it holds (`--force` removes them as well).
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { localDataOutside, processesUsingLocalData, redactUrl } from '@herald/local-services';

const ROOT = process.cwd();
const DATA_DIR = path.join(ROOT, '.data');
const OUTSIDE_ROOT = '/var/lib/herald';
/** Where scripts/stack.ts records the databases named in DATABASE_URL that the generated secrets were used with. */
const EXTERNAL_DATABASES_FILE = 'external-databases.json';
/**
 * What ties the checkout to a database's content (names as scripts/stack.ts writes them): the SECRETS_KEY that
 * seals its channels' tokens, and the ids and keys of the Demo workspace and its channels stored in it. Without
 * them, channels there can no longer be decrypted and the next start makes a second Demo workspace.
 */
const BOUND_TO_DATABASE = ['local-secrets.json', 'demo-workspace.json', 'demo-channel.json', 'demo-telegram.json', EXTERNAL_DATABASES_FILE];

function shown(target: string): string {
  const relative = path.relative(ROOT, target);
  return relative.startsWith('..') ? target : relative;
}

/**
 * The databases named in DATABASE_URL that hold data sealed with the local secrets: as recorded by `npm start`, or,
 * for a stack that recorded nothing and started no Postgres here, the DATABASE_URL of the environment or `.env`.
 */
function namedDatabases(): string[] {
  try {
    const stored = JSON.parse(readFileSync(path.join(DATA_DIR, EXTERNAL_DATABASES_FILE), 'utf8')) as { databases?: unknown };
    if (Array.isArray(stored.databases)) return stored.databases.filter((d): d is string => typeof d === 'string');
  } catch {
    // not recorded
  }
  const envFile = path.join(ROOT, '.env');
  const given = process.env.DATABASE_URL || (existsSync(envFile) ? parseDotenv(readFileSync(envFile)).DATABASE_URL : undefined);
  return given && !existsSync(path.join(DATA_DIR, 'postgres')) ? [redactUrl(given)] : [];
}

async function main(): Promise<number> {
  const dryRun = process.argv.includes('--dry-run');
  const force = process.argv.includes('--force');
  const running = await processesUsingLocalData(ROOT);
  if (running.length > 0) {
    process.stderr.write(
      `reset: the local stack still runs: ${running.join('; ')}.\n` +
        'Stop it first (Ctrl-C in the terminal of `npm start`), then run `npm run reset` again. Nothing was removed.\n',
    );
    return 1;
  }
  const databases = existsSync(DATA_DIR) ? namedDatabases() : [];
  const bound = databases.length === 0 ? [] : BOUND_TO_DATABASE.filter((name) => existsSync(path.join(DATA_DIR, name)));
  const kept = force ? [] : bound;
  const inside = !existsSync(DATA_DIR)
    ? []
    : kept.length === 0
      ? [DATA_DIR]
      : (await readdir(DATA_DIR)).filter((name) => !kept.includes(name)).map((name) => path.join(DATA_DIR, name));
  const targets = [...inside, ...(await localDataOutside(ROOT))];
  if (targets.length === 0 && kept.length === 0) {
    process.stdout.write('reset: nothing to remove (no .data/ here, nothing of this checkout under /var/lib/herald).\n');
    return 0;
  }
  if (targets.length > 0) {
    process.stdout.write(
      `reset: ${dryRun ? 'would remove' : 'removing'} the local stack's data ` +
        `(${kept.length > 0 ? 'all but the files tied to your database, below' : 'databases, generated secrets and API keys, logs'}):\n` +
        targets.map((target) => `  ${shown(target)}\n`).join(''),
    );
  }
  if (force && bound.length > 0) {
    process.stdout.write(
      `reset: --force: the data in ${databases.join(', ')} stays, but the SECRETS_KEY that sealed its channels' tokens ` +
        `${dryRun ? 'would go: they could' : 'goes: they can'} no longer be decrypted there.\n`,
    );
  }
  if (kept.length > 0) {
    process.stdout.write(
      `reset: ${dryRun ? 'would keep' : 'kept'} ${kept.map((name) => shown(path.join(DATA_DIR, name))).join(', ')}:\n` +
        `  the database in DATABASE_URL (${databases.join(', ')}) is yours and reset leaves it alone; it holds\n` +
        "  channel tokens sealed with the SECRETS_KEY kept here, and the Demo workspace. Without these files its channels\n" +
        '  could not be decrypted and the next `npm start` would make a second Demo workspace.\n' +
        '  Once you have emptied that database, `npm run reset -- --force` removes them too.\n',
    );
  }
  if (dryRun) return 0;
  for (const target of targets) await rm(target, { recursive: true, force: true });
  // /var/lib/herald itself, once nothing of any checkout is left in it.
  await rmdir(OUTSIDE_ROOT).catch(() => undefined);
  process.stdout.write(
    kept.length > 0
      ? 'reset: done. The next `npm start` uses that database again, with the same secrets and Demo workspace.\n'
      : 'reset: done. The next `npm start` begins afresh (new database, new secrets, a new demo key).\n',
  );
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
