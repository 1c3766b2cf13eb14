import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadCoreConfig, loadOrExit, type CoreConfig } from '@herald/config';
import { createDataSourceOptions } from '@herald/database';
import { ENTITIES } from '@herald/schema';
import { WorkspacesService } from '@herald/workspaces';
import { CliModule } from './cli.module';

const USAGE = `usage: npm run cli -- <command>

  workspace create <name> [--json]   create a workspace and print its first API key (shown once)
  migration run                      apply every pending migration
  migration revert                   undo the most recent migration
  migration show                     list migrations and whether each is applied`;

class UsageError extends Error {}

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

async function main(argv: string[]): Promise<void> {
  const [group, action, ...rest] = argv;
  if (group === undefined || group === 'help' || group === '--help') {
    console.log(USAGE);
    return;
  }
  const config = loadOrExit(() => loadCoreConfig(), 'herald-cli');
  if (group === 'migration') return migration(config, action);
  if (group === 'workspace' && action === 'create') return workspaceCreate(config, rest);
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
