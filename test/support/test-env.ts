import { loadApiConfig, loadWorkerConfig, type ApiConfig, type WorkerConfig } from '@herald/config';

/**
 * Receivers and media servers in the tests listen on 127.0.0.1: the SSRF guards of callbacks and of media fetched
 * from a URL are off unless a spec turns them on.
 */
const TEST_DEFAULTS = { CALLBACK_ALLOW_PRIVATE_URLS: 'true', MEDIA_ALLOW_PRIVATE_URLS: 'true' };

/** Configurations for this test run, from the environment the global setup exported. */
export function testApiConfig(overrides: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({ ...TEST_DEFAULTS, ...process.env, ...overrides });
}

export function testWorkerConfig(overrides: Record<string, string> = {}): WorkerConfig {
  return loadWorkerConfig({ ...TEST_DEFAULTS, ...process.env, ...overrides });
}
