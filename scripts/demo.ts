// `npm run demo`: drives a running local stack (`npm start`) through Herald's whole campaign flow over the
// public HTTP API — a CSV import of 1,000 contacts into a new audience, a variable group with a value per
// contact, a campaign with buttons, a run scheduled a few seconds ahead — and follows the run with a progress
// bar until it ends, then prints its results. Compiled to dist/scripts/demo.js and run from the project root.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { RunCounts, RunResults as Results } from '@herald/campaigns';
import { withLocalStack } from '@herald/config';

const ROOT = process.cwd();
/** Written by `npm start` on its first local start (field `apiKey`). */
const DEMO_WORKSPACE_FILE = path.join(ROOT, '.data', 'demo-workspace.json');
/** Written by `npm start` when the simulator runs: the Demo workspace's channel wired to it (field `id`). */
const DEMO_CHANNEL_FILE = path.join(ROOT, '.data', 'demo-channel.json');

const CONTACT_COUNT = 1_000;
/** Contacts get +91 99100 00000, +91 99100 00001…: valid Indian mobile numbers, so none is refused. */
const FIRST_NUMBER = 919_910_000_000;
/** The run starts this long after it is created, so the "scheduled" phase can be seen. */
const START_DELAY_S = 5;
const POLL_INTERVAL_MS = 300;
const IMPORT_TIMEOUT_MS = 2 * 60_000;
const RUN_TIMEOUT_MS = 5 * 60_000;
/** After the run ends, the simulator's last delivered/read webhooks may still be on their way. */
const RECEIPTS_WAIT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 30_000;
const TERMINAL_RUN_STATUSES = new Set(['completed', 'cancelled', 'failed']);

const FIRST_NAMES = ['Asha', 'Ravi', 'Priya', 'Arjun', 'Meera', 'Kabir', 'Ananya', 'Vikram', 'Divya', 'Rohan', 'Isha', 'Karan'];
const LAST_NAMES = ['Rao', 'Sharma', 'Iyer', 'Patel', 'Nair', 'Gupta', 'Reddy', 'Menon', 'Das', 'Singh'];

// ------------------------------------------------------------------------------------------- errors

/** A problem the demo cannot go on after: its message is printed as is and the demo exits with 1. */
class DemoError extends Error {}

