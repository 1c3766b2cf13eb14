import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

type Env = Record<string, string | undefined>;

/**
 * The stack file's line naming the `npm start` runner that wrote it. The file holds that run's addresses and
 * generated key, so it counts only while that runner lives: a runner killed outright (SIGKILL) cannot remove it.
 */
export const STACK_PID_VARIABLE = 'HERALD_STACK_PID';

/** What the local stack file holds for this process: its values, or none and why it was ignored. */
export interface LocalStackValues {
  file: string;
  values: Record<string, string>;
  /** Why an existing file was not read (said on stderr by its readers). */
  ignored?: string;
}

/**
 * Where `npm start` writes the addresses and local secrets it chose (shell syntax, mode 0600), so that another
 * worker, the CLI and a shell on the same machine find the same stack while it runs. HERALD_STACK_FILE points
 * elsewhere (a file that does not exist turns it off, as the tests do).
 */
export function localStackFile(env: Env = process.env, cwd = process.cwd()): string {
  return env.HERALD_STACK_FILE ? resolve(cwd, env.HERALD_STACK_FILE) : resolve(cwd, '.data', 'stack.env');
}

/** The optional `.env` file (in the working directory, or HERALD_ENV_FILE), parsed; empty when there is none. */
export function readDotenvFile(env: Env = process.env, cwd = process.cwd()): Record<string, string> {
  const file = env.HERALD_ENV_FILE ?? resolve(cwd, '.env');
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

/**
 * The values in the local stack file; none when there is no such file, or when it must not be trusted: with
 * NODE_ENV=production (a production process takes nothing a development stack chose), when the `npm start` that
 * wrote it no longer runs (its database and key are not the ones to use any more), or when it is not in the
 * format `npm start` writes.
 */
export function readLocalStack(env: Env = process.env, cwd = process.cwd()): LocalStackValues {
  const file = localStackFile(env, cwd);
  if (!existsSync(file)) return { file, values: {} };
  const nodeEnv = env.NODE_ENV ?? readDotenvFile(env, cwd).NODE_ENV;
  if (nodeEnv === 'production') {
    return { file, values: {}, ignored: 'NODE_ENV=production takes its settings from the environment and .env only, never from a local stack' };
  }
  let parsed: Record<string, string>;
  try {
    parsed = parseLocalStack(readFileSync(file, 'utf8'));
  } catch (error) {
    return { file, values: {}, ignored: error instanceof Error ? error.message : String(error) };
  }
  const { [STACK_PID_VARIABLE]: pid, ...values } = parsed;
  const gone = runnerGone(pid);
  return gone ? { file, values: {}, ignored: gone } : { file, values };
}

/** Why the runner `pid` names cannot be the live `npm start` that wrote the file, or undefined while it runs. */
function runnerGone(pid: string | undefined): string | undefined {
  if (pid === undefined || !/^[1-9]\d*$/.test(pid)) return `it does not name the npm start that wrote it (no ${STACK_PID_VARIABLE}), so it may be stale`;
  const gone = `the npm start that wrote it (pid ${pid}) no longer runs`;
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return gone;
  }
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined; // no /proc (not Linux): a live pid is all that can be told
  }
  // After a crash the pid may have been reused by another program.
  return commandLine.includes('stack.js') ? undefined : gone;
}

const warned = new Set<string>();

/** Says once per process on stderr why an existing stack file was not read, so a missing variable is no mystery. */
export function warnIfIgnored(stack: LocalStackValues, who: string, cwd = process.cwd()): void {
  if (stack.ignored === undefined || warned.has(stack.file)) return;
  warned.add(stack.file);
  process.stderr.write(`${who}: ignored ${relative(cwd, stack.file) || stack.file}: ${stack.ignored}\n`);
}

/**
 * The local stack file's values overlaid by `env`: the environment always wins, and without the file (or when it
 * is ignored, said on stderr) `env` comes back unchanged. How the CLI's watchers and the demo find the running stack.
 */
export function withLocalStack(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const stack = readLocalStack(env);
  warnIfIgnored(stack, 'herald');
  return { ...stack.values, ...env };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The stack file's text: `NAME='value'` lines under a comment, every value in single quotes (a `'` written as
 * `'\''`), so `set -a; . .data/stack.env` in a shell takes each value literally: nothing in it is expanded or run.
 * A line break cannot be written (the file is read line by line): refused, naming the variable.
 */
export function formatLocalStack(values: Readonly<Record<string, string | undefined>>, comment: readonly string[]): string {
  const lines = comment.map((line) => `# ${line}`);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (!NAME.test(name)) throw new Error(`"${name}" cannot be written to the stack file: not a shell variable name`);
    if (/[\n\r\0]/.test(value)) throw new Error(`${name} cannot be written to the stack file: its value holds a line break or NUL`);
    lines.push(`${name}='${value.replaceAll("'", "'\\''")}'`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads what formatLocalStack wrote: comments and blank lines, and `NAME=` followed by single-quoted pieces, `\'`
 * and words the shell takes literally (`3000`, `http://x:1/y`), with the shell's meaning of them. Anything else (a
 * `$`, a double quote, a space outside quotes) is refused with its line number rather than read unlike the shell.
 */
export function parseLocalStack(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/^\s*(#|$)/.test(line)) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=((?:'[^']*'|\\'|[\w@%+=:,./-]+)*)$/.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not NAME='value', the form npm start writes`);
    values[match[1]!] = match[2]!.replace(/'([^']*)'|\\'/g, (_, quoted: string | undefined) => quoted ?? "'");
  }
  return values;
}
