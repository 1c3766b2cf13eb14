import { ConfigError } from './config.error';

/**
 * Runs `load` and, when the configuration is bad, prints one line naming the variable and exits with
 * status 78 (EX_CONFIG) before anything else starts.
 */
export function loadOrExit<T>(load: () => T, processName: string): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${processName}: invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
