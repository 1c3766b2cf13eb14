import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

type Env = Record<string, string | undefined>;

/**
 * Where `npm start` writes the addresses and local secrets it chose (dotenv, mode 0600), so that another worker,
 * the CLI and the console's users on the same machine find the same stack. HERALD_STACK_FILE points elsewhere
 * (a file that does not exist turns it off, as the tests do).
 */
export function localStackFile(env: Env = process.env, cwd = process.cwd()): string {
  return env.HERALD_STACK_FILE ? resolve(cwd, env.HERALD_STACK_FILE) : resolve(cwd, '.data', 'stack.env');
}

/** The values in the local stack file, or none when there is no such file. */
export function readLocalStack(env: Env = process.env, cwd = process.cwd()): { file: string; values: Record<string, string> } {
  const file = localStackFile(env, cwd);
  return { file, values: existsSync(file) ? parseDotenv(readFileSync(file)) : {} };
}

/**
 * The local stack file's values overlaid by `env`: the environment always wins, and without the file `env` comes
 * back unchanged. How the worker, the CLI and `runs watch` find the stack `npm start` runs.
 */
export function withLocalStack(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const { values } = readLocalStack(env);
  return { ...values, ...env };
}

/** The names `env` lacked and the stack file supplied, among `names` (those a process actually reads). */
export function suppliedByLocalStack(env: Env, names: readonly string[], cwd = process.cwd()): { file: string; names: string[] } {
  const { file, values } = readLocalStack(env, cwd);
  return { file: relative(cwd, file) || file, names: names.filter((name) => values[name] !== undefined && env[name] === undefined) };
}

/** The stack file's text: `NAME=value` lines under a comment, values quoted when dotenv would misread them. */
export function formatLocalStack(values: Readonly<Record<string, string | undefined>>, comment: readonly string[]): string {
  const lines = comment.map((line) => `# ${line}`);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) lines.push(`${name}=${quoted(name, value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** dotenv reads a value inside quotes it does not contain literally (no escapes in single quotes). */
function quoted(name: string, value: string): string {
  if (/^[\w@%+=:,./-]*$/.test(value)) return value;
  const quote = ["'", '"', '`'].find((q) => !value.includes(q));
  if (quote === undefined || value.includes('\n')) throw new Error(`${name} cannot be written to a dotenv file: it holds every quote or a newline`);
  return `${quote}${value}${quote}`;
}
