// `npm start`: brings the whole stack up on this machine — Postgres and Redis (found or started), the
// migrations, the API, WORKERS worker processes and, once it exists, the provider simulator — and takes it
// all down again on Ctrl-C / SIGTERM. Compiled to dist/scripts/stack.js and run from the project root.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseDotenv } from 'dotenv';
import { formatLocalStack, layoutQueues, parseWorkerLayout, STACK_PID_VARIABLE, type WorkerLayout } from '@herald/config';
import { ensurePostgres, ensureRedis, errorOfLogLine, formatStackSummary, isPortFree, redactUrl, type ServiceHandle } from '@herald/local-services';

const ROOT = process.cwd();
const DATA_DIR = path.join(ROOT, '.data');
const SECRETS_FILE = path.join(DATA_DIR, 'local-secrets.json');
const DEMO_WORKSPACE_FILE = path.join(DATA_DIR, 'demo-workspace.json');
/** The demo channel's secrets (the API never returns them; the simulator forgets them at every stop). */
const DEMO_CHANNEL_FILE = path.join(DATA_DIR, 'demo-channel.json');
const DEMO_TELEGRAM_FILE = path.join(DATA_DIR, 'demo-telegram.json');
/** The demo Telegram bot's id at the simulator (its token is made once and kept with the channel). */
const DEMO_BOT_ID = '7000000000';
const SIMULATOR_SCRIPT = 'dist/apps/simulator/src/main.js';
const DEMO_NUMBER = { phoneNumberId: '100000000000001', wabaId: '200000000000001', displayPhoneNumber: '+1 555 010 0000' };
const DEMO_TEMPLATE = { name: 'order_update', language: 'en_US', text: 'Hi {{1}}, your order {{2}} has shipped.' };
/** This runner's pid and its children's, so a run after one that was killed outright can clean up. */
const STATE_FILE = path.join(DATA_DIR, 'stack.json');
/**
 * The addresses and secrets this start chose (shell syntax, 0600); read by the worker and the CLI through
 * @herald/config while this runner lives (its pid is in the file), and removed when it stops.
 */
const STACK_ENV_FILE = path.join(DATA_DIR, 'stack.env');
/**
 * The databases named in DATABASE_URL that this checkout's generated secrets were used with (redacted URLs).
 * Those databases are the user's and outlive `npm run reset`, so reset keeps the key to them (scripts/reset.ts).
 */
const EXTERNAL_DATABASES_FILE = path.join(DATA_DIR, 'external-databases.json');
const CLI = 'dist/apps/cli/src/main.js';

const READY_TIMEOUT_MS = 60_000;
/** How long children get to finish their work after SIGTERM before they are killed. */
const CHILD_STOP_TIMEOUT_MS = 20_000;
/** A second Ctrl-C this long after the first kills the children at once (npm may repeat the first one). */
const FORCE_AFTER_MS = 1_000;

/** The long-running processes; add one here (e.g. the simulator) and it is started, prefixed and stopped. */
interface ProcessSpec {
  name: string;
  script: string;
  args?: string[];
  /** Node.js flags, before the script. */
  nodeArgs?: string[];
  /** Started only when its build output exists (apps added by later work). */
  optional?: boolean;
  /** Variables of this process only, over the stack's environment. */
  env?: Record<string, string>;
}

/**
 * Node flags of the worker and the simulator, read from scripts/node-flags.json (the benchmarks read it too;
 * docker-compose.yml and the start:* npm scripts repeat them, and test/launch-flags.e2e-spec.ts keeps them equal).
 *
 * A sending worker allocates fast (thousands of requests a second) and V8 grows the old generation lazily:
 * left alone, a worker whose live heap is well under 100 MB reached 338 MB RSS in a 1,000,000-recipient run.
 * With the old generation capped it collects sooner and stays under 200 MB (docs/BENCHMARKS.md, scale).
 * Its garbage collection runs on the main thread only: collector threads competing for a few cores made
 * pauses of 5–20 ms, and a send held up longer than the lateness budget loses its rate-limit slot
 * (docs/BENCHMARKS.md, rate limits). The simulator shares the cores with the workers: its collector's helper
 * threads, too, held up sends past their slots.
 */
const NODE_FLAGS = JSON.parse(readFileSync(path.join(ROOT, 'scripts/node-flags.json'), 'utf8')) as {
  worker: string[];
  simulator: string[];
};