/** A non-2xx answer; Herald's error body is `{error: {code, message, details}}`. */
class ApiError extends DemoError {
  constructor(
    readonly method: string,
    readonly route: string,
    readonly status: number,
    readonly apiMessage: string,
    readonly details: ReadonlyArray<{ field?: string; issue?: string }>,
  ) {
    super(`${method} ${route} failed with HTTP ${status}: ${apiMessage}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------- configuration

interface DemoConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The demo channel, only when the key is the Demo workspace's own (another workspace would not know it). */
  readonly channelId?: string;
}

function readJsonFile(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new DemoError(`${path.relative(ROOT, file)} is not valid JSON (${messageOf(error)})`);
  }
}

/** HERALD_API_URL, else HERALD_URL (the environment's, else the one `npm start` wrote to .data/stack.env), else PORT. */
function readBaseUrl(): string {
  const explicit = process.env.HERALD_API_URL?.trim() || withLocalStack().HERALD_URL?.trim();
  if (explicit) return explicit.replace(/\/+$/, '');
  return `http://localhost:${process.env.PORT?.trim() || '3000'}`;
}

/** HERALD_API_KEY, else the Demo workspace's key that `npm start` keeps in .data/demo-workspace.json. */
function readConfig(baseUrl: string): DemoConfig {
  const fromEnv = process.env.HERALD_API_KEY?.trim();
  if (fromEnv) return { baseUrl, apiKey: fromEnv };
  const apiKey = readJsonFile(DEMO_WORKSPACE_FILE)?.apiKey;
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new DemoError(
      `no API key: set HERALD_API_KEY, or run \`npm start\` once so that it creates the Demo workspace (${path.relative(ROOT, DEMO_WORKSPACE_FILE)})`,
    );
  }
  const channelId = readJsonFile(DEMO_CHANNEL_FILE)?.id;
  return { baseUrl, apiKey, ...(typeof channelId === 'string' ? { channelId } : {}) };
}

// -------------------------------------------------------------------------------------------- the API

/**
 * Liveness only (`GET /health` needs no key), checked before anything else so that "nothing listens there"
 * gets its own one-line answer instead of a fetch error from the first real call.
 */
async function isReachable(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(3_000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** A thin JSON client: every answer outside 2xx becomes an ApiError carrying Herald's error message. */
class HeraldApi {
  constructor(private readonly config: DemoConfig) {}

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  get<T>(route: string): Promise<T> {
    return this.request<T>('GET', route);
  }

  post<T>(route: string, body: unknown): Promise<T> {
    return this.request<T>('POST', route, JSON.stringify(body), 'application/json');
  }

  /** Sends a raw body (the CSV upload) with its own content type. */
  postRaw<T>(route: string, body: string, contentType: string): Promise<T> {
    return this.request<T>('POST', route, body, contentType);
  }

  private async request<T>(method: string, route: string, body?: string, contentType?: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.config.baseUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.apiKey}`,
          accept: 'application/json',
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      throw new DemoError(`${method} ${route} got no answer from ${this.config.baseUrl}: ${messageOf(cause ?? error)}`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) throw toApiError(method, route, response.status, parsed, text);
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(method: string, route: string, status: number, parsed: unknown, text: string): ApiError {
  const error = (parsed as { error?: { message?: unknown; details?: unknown } } | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 300) || '(empty body)';
  const details = Array.isArray(error?.details) ? (error.details as Array<{ field?: string; issue?: string }>) : [];
  return new ApiError(method, route, status, message, details);
}

// ------------------------------------------------------------------------------------------- output

const isTty = Boolean(process.stdout.isTTY);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const formatCount = (n: number) => n.toLocaleString('en');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function step(text: string): void {
  process.stdout.write(`\n▸ ${text}\n`);
}

function info(text: string): void {
  process.stdout.write(`  ${text}\n`);
}

/** Whether a status line is open on the terminal, so that an error printed now starts on a line of its own. */
let lineOpen = false;

/**
 * One status line that changes in place on a terminal; elsewhere (a pipe, CI logs) a line is printed only
 * when `key` changes, so a log is not flooded with one line per poll.
 */
class StatusLine {
  private lastKey: string | undefined;

  update(text: string, key: string): void {
    if (isTty) {
      process.stdout.write(`\r\x1b[K  ${text}`);
      lineOpen = true;
    } else if (key !== this.lastKey) {
      info(text);
    }
    this.lastKey = key;
  }

  /** Replaces the line with its final text and ends it. */
  done(text: string): void {
    if (isTty) process.stdout.write('\r\x1b[K');
    info(text);
    lineOpen = false;
  }
}

// ------------------------------------------------------------------------------------------ contacts

interface DemoContact {
  readonly number: string;
  readonly name: string;
  /** The `id` field of the variable group: the contact's order. */
  readonly orderId: string;
  /** The `date` field: when the order ships. */
  readonly shipDate: string;
}

/** Deterministic contacts (the same numbers every run, so a second demo updates them instead of adding more). */
function buildContacts(count: number, today: Date): DemoContact[] {
  const dateFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length] ?? 'Asha';
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length] ?? 'Rao';
    const shipsOn = new Date(today.getTime() + (1 + (i % 7)) * 86_400_000);
    return {
      number: `+${FIRST_NUMBER + i}`,
      name: `${first} ${last}`,
      orderId: `HD-${10_001 + i}`,
      shipDate: dateFormat.format(shipsOn),
    };
  });
}

/** `number,name`: the columns an audience import reads as the contact's number and name. */
function contactsCsv(contacts: readonly DemoContact[]): string {
  return `number,name\n${contacts.map((c) => `${c.number},${c.name}`).join('\n')}\n`;
}

// ------------------------------------------------------------------------------------------ the steps

interface ImportView {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  rowsRead: number;
  imported: number;
  updated: number;
  invalid: number;
  duplicates: number;
  errors: Array<{ row: number; number: string | null; reason: string }>;
  failure: string | null;
}

/**
 * Uploads the contacts as one CSV (the same route a file upload takes) and waits for a worker to apply it:
 * imports are asynchronous, the 202 only says the file was stored. `name` creates the audience.
 */
async function importContacts(api: HeraldApi, audienceId: string, contacts: readonly DemoContact[]): Promise<ImportView> {
  step(`Importing ${formatCount(contacts.length)} contacts into the new audience "${audienceId}" (one CSV upload)`);
  const route = `/v1/audiences/${encodeURIComponent(audienceId)}/contacts/import?name=${encodeURIComponent('Demo audience')}`;
  const { importId } = await api.postRaw<{ importId: string }>(route, contactsCsv(contacts), 'text/csv');
  const started = Date.now();
  const line = new StatusLine();
  for (;;) {
    const view = await api.get<ImportView>(`/v1/imports/${importId}`);
    const elapsed = Date.now() - started;
    if (view.status === 'completed' || view.status === 'failed') {
      line.done(`import ${importId}: ${view.status} in ${seconds(elapsed)}`);
      if (view.status === 'failed') throw new DemoError(`the import failed: ${view.failure ?? 'no reason given'}`);
      info(
        `${formatCount(view.rowsRead)} rows read: ${formatCount(view.imported)} new, ${formatCount(view.updated)} updated, ` +
          `${formatCount(view.invalid)} invalid, ${formatCount(view.duplicates)} duplicates`,
      );
      for (const e of view.errors.slice(0, 5)) info(`row ${e.row}${e.number ? ` (${e.number})` : ''}: ${e.reason}`);
      return view;
    }
    line.update(`import ${importId}: ${view.status}, ${formatCount(view.rowsRead)} rows read (${seconds(elapsed)})`, view.status);
    if (elapsed > IMPORT_TIMEOUT_MS) {
      line.done(`import ${importId}: still ${view.status} after ${seconds(elapsed)}`);
      throw new DemoError(
        `the import did not finish within ${IMPORT_TIMEOUT_MS / 1000} s: are the workers running (npm start starts them)?`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

interface ValuesResult {
  added: number;
  updated: number;
  invalid: Array<{ index?: number; number?: string; reason?: string; issue?: string }>;
}

/**
 * The campaign's `{group.field}` placeholders are checked against existing groups when it is created, so the
 * group comes first. It is created empty, then filled by number in one request (≤ 10,000 rows each).
 */
async function createVariableGroup(api: HeraldApi, groupId: string, contacts: readonly DemoContact[]): Promise<void> {
  step(`Creating the variable group "${groupId}" (fields id, date) with a value row per contact`);
  await api.post('/v1/variable-groups', {
    id: groupId,
    name: 'Demo orders',
    description: 'Created by npm run demo',
    fields: ['id', 'date'],
  });
  const values = contacts.map((c) => ({ number: c.number, id: c.orderId, date: c.shipDate }));
  const result = await api.post<ValuesResult>(`/v1/variable-groups/${encodeURIComponent(groupId)}/values`, { values });
  info(
    `${formatCount(result.added)} rows added, ${formatCount(result.updated)} updated, ${formatCount(result.invalid.length)} invalid`,
  );
  const sample = contacts[0];
  if (sample) info(`e.g. ${sample.number}: {${groupId}.id} = ${sample.orderId}, {${groupId}.date} = ${sample.shipDate}`);
}

interface CampaignCreated {
  campaignId: string;
  templateStatus: string;
}

/** Creating a campaign submits its WhatsApp template for review (the simulator approves it after a delay). */
async function createCampaign(api: HeraldApi, groupId: string, title: string, channelId?: string): Promise<CampaignCreated> {
  step(`Creating the campaign "${title}"`);
  const body = {
    title,
    message: `Hi {{name}}, your order {${groupId}.id} ships on {${groupId}.date}.`,
    buttons: [
      { text: 'Track order', type: 'journey', journeyId: 'track' },
      { text: 'Talk to us', type: 'input', input: 'feedback' },
    ],
    ...(channelId ? { channelId } : {}),
  };
  info(`message: ${body.message}`);
  const created = await api.post<CampaignCreated>('/v1/campaigns', body);
  info(`campaign ${created.campaignId}, template ${created.templateStatus}`);
  return created;
}

interface ChannelView {
  id: string;
  name: string;
  messagingTier: string;
}

/**
 * A channel's messaging tier caps the distinct recipients it may message per rolling 24 h (default 250), and
 * the run waits — still "running" — once the cap is reached. Said up front, so a bar stuck at that count is
 * not mistaken for a hang. Read only: the demo never changes the channel.
 */
async function warnAboutTier(api: HeraldApi, campaignId: string, recipients: number): Promise<void> {
  const { channelId } = await api.get<{ channelId: string }>(`/v1/campaigns/${campaignId}`);
  const channel = await api.get<ChannelView>(`/v1/channels/${channelId}`);
  const cap = Number(channel.messagingTier);
  if (!Number.isFinite(cap) || cap >= recipients) return;
  info(
    `note: channel "${channel.name}" has messaging tier ${channel.messagingTier}: only ${formatCount(cap)} distinct recipients ` +
      `per rolling 24 h, so the run stops sending after ${formatCount(cap)} of ${formatCount(recipients)} and waits.`,
  );
  info(`      Raise it first with PATCH /v1/channels/${channel.id} {"messagingTier": "unlimited"} (a simulator channel).`);
}

interface RunCreated {
  runId: string;
  status: string;
  timeToRun: string;
}

async function startRun(api: HeraldApi, campaignId: string, audienceId: string): Promise<RunCreated> {
  const timeToRun = Math.floor(Date.now() / 1000) + START_DELAY_S;
  step(`Scheduling a run for audience "${audienceId}" in ${START_DELAY_S} s`);
  const run = await api.post<RunCreated>(`/v1/campaigns/${campaignId}/runs`, { audiences: [audienceId], timeToRun });
  info(`run ${run.runId}: ${run.status}, starts at ${new Date(run.timeToRun).toLocaleTimeString('en-GB')}`);
  return run;
}

interface RunView {
  status: string;
  timeToRun: string;
  recipients: number | null;
  counts: RunCounts;
  progress: number;
  eta: string | null;
  failureReason: string | null;
}

/** What the bar's status column says: a countdown before the start, the template review, else the status. */
function phaseOf(run: RunView): string {
  switch (run.status) {
    case 'scheduled': {
      const left = Math.max(0, Math.ceil((new Date(run.timeToRun).getTime() - Date.now()) / 1000));
      return `scheduled, starts in ${left}s`;
    }
    case 'waiting_for_template':
      return 'waiting_for_template (template under review)';
    case 'running': {
      if (!run.eta) return 'running';
      const left = Math.max(0, Math.round((new Date(run.eta).getTime() - Date.now()) / 1000));
      return `running, ~${left}s left`;
    }
    default:
      return run.status;
  }
}

/**
 * `counts` are recipients by their current status, so a message that was read is no longer in `sent`. The bar
 * shows cumulative figures as the results do: sent = accepted by the provider or further, delivered includes read.
 */
function barPayload(run: RunView, done: number) {
  const c = run.counts;
  return {
    done: run.recipients === null ? '-' : `${formatCount(done)}/${formatCount(run.recipients)}`,
    phase: phaseOf(run).padEnd(34),
    sent: formatCount(c.accepted + c.sent + c.delivered + c.read),
    delivered: formatCount(c.delivered + c.read),
    read: formatCount(c.read),
    failed: formatCount(c.failed),
  };
}

/**
 * Polls the run and draws its progress until it ends. The total is unknown until the run starts (recipients
 * are fixed then); done = every recipient no longer queued or being sent.
 */
async function watchRun(api: HeraldApi, campaignId: string, runId: string): Promise<RunView> {
  step('Sending');
  const bar = new SingleBar(
    {
      format: '  {bar} {percentage}% | {done} | {phase} | sent {sent} · delivered {delivered} · read {read} · failed {failed}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2_000,
      barsize: 30,
    },
    Presets.shades_classic,
  );
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let run = await api.get<RunView>(`/v1/campaigns/${campaignId}/runs/${runId}`);
  bar.start(1, 0, barPayload(run, 0));
  try {
    for (;;) {
      const recipients = run.recipients ?? 0;
      if (recipients > 0) bar.setTotal(recipients);
      const done = recipients - run.counts.queued - run.counts.sending;
      bar.update(recipients > 0 ? done : 0, barPayload(run, done));
      if (TERMINAL_RUN_STATUSES.has(run.status)) return run;
      if (Date.now() > deadline) {
        throw new DemoError(
          `gave up after ${RUN_TIMEOUT_MS / 60_000} minutes: the run is still "${run.status}" ` +
            `(${formatCount(done)}/${formatCount(recipients)} done). Check the workers' output in the \`npm start\` terminal.`,
        );
      }
      await sleep(POLL_INTERVAL_MS);
      run = await api.get<RunView>(`/v1/campaigns/${campaignId}/runs/${runId}`);
    }
  } finally {
    bar.stop();
  }
}

