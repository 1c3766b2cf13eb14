import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const INSTALL_HINT = 'install it with `apt-get install -y chromium` (as root)';
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function lookUp(): string | undefined {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  for (const dir of dirs) for (const name of NAMES) if (executable(join(dir, name))) return join(dir, name);
  return undefined;
}

/**
 * Debian's Chromium, installed with apt-get where it is missing and this process is root (as the local stack does
 * for Redis); otherwise an error that says the command to run.
 */
export function findChromium(log: (line: string) => void = (l) => process.stderr.write(`[browser] ${l}\n`)): string {
  const found = lookUp();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform !== 'linux' || !isRoot || !executable('/usr/bin/apt-get')) throw new Error(`Chromium is not installed: ${INSTALL_HINT}`);
  log('Chromium is not installed: installing the chromium package with apt-get (this takes a minute or two)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('/usr/bin/apt-get', args, { env, encoding: 'utf8', timeout: 600_000 });
    if (result.status !== 0) {
      const reason = (result.stderr ?? '').trim().split('\n').pop() || `exit code ${result.status}`;
      throw new Error(`Chromium is not installed and \`apt-get ${args[0]}\` failed (${reason}): ${INSTALL_HINT}`);
    }
  }
  const installed = lookUp();
  if (!installed) throw new Error(`apt-get installed no chromium binary: ${INSTALL_HINT}`);
  log(`installed ${installed}`);
  return installed;
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile (deleted on close) and no traffic of its own (no sync, updates or
 * background fetches), so a test sees only what the page does.
 */
export async function launchBrowser(viewport = { width: 1280, height: 860 }): Promise<Browser> {
  const executablePath = findChromium();
  const profile = mkdtempSync(join(tmpdir(), 'herald-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    acceptDownloads: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