function processSpecs(workers: number, layout: WorkerLayout): ProcessSpec[] {
  return [
    { name: 'simulator', script: SIMULATOR_SCRIPT, optional: true, nodeArgs: NODE_FLAGS.simulator },
    { name: 'api', script: 'dist/apps/api/src/main.js' },
    ...Array.from({ length: workers }, (_, i): ProcessSpec => {
      // WORKER_LAYOUT=split: the last worker on the events, the others on the sends.
      const queues = layoutQueues(layout, i, workers);
      return {
        name: `worker-${i + 1}`,
        script: 'dist/apps/worker/src/main.js',
        nodeArgs: NODE_FLAGS.worker,
        ...(queues === undefined ? {} : { env: { WORKER_QUEUES: queues } }),
      };
    }),
  ];
}

/** Generated once per checkout in local mode and kept in .data/local-secrets.json; the environment wins. */
const LOCAL_SECRETS: ReadonlyArray<{ name: string; generate: () => string }> = [
  { name: 'ADMIN_TOKEN', generate: () => randomBytes(32).toString('base64url') },
  { name: 'SECRETS_KEY', generate: () => randomBytes(32).toString('base64') },
  { name: 'BULL_BOARD_USER', generate: () => 'admin' },
  { name: 'BULL_BOARD_PASSWORD', generate: () => randomBytes(18).toString('base64url') },
];

// ---------------------------------------------------------------------------------------------- output

/**
 * A quiet terminal: every service writes to its own file under .data/logs/ and the runner's own lines go to
 * .data/logs/stack.log; the terminal gets a few progress lines, anything that goes wrong (with the file to read),
 * and one summary block at the end.
 */
const LOG_DIR = path.join(DATA_DIR, 'logs');
const STACK_LOG = path.join(LOG_DIR, 'stack.log');
const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const COLOURS = [36, 35, 33, 32, 34, 91, 96, 95, 93, 92];
const colourOf = new Map<string, number>();
let stackLog: WriteStream | undefined;

function prefix(name: string): string {
  if (!useColour) return `[${name}] `;
  if (!colourOf.has(name)) colourOf.set(name, COLOURS[colourOf.size % COLOURS.length] ?? 36);
  return `\x1b[${colourOf.get(name)}m[${name}]\x1b[0m `;
}

/** A line for .data/logs/stack.log only. */
function note(line: string, name = 'stack'): void {
  stackLog?.write(`${new Date().toISOString()} [${name}] ${line}\n`);
}

/** A progress line for the terminal (and the log). */
function say(line = '', name = 'stack'): void {
  note(line, name);
  process.stdout.write(`${prefix(name)}${line}\n`);
}

/** Something went wrong: the terminal's stderr (and the log). */
function shout(line: string, name = 'stack'): void {
  note(line, name);
  process.stderr.write(`${prefix(name)}${line}\n`);
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', onLine);
  return new Promise((resolve) => lines.once('close', resolve));
}

async function openStackLog(): Promise<void> {
  await mkdir(LOG_DIR, { recursive: true, mode: 0o700 });
  stackLog = createWriteStream(STACK_LOG, { flags: 'w', mode: 0o600 });
}

function relative(file: string): string {
  const rel = path.relative(ROOT, file);
  return rel.startsWith('..') ? file : rel;
}

// ------------------------------------------------------------------------------------------- children

interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves with a description of how it ended, once its output is drained too. */
  ended: Promise<string>;
  done: boolean;
  /** Where its output goes. */
  logFile: string;
}

const children = new Set<Child>();
const services: ServiceHandle[] = [];
let stopping: Promise<void> | undefined;

/**
 * Starts `node <script>` in its own process group, so that a Ctrl-C in the terminal reaches only this
 * runner, which then stops the children in order (apps first, then the databases they use).
 */
function startNode(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, captureStdout = false, nodeArgs: string[] = []) {
  const logFile = path.join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'w', mode: 0o600 });
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  // The service's own lines go to its file; its errors reach the terminal too, with the file that has the rest.
  const toTerminal = (text: string) => shout(`${text}   (${relative(logFile)})`, name);
  const outputs = Promise.all([
    pipeLines(child.stdout, (line) => {
      log.write(`${line}\n`);
      if (captureStdout) stdout += `${line}\n`;
      const error = errorOfLogLine(line);
      if (error) toTerminal(error);
    }),
    pipeLines(child.stderr, (line) => {
      log.write(`${line}\n`);
      // While stopping, a service saying that it stops is expected; only its errors are worth a line.
      if (!stopping || errorOfLogLine(line)) toTerminal(line);
    }),
  ]).then(() => new Promise<void>((resolve) => log.end(resolve)));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  const entry: Child = {
    name,
    process: child,
    done: false,
    logFile,
    ended: Promise.all([exited, outputs]).then(([how]) => {
      entry.done = true;
      children.delete(entry);
      return how;
    }),
  };
  children.add(entry);
  void saveState();
  return { entry, stdout: () => stdout };
}

