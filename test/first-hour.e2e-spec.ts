import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalStack, type LocalStack } from './support/local-stack';

/**
 * The README's "The first hour" block, replayed command by command in one bash session at the root of a checkout
 * whose `npm start` runs (API, a worker, the simulator), as a new user would paste it into a second terminal.
 */

/** The commands of the first ```sh block under "## The first hour": comments dropped, `\` continuations joined. */
function firstHourCommands(readme: string): string[] {
  const section = readme.split(/^## The first hour$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /^```sh\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (!block) throw new Error('README.md has no ```sh block under "## The first hour"');
  const commands: string[] = [];
  let pending = '';
  for (const line of block.split('\n')) {
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    pending += line;
    if (line.endsWith('\\')) pending += '\n';
    else {
      commands.push(pending);
      pending = '';
    }
  }
  return commands;
}

/** One bash, its stderr folded into its stdout, fed one command at a time; each answer is its output and status. */
class Shell {
  private readonly bash: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiting?: () => void;
  private count = 0;

  constructor(cwd: string) {
    this.bash = spawn('bash', ['--norc', '--noprofile'], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' } });
    this.bash.stdout.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      this.waiting?.();
    });
    this.bash.stdin.write('exec 2>&1\n');
    // `npm run cli` builds first; the suite has built already, so the CLI is run as that script then runs it.
    this.bash.stdin.write('npm() { if [ "$1 $2 $3" = "run cli --" ]; then shift 3; node dist/apps/cli/src/main.js "$@"; else command npm "$@"; fi; }\n');
  }

  async run(command: string, timeoutMs = 20_000): Promise<{ output: string; status: number }> {
    const mark = `__first_hour_${(this.count += 1)}__`;
    this.buffer = '';
    this.bash.stdin.write(`${command}\necho "${mark} $?"\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buffer.indexOf(mark);
      const status = at >= 0 ? /^ (\d+)\n/.exec(this.buffer.slice(at + mark.length))?.[1] : undefined;
      if (status !== undefined) return { output: this.buffer.slice(0, at), status: Number(status) };
      if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms to: ${command}\n${this.buffer}`);
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 200);
      });
    }
  }

  close(): void {
    this.bash.kill();
  }
}

interface Step {
  /** Which README command this step checks. */
  readonly command: RegExp;
  /** What the user should see; asserted with jest. */
  readonly shows?: (output: string) => void;
  /** The README says "ask again" for this one: repeated (as a person would) until `until` holds. */
  readonly until?: (output: string) => boolean;
}

const json = (output: string) => JSON.parse(output.trim()) as Record<string, unknown>;

/** Every README command has its step here, in order; a command added, dropped or reordered there fails the test. */
const STEPS: Step[] = [
  { command: /^set -a; \. \.data\/stack\.env; set \+a/ },
  { command: /^auth="Authorization: Bearer \$HERALD_API_KEY"$/ },
  { command: /^printf 'number,name,city\\n/ },
  { command: /^IMPORT=\$\(curl .*\/contacts\/import/s, shows: (out) => expect(json(out)).toEqual({ importId: expect.stringMatching(/^[0-9a-f-]{36}$/) }) },
  { command: /^IMPORT_ID=/ },
  {
    command: /\/v1\/imports\/\$IMPORT_ID"/,
    until: (out) => !/"status":"(queued|running)"/.test(out),
    shows: (out) => expect(json(out)).toEqual({ status: 'completed', rowsRead: 3, imported: 3, invalid: 0 }),
  },
  { command: /^CAMPAIGN=\$\(curl .*\/v1\/campaigns"/s, shows: (out) => expect(json(out)).toEqual({ campaignId: expect.any(String), templateStatus: 'PENDING' }) },
  { command: /^CAMPAIGN_ID=/ },
  {
    command: /\/v1\/campaigns\/\$CAMPAIGN_ID" \| jq/,
    until: (out) => !out.includes('PENDING'),
    shows: (out) => expect(json(out)).toEqual({ title: 'First hour', templateStatus: 'APPROVED' }),
  },
  {
    command: /^RUN=\$\(curl .*\/runs"/s,
    // Started now with its template approved: the truth is "starting", not "scheduled".
    shows: (out) => expect(json(out)).toEqual({ runId: expect.any(String), status: 'starting', timeToRun: expect.any(String) }),
  },
  { command: /^RUN_ID=/ },
  { command: /^npm run cli -- runs watch "\$RUN_ID"$/, shows: (out) => expect(out).toMatch(/\bcompleted\b.*\b3 recipients/) },
  {
    command: /\/results" \| jq/,
    until: (out) => out.includes('"read":3'),
    shows: (out) => expect(json(out)).toEqual({ sent: 3, delivered: 3, read: 3, sendErrors: 0 }),
  },
  {
    command: /\/recipients\?runId=\$RUN_ID&format=csv"$/,
    shows: (out) => {
      const [header, ...rows] = out.trim().split('\n');
      expect(header).toMatch(/^number,name,status,/);
      expect(rows.map((row) => row.split(',').slice(0, 3).join(',')).sort()).toEqual(['+14155550101,Asha,read', '+14155550102,Bo,read', '+14155550103,Chen,read']);
    },
  },
];

describe('README: the first hour, replayed', () => {
  let stack: LocalStack;
  let shell: Shell;
  const commands = firstHourCommands(readFileSync(resolve(process.cwd(), 'README.md'), 'utf8'));

  beforeAll(async () => {
    // The simulator approves templates in 2 s as it does under `npm start`; the worker looks for runs to start sooner.
    stack = await startLocalStack({ CAMPAIGN_RECONCILE_INTERVAL_MS: '2000' });
    shell = new Shell(stack.dir);
  }, 40_000);
  afterAll(async () => {
    shell?.close();
    await stack?.stop();
  });

  it('has a step for every command, in order', () => {
    expect(commands.map((command, i) => [i, STEPS[i]?.command.test(command) ?? false])).toEqual(commands.map((_, i) => [i, true]));
    expect(commands).toHaveLength(STEPS.length);
  });

  it('shows what the README says at each step, from a CSV to the results', async () => {
    for (const [i, command] of commands.entries()) {
      const step = STEPS[i]!;
      let answer = await shell.run(command);
      const deadline = Date.now() + 15_000;
      while (step.until && !step.until(answer.output) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 300));
        answer = await shell.run(command);
      }
      expect({ command, status: answer.status }).toEqual({ command, status: 0 });
      step.shows?.(answer.output);
    }
  }, 40_000);
});
