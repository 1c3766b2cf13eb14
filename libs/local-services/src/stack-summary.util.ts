/**
 * What `npm start` prints once the stack is up: everything a newcomer needs on one screen, in the order the README
 * describes it. Pure so that a test can hold it to the README.
 */
export interface StackSummary {
  mode: 'local' | 'production';
  workers: number;
  /** The API's base URL, e.g. http://localhost:3000. */
  apiUrl: string;
  bullBoard: { user: string; password?: string };
  simulatorUrl?: string;
  /** The demo workspace's API key (local mode, once the workspace exists). */
  demoApiKey?: string;
  /** Ready-to-paste commands (curl), one per line; a line ending in `\` continues on the next. */
  tryLines: readonly string[];
  /** The file holding the addresses and secrets (relative to the checkout when inside it). */
  stackFile?: string;
  /** Log files by service, e.g. { api: '.data/logs/api.log' }. */
  logs: Readonly<Record<string, string>>;
  /** The databases: where they are and whether this start runs them. */
  services: ReadonlyArray<{ name: string; where: string }>;
}

export function formatStackSummary(s: StackSummary): string {
  const rows: Array<[string, string]> = [
    ['API', s.apiUrl],
    ['API docs', `${s.apiUrl}/docs   (OpenAPI 3: ${s.apiUrl}/docs-json)`],
    ['Health', `${s.apiUrl}/health   (Postgres and Redis: ${s.apiUrl}/health/ready)`],
    ['Metrics', `${s.apiUrl}/metrics`],
    ['Console', `${s.apiUrl}/console${s.demoApiKey ? '   (sign in with the demo API key)' : ''}`],
    ['Bull Board', `${s.apiUrl}/admin/queues   user ${s.bullBoard.user}, password ${s.bullBoard.password ?? 'from BULL_BOARD_PASSWORD'}`],
  ];
  if (s.simulatorUrl) rows.push(['Simulator', `${s.simulatorUrl}   (stands in for Meta's Cloud API; docs/SIMULATOR.md)`]);
  if (s.demoApiKey) rows.push(['Demo API key', s.demoApiKey]);
  if (s.stackFile) rows.push(['Admin token', `ADMIN_TOKEN in ${s.stackFile}   (x-admin-token of POST /v1/workspaces)`]);
  for (const service of s.services) rows.push([service.name, service.where]);
  if (s.stackFile) rows.push(['Stack file', `${s.stackFile}   (npm run start:worker and npm run cli read it)`]);
  const logs = Object.values(s.logs);
  if (logs.length > 0) rows.push(['Logs', commonDirectory(logs) ?? logs.join(', ')]);

  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const rule = '-'.repeat(78);
  const lines = [
    rule,
    `Herald is up (${s.mode} mode, ${s.workers} worker${s.workers === 1 ? '' : 's'}). Stop: Ctrl-C.`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
  ];
  if (s.tryLines.length > 0) lines.push('Try it:', ...s.tryLines.map((line) => `  ${line}`));
  if (s.stackFile) lines.push(`In a shell: set -a; . ${s.stackFile}; set +a   (then $HERALD_URL, $HERALD_API_KEY; README "The first hour")`);
  lines.push(rule);
  return `${lines.join('\n')}\n`;
}

/** `dir/*.log` when every log is a .log file in one directory. */
function commonDirectory(files: readonly string[]): string | undefined {
  const dirs = new Set(files.map((file) => file.slice(0, file.lastIndexOf('/') + 1)));
  const [dir] = dirs;
  return dirs.size === 1 && dir && files.every((file) => file.endsWith('.log')) ? `${dir}*.log (one per service)` : undefined;
}

/**
 * The terminal's view of a service's JSON log line (pino): `error: <msg>` for level error and above, nothing for the
 * rest — they stay in the service's file. A line that is not JSON is shown as it is only when it reads like an error.
 */
export function errorOfLogLine(line: string): string | undefined {
  if (!line.startsWith('{')) return /\b(error|fatal|cannot|could not|failed)\b/i.test(line) ? line : undefined;
  let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return undefined;
  }
  if (typeof entry.level !== 'number' || entry.level < 50) return undefined;
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  const cause = typeof entry.err?.message === 'string' && entry.err.message !== message ? entry.err.message : '';
  return `${entry.level >= 60 ? 'fatal' : 'error'}: ${[message, cause].filter(Boolean).join(': ') || line.slice(0, 200)}`;
}