/** Runs a one-shot command to completion; resolves with its captured stdout when asked to capture it. */
async function runOnce(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, capture = false) {
  const { entry, stdout } = startNode(name, script, args, env, capture);
  const how = await entry.ended;
  return { ok: how === 'exit code 0', how, stdout: stdout() };
}

function signalChild(child: Child, signal: NodeJS.Signals, wholeGroup = false): void {
  const pid = child.process.pid;
  if (pid === undefined || child.done) return;
  try {
    process.kill(wholeGroup ? -pid : pid, signal);
  } catch {
    // already gone
  }
}

async function stopChildren(): Promise<void> {
  const running = [...children];
  if (running.length === 0) return;
  say(`stopping ${running.map((child) => child.name).join(', ')}`);
  for (const child of running) signalChild(child, 'SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children) {
      shout(`${child.name} did not stop within ${CHILD_STOP_TIMEOUT_MS / 1000} s: killing it`);
      signalChild(child, 'SIGKILL', true);
    }
  }, CHILD_STOP_TIMEOUT_MS);
  await Promise.all(running.map((child) => child.ended));
  clearTimeout(timer);
}

/** Stops everything (children first, then the services started here) and exits with `code`. */
function shutdown(code: number, reason?: string): Promise<void> {
  stopping ??= (async () => {
    if (reason) (code === 0 ? say : shout)(reason);
    // First, so that nothing joins a stack that is going away.
    if (ownsStackFile) await rm(STACK_ENV_FILE, { force: true });
    await stopChildren();
    for (const service of [...services].reverse()) {
      try {
        await service.stop();
      } catch (error) {
        shout(`could not stop a service: ${messageOf(error)}`);
      }
    }
    if (ownsStateFile) await savingState.then(() => rm(STATE_FILE, { force: true }));
    process.exit(code);
  })();
  return stopping;
}

function installSignalHandlers(): void {
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      firstSignalAt = Date.now();
      void shutdown(0, `${signal} received: shutting down (Ctrl-C again to kill at once)`);
      return;
    }
    if (Date.now() - firstSignalAt < FORCE_AFTER_MS) return;
    shout('killing everything now');
    for (const child of children) signalChild(child, 'SIGKILL', true);
  };
  // `npm start | tee log`: Ctrl-C ends tee too; keep shutting down cleanly without a place to print.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // If this runner dies some other way, do not leave the apps running on their own.
  process.on('exit', () => {
    for (const child of children) signalChild(child, 'SIGKILL', true);
    if (ownsStackFile) rmSync(STACK_ENV_FILE, { force: true });
  });
}

// --------------------------------------------------------------------- leftovers of a killed run

let savingState = Promise.resolve();
let ownsStateFile = false;
/** Set once this runner is the checkout's only one: from then on the stack file is this run's to write and remove. */
let ownsStackFile = false;

function saveState(): Promise<void> {
  ownsStateFile = true;
  const state = { pid: process.pid, children: [...children].flatMap((child) => child.process.pid ?? []) };
  savingState = savingState.then(() => writeFile(STATE_FILE, `${JSON.stringify(state)}\n`)).catch(() => undefined);
  return savingState;
}

/** Command line of a live process (Linux); empty where it cannot be read. */
async function commandLineOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses to run twice on one checkout, and stops apps left running by an earlier run that was killed
 * outright (SIGKILL). Postgres and Redis left running that way are reused by the local-services lib.
 */
