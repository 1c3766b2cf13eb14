import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { ConfigError } from './config.error';
import { readLocalStack } from './local-stack.util';

/** What `npm start` writes to the local stack file: missing on a machine where the stack never ran (or elsewhere). */
const STACK_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL', 'SECRETS_KEY', 'ADMIN_TOKEN', 'BULL_BOARD_USER', 'BULL_BOARD_PASSWORD']);

/**
 * For a variable `npm start` would have supplied to a worker or the CLI (the processes that read the stack file):
 * where it would be, so "is missing" says what to do.
 */
function stackHint(error: ConfigError, processName: string): string {
  if (!/worker|cli/.test(processName) || !STACK_VARIABLES.has(error.variable) || !error.message.includes('is missing')) return '';
  const stack = readLocalStack();
  const file = relative(process.cwd(), stack.file) || stack.file;
  if (stack.ignored !== undefined) return ` (${file} was ignored, as said above: start the stack, or set ${error.variable})`;
  if (existsSync(stack.file)) return '';
  return ` (on the machine where \`npm start\` runs, it is read from ${file}, which does not exist here: start the stack first, or set ${error.variable})`;
}

/**
 * Runs `load` and, when the configuration is bad, prints one line naming the variable and exits with
 * status 78 (EX_CONFIG) before anything else starts.
 */
export function loadOrExit<T>(load: () => T, processName: string): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${processName}: invalid configuration: ${error.message}${stackHint(error, processName)}\n`);
      process.exit(78);
    }
    throw error;
  }
}
