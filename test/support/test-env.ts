import { loadApiConfig, loadWorkerConfig, type ApiConfig, type WorkerConfig } from '@herald/config';

/** Configurations for this test run, from the environment the global setup exported. */
export function testApiConfig(overrides: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({ ...process.env, ...overrides });
}

export function testWorkerConfig(overrides: Record<string, string> = {}): WorkerConfig {
  return loadWorkerConfig({ ...process.env, ...overrides });
}