/** Prints label/value rows with the labels padded and the values right-aligned in one column. */
function printTable(rows: ReadonlyArray<readonly [string, string]>): void {
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  for (const [label, value] of rows) info(`${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}`);
}

async function printResults(api: HeraldApi, apiKey: string, campaignId: string, runId: string): Promise<void> {
  step(`Waiting ${RECEIPTS_WAIT_MS / 1000} s for the last delivery and read receipts`);
  await sleep(RECEIPTS_WAIT_MS);
  const r = await api.get<Results>(`/v1/campaigns/${campaignId}/results`);
  const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;
  step(`Results of campaign ${campaignId}`);
  printTable([
    ['Sent', formatCount(r.sent)],
    ['Delivered', formatCount(r.delivered)],
    ['Read', formatCount(r.read)],
    ['Send errors', formatCount(r.sendErrors)],
    ['Delivery errors', formatCount(r.deliveryErrors)],
    ['Not on WhatsApp', formatCount(r.numbersNotOnWhatsApp)],
    ['Skipped', formatCount(r.skipped)],
    ['Delivery rate', percent(r.deliveryRate)],
    ['Read rate', percent(r.readRate)],
  ]);
  step('Every recipient with status and times, as CSV:');
  info(
    `curl -H "Authorization: Bearer ${apiKey}" -o recipients.csv \\\n` +
      `       "${api.baseUrl}/v1/campaigns/${campaignId}/recipients?runId=${runId}&format=csv"`,
  );
}

