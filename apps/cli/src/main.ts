import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadCoreConfig, loadOrExit, type CoreConfig } from '@herald/config';
import { createDataSourceOptions } from '@herald/database';
import { ENTITIES } from '@herald/schema';
import { WorkspacesService } from '@herald/workspaces';
import { CliModule } from './cli.module';
import { runImport } from './import.command';
import { UsageError } from './usage.error';
import { apiTarget, watchBlastCommand, watchImportCommand, watchRunCommand } from './watch.command';
import { existsSync, readFileSync } from 'node:fs';
import { csvEncoding, type ImportRequest } from '@herald/contacts';
import type { HeraldError } from '@herald/common';

const USAGE = `usage: npm run cli -- <command>

  workspace create <name> [--json]   create a workspace and print its first API key (shown once)

  --workspace defaults to $HERALD_WORKSPACE, then the local demo workspace, then the only workspace.
  import contacts FILE --audience ID [--name NAME] [--default-country CC] [--encoding ENC] [--workspace ID]
                                     import a CSV of contacts into an audience (NAME creates it)
  import variables FILE --group ID [--name NAME] [--audience ID] [--default-country CC] [--encoding ENC] [--workspace ID]
                                     import a CSV into a variable group (NAME creates it)
  --encoding: the file's when it is not UTF-8 and has no byte order mark (e.g. windows-1252); UTF-16 with one is read as such.
  migration run                      apply every pending migration
  migration revert                   undo the most recent migration
  migration show                     list migrations and whether each is applied

  Watching, through the HTTP API (--url and --key, else $HERALD_URL and $HERALD_API_KEY, else .data/stack.env):
  runs watch RUN_ID [--url URL] [--key KEY]      a run's progress bar (rate, ETA, counts per status) until it ends
  blasts watch BLAST_ID [--url URL] [--key KEY]  the same for a blast
  imports watch IMPORT_ID [--url URL] [--key KEY]
                                     an import's rows and counts until it ends
  A watch exits 0 when it completed, 1 when it failed, 2 when it was cancelled; without a terminal it prints a line
  per update instead of a bar.`;

async function withDataSource<T>(config: CoreConfig, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const dataSource = new DataSource(createDataSourceOptions(config, ENTITIES, 'herald-cli'));
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function migration(config: CoreConfig, action: string | undefined): Promise<void> {
  await withDataSource(config, async (ds) => {
    if (action === 'run') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      console.log(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.map((m) => m.name).join(', ')}.`);
    } else if (action === 'revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the most recent migration.');
    } else if (action === 'show') {
      const executed = new Set((await ds.query('SELECT name FROM migrations').catch(() => []) as Array<{ name: string }>).map((r) => r.name));
      for (const m of ds.migrations) console.log(`${executed.has(m.name ?? '') ? '[x]' : '[ ]'} ${m.name ?? m.constructor.name}`);
    } else {
      throw new UsageError(`unknown migration action "${action ?? ''}"`);
    }
  });
}

async function workspaceCreate(config: CoreConfig, args: string[]): Promise<void> {
  const json = args.includes('--json');
  const name = args.filter((a) => a !== '--json').join(' ').trim();
  if (!name) throw new UsageError('workspace create needs a name');
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const created = await app.get(WorkspacesService).createWorkspace(name);
    if (json) {
      console.log(JSON.stringify(created));
    } else {
      console.log(`Workspace "${created.name}" created (id ${created.id}).`);
      console.log(`API key (shown once, store it now): ${created.apiKey}`);
    }
  } finally {
    await app.close();
  }
}

/** `--key value` options and the positional arguments left over. */
function options(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
      i += 1;
    } else positional.push(arg);
  }
  return { positional, flags };
}

async function resolveWorkspace(app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>, flag: string | undefined): Promise<string> {
  if (flag) return flag;
  if (process.env.HERALD_WORKSPACE) return process.env.HERALD_WORKSPACE;
  const demo = '.data/demo-workspace.json';
  if (existsSync(demo)) return (JSON.parse(readFileSync(demo, 'utf8')) as { id: string }).id;
  const sole = await app.get(WorkspacesService).soleWorkspaceId();
  if (sole) return sole;
  throw new UsageError('say which workspace with --workspace ID (there is more than one, or none)');
}

async function importCsv(config: CoreConfig, what: string | undefined, args: string[]): Promise<boolean> {
  const { positional, flags } = options(args);
  const file = positional[0];
  if (!file) throw new UsageError('import needs a FILE');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const defaultCountry = flags['default-country']?.toUpperCase();
  let encoding: string | undefined;
  try {
    encoding = csvEncoding(flags.encoding);
  } catch (error) {
    throw new UsageError(`--encoding ${(error as HeraldError).details[0]?.issue ?? 'is not an encoding'}`);
  }
  let request: ImportRequest;
  if (what === 'contacts') {
    if (!flags.audience) throw new UsageError('import contacts needs --audience ID');
    request = { kind: 'audience_contacts', audienceId: flags.audience, audienceName: flags.name, defaultCountry };
  } else if (what === 'variables') {
    if (!flags.group) throw new UsageError('import variables needs --group ID');
    request = { kind: 'variable_group_values', groupId: flags.group, groupName: flags.name, audienceId: flags.audience, defaultCountry };
  } else {
    throw new UsageError(`unknown import "${what ?? ''}": contacts or variables`);
  }
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const workspaceId = await resolveWorkspace(app, flags.workspace);
    return await runImport(app, { file, workspaceId, request, ...(encoding ? { encoding } : {}) });
  } finally {
    await app.close();
  }
}

/** `runs|blasts|imports watch ID`: no database here, only the public API. */
async function watch(what: 'runs' | 'blasts' | 'imports', args: string[]): Promise<number> {
  const { positional, flags } = options(args);
  const [id, ...extra] = positional;
  if (!id || extra.length > 0) throw new UsageError(`${what} watch needs one id`);
  const unknown = Object.keys(flags).filter((f) => f !== 'url' && f !== 'key');
  if (unknown.length > 0) throw new UsageError(`${what} watch takes --url and --key only (not --${unknown.join(', --')})`);
  const target = apiTarget(flags);
  if (what === 'runs') return watchRunCommand(target, id);
  if (what === 'blasts') return watchBlastCommand(target, id);
  return watchImportCommand(target, id);
}

async function main(argv: string[]): Promise<void> {
  const [group, action, ...rest] = argv;
  if (group === undefined || group === 'help' || group === '--help') {
    console.log(USAGE);
    return;
  }
  if (action === 'watch' && (group === 'runs' || group === 'blasts' || group === 'imports')) {
    process.exitCode = await watch(group, rest);
    return;
  }
  const config = loadOrExit(() => loadCoreConfig(), 'herald-cli');
  if (group === 'migration') return migration(config, action);
  if (group === 'workspace' && action === 'create') return workspaceCreate(config, rest);
  if (group === 'import') {
    if (!(await importCsv(config, action, rest))) process.exitCode = 1;
    return;
  }
  throw new UsageError(`unknown command "${argv.join(' ')}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`herald-cli: ${error.message}\n\n${USAGE}\n`);
    process.exit(64);
  }
  process.stderr.write(`herald-cli: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