async function clearLeftovers(): Promise<void> {
  let state: { pid?: unknown; children?: unknown };
  try {
    state = JSON.parse(await readFile(STATE_FILE, 'utf8')) as typeof state;
  } catch {
    return;
  }
  if (typeof state.pid === 'number' && state.pid !== process.pid && isAlive(state.pid)) {
    if ((await commandLineOf(state.pid)).includes('stack')) {
      throw new Error(`the stack already runs here (pid ${state.pid}): stop it first`);
    }
  }
  const pids = Array.isArray(state.children) ? state.children.filter((pid): pid is number => typeof pid === 'number') : [];
  const leftovers: number[] = [];
  for (const pid of pids) {
    if (isAlive(pid) && (await commandLineOf(pid)).includes('dist/apps/')) leftovers.push(pid);
  }
  if (leftovers.length === 0) return;
  say(`stopping ${leftovers.length} process(es) left running by an earlier run that was killed`);
  for (const pid of leftovers) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + CHILD_STOP_TIMEOUT_MS;
  while (leftovers.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  for (const pid of leftovers.filter(isAlive)) process.kill(-pid, 'SIGKILL');
}

// ------------------------------------------------------------------------------------- configuration

/** Reads `.env` into process.env without overriding variables that are already set. */
function loadDotenv(): void {
  const file = path.join(ROOT, '.env');
  if (!existsSync(file)) return;
  const values = parseDotenv(readFileSync(file));
  let count = 0;
  for (const [key, value] of Object.entries(values)) {
    if (process.env[key] !== undefined) continue;
    process.env[key] = value;
    count += 1;
  }
  say(`read ${count} setting(s) from .env`);
}

async function prepareDataDir(): Promise<void> {
  // 0755: as root, a Postgres started here runs as the `postgres` user and must reach .data/postgres.
  await mkdir(DATA_DIR, { recursive: true, mode: 0o755 });
}

async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/**
 * Local mode: fills in the secrets the environment lacks from .data/local-secrets.json, generating them once.
 * Resolves true when it generated any (a first start).
 */
async function applyLocalSecrets(): Promise<boolean> {
  let stored: Record<string, unknown> = {};
  if (existsSync(SECRETS_FILE)) {
    try {
      stored = JSON.parse(await readFile(SECRETS_FILE, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${path.relative(ROOT, SECRETS_FILE)} is not valid JSON (${messageOf(error)}): fix or delete it`, {
        cause: error,
      });
    }
  }
  let generated = false;
  for (const secret of LOCAL_SECRETS) {
    if (process.env[secret.name]) continue;
    const kept = stored[secret.name];
    if (typeof kept === 'string' && kept) {
      process.env[secret.name] = kept;
    } else {
      const value = secret.generate();
      stored[secret.name] = value;
      process.env[secret.name] = value;
      generated = true;
    }
  }
  if (generated) await writePrivateJson(SECRETS_FILE, stored);
  return generated;
}

function readPort(): number {
  const raw = process.env.PORT ?? '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`PORT must be a TCP port, got "${raw}"`);
  return port;
}

function readWorkers(): number {
  const raw = process.env.WORKERS ?? '1';
  const workers = Number(raw);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
    throw new Error(`WORKERS must be a whole number from 0 to 64, got "${raw}"`);
  }
  return workers;
}

// ------------------------------------------------------------------------------------------ the steps

interface DemoWorkspace {
  id: string;
  name: string;
  apiKey: string;
}

function parseDemoWorkspace(stdout: string): DemoWorkspace | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const value = JSON.parse(line) as Partial<DemoWorkspace>;
      if (typeof value.id === 'string' && typeof value.name === 'string' && typeof value.apiKey === 'string') {
        return { id: value.id, name: value.name, apiKey: value.apiKey };
      }
    } catch {
      // a log line
    }
  }
  return undefined;
}

/** Local mode: the Demo workspace, created on the first start (its API key kept in .data/demo-workspace.json). */
async function ensureDemoWorkspace(env: NodeJS.ProcessEnv): Promise<DemoWorkspace | undefined> {
  if (existsSync(DEMO_WORKSPACE_FILE)) return JSON.parse(await readFile(DEMO_WORKSPACE_FILE, 'utf8')) as DemoWorkspace;
  const result = await runOnce('cli', CLI, ['workspace', 'create', 'Demo', '--json'], env, true);
  if (stopping) return undefined;
  const workspace = result.ok ? parseDemoWorkspace(result.stdout) : undefined;
  if (!workspace) {
    shout(`could not create the Demo workspace (${result.how}); will try again next start   (${relative(path.join(LOG_DIR, 'cli.log'))})`);
    return undefined;
  }
  await writePrivateJson(DEMO_WORKSPACE_FILE, workspace);
  say(`created the Demo workspace (${workspace.id}); its API key is kept in ${relative(DEMO_WORKSPACE_FILE)}`);
  return workspace;
}

interface DemoChannel {
  id: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

async function callJson(url: string, method: string, body?: unknown, apiKey?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * Local mode with the simulator: the Demo workspace gets a channel wired to it (kept across starts), the
 * simulator learns the number, its webhook URL and an approved demo template (it keeps nothing across
 * restarts), and the curl lines to send a template message and watch it reach `read` are printed.
 */
async function ensureDemoChannel(workspace: DemoWorkspace, port: number, simulatorPort: number): Promise<string[]> {
  const api = `http://127.0.0.1:${port}`;
  const simulator = `http://127.0.0.1:${simulatorPort}`;
  let channel = existsSync(DEMO_CHANNEL_FILE) ? (JSON.parse(await readFile(DEMO_CHANNEL_FILE, 'utf8')) as DemoChannel) : undefined;
  if (channel && (await callJson(`${api}/v1/channels/${channel.id}`, 'GET', undefined, workspace.apiKey)).status !== 200) channel = undefined;
  if (!channel) {
    const secrets = {
      accessToken: `demo-${randomBytes(18).toString('base64url')}`,
      appSecret: randomBytes(24).toString('hex'),
      verifyToken: randomBytes(12).toString('hex'),
    };
    const created = await callJson(
      `${api}/v1/channels`,
      'POST',
      // The simulator does not model messaging tiers: the demo number may message any number of people a day.
      { type: 'whatsapp', name: 'Demo (simulator)', ...DEMO_NUMBER, ...secrets, graphBaseUrl: `${simulator}/v26.0`, messagingTier: 'unlimited' },
      workspace.apiKey,
    );
    if (created.status !== 201) throw new Error(`could not create the demo channel: ${JSON.stringify(created.body)}`);
    channel = { id: (created.body as { id: string }).id, ...secrets };
    await writePrivateJson(DEMO_CHANNEL_FILE, channel);
    note(`created the Demo workspace's channel ${channel.id}, wired to the simulator`);
  }
  const registered = await callJson(`${simulator}/_sim/phone-numbers/${DEMO_NUMBER.phoneNumberId}`, 'PUT', {
    wabaId: DEMO_NUMBER.wabaId,
    displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
    accessToken: channel.accessToken,
    appSecret: channel.appSecret,
    webhookUrl: `${api}/webhooks/whatsapp/${channel.id}`,
  });
  if (registered.status >= 300) throw new Error(`the simulator refused the demo number: ${JSON.stringify(registered.body)}`);
  await callJson(`${simulator}/_sim/templates`, 'PUT', {
    wabaId: DEMO_NUMBER.wabaId,
    name: DEMO_TEMPLATE.name,
    language: DEMO_TEMPLATE.language,
    category: 'UTILITY',
    status: 'APPROVED',
    components: [{ type: 'BODY', text: DEMO_TEMPLATE.text }],
  });
  const body = JSON.stringify({
    to: { number: '+919739978284', name: 'Asha' },
    type: 'template',
    template: { name: DEMO_TEMPLATE.name, language: DEMO_TEMPLATE.language, params: ['Asha', '#1042'] },
  });
  return [
    `# send a template message through the simulator, then read it until its status is "read":`,
    `curl -s -H "Authorization: Bearer ${workspace.apiKey}" -H 'Content-Type: application/json' \\`,
    `     -d '${body}' http://localhost:${port}/v1/messages`,
    `curl -s -H "Authorization: Bearer ${workspace.apiKey}" http://localhost:${port}/v1/messages/<id>`,
  ];
}

/**
 * Local mode: a Telegram bot on the simulator beside the WhatsApp number (kept across starts). The simulator forgets
 * the bot and its webhook at every stop, so both are given again each start, the webhook at this API's address.
 */
async function ensureDemoTelegram(workspace: DemoWorkspace, port: number, simulatorPort: number): Promise<void> {
  const api = `http://127.0.0.1:${port}`;
  const simulator = `http://127.0.0.1:${simulatorPort}`;
  let bot = existsSync(DEMO_TELEGRAM_FILE) ? (JSON.parse(await readFile(DEMO_TELEGRAM_FILE, 'utf8')) as { id?: string; botToken: string; webhookSecret: string }) : undefined;
  bot ??= { botToken: `${DEMO_BOT_ID}:${randomBytes(24).toString('base64url')}`, webhookSecret: randomBytes(18).toString('base64url') };
  const registered = await callJson(`${simulator}/_sim/telegram-bots/${DEMO_BOT_ID}`, 'PUT', { token: bot.botToken, username: 'herald_demo_bot', firstName: 'Herald demo' });
  if (registered.status >= 300) throw new Error(`the simulator refused the demo bot: ${JSON.stringify(registered.body)}`);
  if (bot.id && (await callJson(`${api}/v1/channels/${bot.id}`, 'GET', undefined, workspace.apiKey)).status !== 200) delete bot.id;
  if (!bot.id) {
    const created = await callJson(
      `${api}/v1/channels`,
      'POST',
      { type: 'telegram', name: 'Demo bot (simulator)', botToken: bot.botToken, webhookSecret: bot.webhookSecret, apiBaseUrl: simulator },
      workspace.apiKey,
    );
    if (created.status !== 201) throw new Error(`could not create the demo Telegram channel: ${JSON.stringify(created.body)}`);
    bot.id = (created.body as { id: string }).id;
    await writePrivateJson(DEMO_TELEGRAM_FILE, bot);
    note(`created the Demo workspace's Telegram channel ${bot.id}, wired to the simulator`);
  }
  // At this API's own address (PUBLIC_URL may name another port locally), with the channel's secret.
  const hooked = await callJson(`${simulator}/bot${bot.botToken}/setWebhook`, 'POST', { url: `${api}/webhooks/telegram/${bot.id}`, secret_token: bot.webhookSecret });
  if (hooked.status >= 300) throw new Error(`the simulator refused the demo bot's webhook: ${JSON.stringify(hooked.body)}`);
  const send = JSON.stringify({
    channelId: bot.id,
    to: '424242',
    type: 'buttons',
    buttons: { text: 'Hi Asha! Want the deal?', buttons: [{ type: 'postback', title: 'Yes', payload: 'DEAL_YES' }, { type: 'url', title: 'Shop', url: 'https://example.com' }] },
  });
  note(
    [
      'Telegram through the simulator: a user starts the demo bot, then Herald writes to them:',
      `  curl -s -H 'Content-Type: application/json' -d '{"chatId":424242,"firstName":"Asha","text":"/start"}' ${simulator}/_sim/telegram-bots/${DEMO_BOT_ID}/updates`,
      `  curl -s -H "Authorization: Bearer ${workspace.apiKey}" -H 'Content-Type: application/json' \\`,
      `       -d '${send}' http://localhost:${port}/v1/messages`,
    ].join('\n'),
  );
}

/** Whether the API knows the Demo workspace's key: only a 401 says it does not (anything else is not about the key). */
async function demoKeyAccepted(port: number, apiKey: string): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/api-keys`, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    return response.status !== 401;
  } catch {
    return true;
  }
}

async function waitUntilReady(port: number): Promise<boolean> {
  const url = `http://127.0.0.1:${port}/health/ready`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** The addresses and local secrets this start chose, for `npm run start:worker`, `npm run cli` and a shell. */
async function writeStackFile(env: NodeJS.ProcessEnv, values: { apiUrl: string; simulatorUrl?: string; apiKey?: string }): Promise<void> {
  const names = ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'SECRETS_KEY', 'ADMIN_TOKEN', 'BULL_BOARD_USER', 'BULL_BOARD_PASSWORD', 'PORT', 'PUBLIC_URL', 'CALLBACK_ALLOW_PRIVATE_URLS', 'MEDIA_ALLOW_PRIVATE_URLS'];
  const text = formatLocalStack(
    {
      [STACK_PID_VARIABLE]: String(process.pid),
      ...Object.fromEntries(names.map((name) => [name, env[name] || undefined])),
      HERALD_URL: values.apiUrl,
      SIMULATOR_URL: values.simulatorUrl,
      HERALD_API_KEY: values.apiKey,
    },
    [
      `Written by npm start (pid ${process.pid}) at ${new Date().toISOString()}: the addresses and local secrets of the stack it runs.`,
      'npm run start:worker and npm run cli read it for every variable the environment lacks (the environment wins),',
      `only while that npm start runs (${STACK_PID_VARIABLE}); it removes this file when it stops.`,
      'In a shell: set -a; . .data/stack.env; set +a',
    ],
  );
  await writeFile(STACK_ENV_FILE, text, { mode: 0o600 });
  await chmod(STACK_ENV_FILE, 0o600);
}

/** A database at the DATABASE_URL given, not one started (or found left running) here with its data under .data/. */
function isNamedDatabase(postgres: ServiceHandle, given: string | undefined): boolean {
  return given !== undefined && postgres.url === given && !postgres.startedHere && postgres.logFile === undefined;
}

/** Notes that the local secrets now seal data in a database that is the user's, before anything is sealed there. */
async function recordExternalDatabase(url: string): Promise<void> {
  let databases: string[] = [];
  try {
    const stored = JSON.parse(await readFile(EXTERNAL_DATABASES_FILE, 'utf8')) as { databases?: unknown };
    if (Array.isArray(stored.databases)) databases = stored.databases.filter((d): d is string => typeof d === 'string');
  } catch {
    // none yet
  }
  if (databases.includes(redactUrl(url))) return;
  await writePrivateJson(EXTERNAL_DATABASES_FILE, { databases: [...databases, redactUrl(url)] });
}

function serviceRow(name: string, service: ServiceHandle): { name: string; where: string } {
  const log = service.logFile ? `, log ${relative(service.logFile)}` : '';
  return { name, where: `${redactUrl(service.url)}${service.startedHere ? `   (started here${log})` : '   (already running)'}` };
}

async function main(): Promise<void> {
  installSignalHandlers();
  loadDotenv();
  const local = process.env.NODE_ENV !== 'production';
  const port = readPort();
  const workers = readWorkers();
  const layout = parseWorkerLayout('WORKER_LAYOUT', process.env.WORKER_LAYOUT ?? 'shared');

  const missing = ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js', CLI].filter(
    (file) => !existsSync(path.join(ROOT, file)),
  );
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` first (npm start does)`);

  await prepareDataDir();
  await clearLeftovers();
  // A file left by a run that was killed outright names a database and key that may not be this run's.
  ownsStackFile = true;
  await rm(STACK_ENV_FILE, { force: true });
  await openStackLog();
  await saveState();
  say(`starting Herald; each service logs to ${relative(LOG_DIR)}/<service>.log`);
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} is already in use: stop what uses it or choose another, e.g. PORT=3001 npm start`);
  }
  const simulatorWanted = local && existsSync(path.join(ROOT, SIMULATOR_SCRIPT));
  if (simulatorWanted && !(await isPortFree(Number(process.env.SIMULATOR_PORT ?? 4010)))) {
    throw new Error(`the simulator's port ${process.env.SIMULATOR_PORT ?? 4010} is in use: stop what uses it or set SIMULATOR_PORT`);
  }
  if (local) {
    if (await applyLocalSecrets()) say(`generated the local secrets (admin token, secrets key, Bull Board password) in ${relative(SECRETS_FILE)}`);
  } else {
    for (const name of ['DATABASE_URL', 'REDIS_URL']) {
      if (!process.env[name]) throw new Error(`${name} must be set when NODE_ENV=production`);
    }
  }

  // The slow steps (a first initdb, installing Redis, copying binaries) are told on the terminal; the rest is logged.
  const progress = (name: string) => (line: string) => (/initialising|installing|copying|creating the system user/i.test(line) ? say : note)(line, name);
  // In production only the given servers are used; locally an unset or silent URL means "start one here".
  services.push(
    await ensurePostgres({ url: process.env.DATABASE_URL, dataDir: path.join(DATA_DIR, 'postgres'), startLocal: local, log: progress('postgres') }),
  );
  if (stopping) return;
  services.push(await ensureRedis({ url: process.env.REDIS_URL, dataDir: path.join(DATA_DIR, 'redis'), startLocal: local, log: progress('redis') }));
  if (stopping) return;

  const [postgres, redis] = services as [ServiceHandle, ServiceHandle];
  if (local && isNamedDatabase(postgres, process.env.DATABASE_URL)) await recordExternalDatabase(postgres.url);
  const simulatorPort = Number(process.env.SIMULATOR_PORT ?? 4010);
  const apiUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    PORT: String(port),
    SIMULATOR_PORT: String(simulatorPort),
    // The demo's messages go all the way to "read" unless told otherwise (the simulator's own default is 60 %).
    SIMULATOR_DELIVERED_PROBABILITY: process.env.SIMULATOR_DELIVERED_PROBABILITY ?? '1',
    SIMULATOR_READ_PROBABILITY: process.env.SIMULATOR_READ_PROBABILITY ?? '1',
    // Locally, callback receivers and header media usually live on this machine: the SSRF guards are off unless .env
    // says otherwise; and tracked links point at this API unless PUBLIC_URL says otherwise.
    ...(local
      ? {
          CALLBACK_ALLOW_PRIVATE_URLS: process.env.CALLBACK_ALLOW_PRIVATE_URLS ?? 'true',
          MEDIA_ALLOW_PRIVATE_URLS: process.env.MEDIA_ALLOW_PRIVATE_URLS ?? 'true',
          PUBLIC_URL: process.env.PUBLIC_URL || apiUrl,
        }
      : {}),
  };

  const migrations = await runOnce('migrate', CLI, ['migration', 'run'], env);
  if (stopping) return;
  if (!migrations.ok) return shutdown(1, `migrations failed (${migrations.how}): see ${relative(path.join(LOG_DIR, 'migrate.log'))}`);

  let workspace = local ? await ensureDemoWorkspace(env) : undefined;
  if (stopping) return;
  const simulatorUrl = simulatorWanted ? `http://127.0.0.1:${simulatorPort}` : undefined;
  if (local) await writeStackFile(env, { apiUrl, simulatorUrl, apiKey: workspace?.apiKey });

  const start = (specs: readonly ProcessSpec[]): string[] => {
    const names: string[] = [];
    for (const spec of specs) {
      if (spec.optional && !existsSync(path.join(ROOT, spec.script))) continue;
      const { entry } = startNode(spec.name, spec.script, spec.args ?? [], { ...env, ...spec.env }, false, spec.nodeArgs);
      names.push(spec.name);
      void entry.ended.then((how) => {
        if (!stopping) void shutdown(1, `${spec.name} stopped unexpectedly (${how}): shutting everything down; its log: ${relative(entry.logFile)}`);
      });
    }
    return names;
  };
  // The workers start last: the simulator keeps nothing across restarts, and a worker that resumed a run before the
  // demo number and template were registered with it again failed those sends for good ("object does not exist").
  const specs = processSpecs(workers, layout);
  const isWorker = (spec: ProcessSpec) => spec.name.startsWith('worker-');
  const started = start(specs.filter((spec) => !isWorker(spec)));
  say(`started ${started.join(', ')}; waiting for the API, then ${specs.filter(isWorker).map((spec) => spec.name).join(', ')}`);

  if (!(await waitUntilReady(port))) {
    if (!stopping) await shutdown(1, `the API did not answer 200 on /health/ready within ${READY_TIMEOUT_MS / 1000} s: see ${relative(path.join(LOG_DIR, 'api.log'))}`);
    return;
  }
  if (workspace && !(await demoKeyAccepted(port, workspace.apiKey))) {
    // The file outlived its database (a new DATABASE_URL, a dropped database): its key would only ever answer 401.
    say(`the Demo workspace in ${relative(DEMO_WORKSPACE_FILE)} (${workspace.id}) is not in this database: creating a new one`);
    await rm(DEMO_WORKSPACE_FILE, { force: true });
    workspace = await ensureDemoWorkspace(env);
    if (stopping) return;
    await writeStackFile(env, { apiUrl, simulatorUrl, apiKey: workspace?.apiKey });
  }
  let tryLines: string[] = workspace ? [`curl -s -H "Authorization: Bearer ${workspace.apiKey}" ${apiUrl}/v1/api-keys`] : [];
  if (simulatorWanted && workspace) {
    await ensureDemoChannel(workspace, port, simulatorPort)
      .then((lines) => (tryLines = [...tryLines, ...lines]))
      .catch((error: unknown) => shout(`demo channel: ${messageOf(error)}`));
    await ensureDemoTelegram(workspace, port, simulatorPort).catch((error: unknown) => shout(`demo Telegram channel: ${messageOf(error)}`));
  }
  if (stopping) return;
  note(`starting ${start(specs.filter(isWorker)).join(', ')}`);
  const logs = Object.fromEntries([...children].map((child) => [child.name, relative(child.logFile)]));
  const summary = formatStackSummary({
    mode: local ? 'local' : 'production',
    workers,
    apiUrl,
    bullBoard: { user: env.BULL_BOARD_USER ?? 'admin', ...(local ? { password: env.BULL_BOARD_PASSWORD } : {}) },
    simulatorUrl,
    demoApiKey: workspace?.apiKey,
    tryLines,
    stackFile: local ? relative(STACK_ENV_FILE) : undefined,
    logs: { ...logs, stack: relative(STACK_LOG) },
    services: [serviceRow('Postgres', postgres), serviceRow('Redis', redis)],
  });
  note(summary);
  process.stdout.write(summary);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

void main().catch((error: unknown) => shutdown(1, `error: ${messageOf(error)}`));