// ------------------------------------------------------------------------------------------ main

/** `20260521143012`: the same stamp names this demo's audience and variable group, so runs never collide. */
function stampOf(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}

async function main(): Promise<void> {
  const baseUrl = readBaseUrl();
  if (!(await isReachable(baseUrl))) {
    throw new DemoError(
      `cannot reach the Herald API at ${baseUrl}: run \`npm start\` first (in another terminal), then \`npm run demo\`.`,
    );
  }
  const config = readConfig(baseUrl);
  const api = new HeraldApi(config);
  const now = new Date();
  const stamp = stampOf(now);
  const audienceId = `demo-${stamp}`;
  const groupId = `demo_orders_${stamp}`;
  process.stdout.write(`Herald demo against ${config.baseUrl}\n`);

  const contacts = buildContacts(CONTACT_COUNT, now);
  await importContacts(api, audienceId, contacts);
  await createVariableGroup(api, groupId, contacts);
  const title = `Herald demo ${now.toLocaleTimeString('en-GB')}`;
  const { campaignId } = await createCampaign(api, groupId, title, config.channelId);
  await warnAboutTier(api, campaignId, contacts.length);
  const { runId } = await startRun(api, campaignId, audienceId);

  const started = Date.now();
  const run = await watchRun(api, campaignId, runId);
  info(`run ${run.status} after ${seconds(Date.now() - started)}`);
  if (run.status === 'failed') throw new DemoError(`the run failed: ${run.failureReason ?? 'no reason given'}`);
  await printResults(api, config.apiKey, campaignId, runId);
}

main().catch((error: unknown) => {
  if (lineOpen) process.stdout.write('\n');
  process.stderr.write(`error: ${messageOf(error)}\n`);
  if (error instanceof ApiError) {
    for (const d of error.details.slice(0, 10)) process.stderr.write(`  ${d.field ? `${d.field}: ` : ''}${d.issue ?? ''}\n`);
  }
  process.exitCode = 1;
});
