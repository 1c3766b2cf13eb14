// The simulator's configuration: the runtime behaviour (defaults, and one checker used both for PUT /_sim/config
// and for the environment) and the start-up settings read from SIMULATOR_* variables.
import { parsePhoneNumberRegistration } from './phone-number.util';
import { MAX_MESSAGES_PER_SECOND } from './simulator.constants';
import type { MsRange, PhoneNumberRegistration, RuntimeConfig } from './simulator.types';
import { parseTemplateSeed, type TemplateSeed } from './template-request.util';

export const DEFAULT_RUNTIME_CONFIG: RuntimeConfig = Object.freeze({
  seed: null,
  defaultMessagesPerSecond: 80,
  statuses: {
    latencyMs: { min: 200, max: 1500 },
    deliveredProbability: 0.97,
    readProbability: 0.6,
    notOnWhatsApp: { numbers: [], share: 0 },
    duplicateProbability: 0.005,
    reorderProbability: 0.01,
    includePricing: true,
  },
  webhooks: {
    maxStatusesPerPost: 100,
    flushIntervalMs: 250,
    maxAttempts: 4,
    retryDelayMs: 500,
    timeoutMs: 10_000,
    connections: 8,
  },
  templates: { approvalDelayMs: 2000, rejectNamePattern: null, statusWebhooks: true },
  faults: {
    serverErrorShare: 0,
    timeoutShare: 0,
    extraLatencyShare: 0,
    extraLatencyMs: { min: 0, max: 0 },
    throttleBurst: { everyMs: 0, durationMs: 0 },
  },
  latency: { responseMs: { min: 0, max: 0 } },
  pairRate: { enabled: false, perSeconds: 6, burst: 45 },
  serviceWindow: { enforce: true },
  marketing: {
    capped: { numbers: [], share: 0 },
    stopped: { numbers: [], share: 0 },
    experiment: { numbers: [], share: 0 },
  },
  quality: { heldShare: 0, heldMs: 2000 },
  pages: { audioVideoPerSecond: 10 },
  telegram: { botMessagesPerSecond: 30, chatMessagesPerSecond: 1, chatBurst: 3 },
}) as RuntimeConfig;

export function defaultRuntimeConfig(): RuntimeConfig {
  return structuredClone(DEFAULT_RUNTIME_CONFIG);
}

type Json = Record<string, unknown>;
type Checked = { ok: true; value: unknown } | { ok: false; problem: string };
type Checker = (value: unknown) => Checked;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const integer =
  (min: number, max: number): Checker =>
  (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, problem: `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})` };

const probability: Checker = (value) =>
  typeof value === 'number' && value >= 0 && value <= 1
    ? { ok: true, value }
    : { ok: false, problem: `must be a number from 0 to 1 (got ${JSON.stringify(value)})` };

const positive =
  (min: number, max: number): Checker =>
  (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, problem: `must be a number from ${min} to ${max} (got ${JSON.stringify(value)})` };

const boolean: Checker = (value) =>
  typeof value === 'boolean'
    ? { ok: true, value }
    : { ok: false, problem: `must be true or false (got ${JSON.stringify(value)})` };

const nullable =
  (inner: Checker): Checker =>
  (value) =>
    value === null ? { ok: true, value: null } : inner(value);

/** A range of milliseconds: {min, max}, [min, max], a single number, or "min-max". */
const msRange =
  (limit: number): Checker =>
  (value) => {
    let range: Partial<MsRange> | undefined;
    if (typeof value === 'number') range = { min: value, max: value };
    else if (Array.isArray(value) && value.length === 2) range = { min: value[0] as number, max: value[1] as number };
    else if (typeof value === 'string' && /^\s*\d+\s*(-\s*\d+\s*)?$/.test(value)) {
      const [min, max = min] = value.split('-').map((part) => Number(part.trim()));
      range = { min, max };
    } else if (isObject(value) && Object.keys(value).every((key) => key === 'min' || key === 'max')) {
      range = value as Partial<MsRange>;
    }
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= limit;
    if (!range || !ok(range.min) || !ok(range.max) || range.min > range.max) {
      return {
        ok: false,
        problem: `must be a range of whole milliseconds from 0 to ${limit}: {"min":…,"max":…}, [min,max], a number or "min-max" (got ${JSON.stringify(value)})`,
      };
    }
    return { ok: true, value: { min: range.min, max: range.max } };
  };

const numberList: Checker = (value) => {
  if (!Array.isArray(value) || value.length > 1_000_000) return { ok: false, problem: 'must be an array of phone numbers' };
  for (const item of value) {
    if (typeof item !== 'string' || !/^\+?[\d ()-]{5,24}$/.test(item)) {
      return { ok: false, problem: `must hold phone numbers as strings (got ${JSON.stringify(item)})` };
    }
  }
  return { ok: true, value: [...(value as string[])] };
};

const regex: Checker = (value) => {
  if (typeof value !== 'string' || value.length === 0)
    return { ok: false, problem: 'must be a regular expression as a string, or null' };
  try {
    new RegExp(value);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, problem: `is not a valid regular expression: ${(error as Error).message}` };
  }
};

/** Every leaf setting and its check; objects in between are walked. */
const SETTINGS: Readonly<Record<string, Checker>> = {
  seed: nullable(integer(0, 4294967295)),
  defaultMessagesPerSecond: integer(1, MAX_MESSAGES_PER_SECOND),
  'statuses.latencyMs': msRange(3_600_000),
  'statuses.deliveredProbability': probability,
  'statuses.readProbability': probability,
  'statuses.notOnWhatsApp.numbers': numberList,
  'statuses.notOnWhatsApp.share': probability,
  'statuses.duplicateProbability': probability,
  'statuses.reorderProbability': probability,
  'statuses.includePricing': boolean,
  'webhooks.maxStatusesPerPost': integer(1, 1000),
  'webhooks.flushIntervalMs': integer(1, 60_000),
  'webhooks.maxAttempts': integer(1, 20),
  'webhooks.retryDelayMs': integer(0, 600_000),
  'webhooks.timeoutMs': integer(100, 120_000),
  'webhooks.connections': integer(1, 256),
  'templates.approvalDelayMs': integer(0, 86_400_000),
  'templates.rejectNamePattern': nullable(regex),
  'templates.statusWebhooks': boolean,
  'faults.serverErrorShare': probability,
  'faults.timeoutShare': probability,
  'faults.extraLatencyShare': probability,
  'faults.extraLatencyMs': msRange(600_000),
  'faults.throttleBurst.everyMs': integer(0, 86_400_000),
  'faults.throttleBurst.durationMs': integer(0, 86_400_000),
  'latency.responseMs': msRange(600_000),
  'pairRate.enabled': boolean,
  'pairRate.perSeconds': positive(0.001, 86_400),
  'pairRate.burst': integer(1, 100_000),
  'serviceWindow.enforce': boolean,
  'marketing.capped.numbers': numberList,
  'marketing.capped.share': probability,
  'marketing.stopped.numbers': numberList,
  'marketing.stopped.share': probability,
  'marketing.experiment.numbers': numberList,
  'marketing.experiment.share': probability,
  'quality.heldShare': probability,
  'quality.heldMs': integer(0, 86_400_000),
  'pages.audioVideoPerSecond': integer(1, MAX_MESSAGES_PER_SECOND),
  'telegram.botMessagesPerSecond': integer(1, MAX_MESSAGES_PER_SECOND),
  'telegram.chatMessagesPerSecond': positive(0.001, MAX_MESSAGES_PER_SECOND),
  'telegram.chatBurst': integer(1, 100_000),
};

export type ConfigMerge = { ok: true; config: RuntimeConfig } | { ok: false; problems: string[] };

function walk(target: Json, patch: unknown, prefix: string, problems: string[]): void {
  if (!isObject(patch)) {
    problems.push(`${prefix || 'the configuration'}: must be a JSON object`);
    return;
  }
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const check = SETTINGS[path];
    if (check) {
      const checked = check(value);
      if (checked.ok) target[key] = checked.value;
      else problems.push(`${path}: ${checked.problem}`);
    } else if (isObject(target[key])) {
      walk(target[key], value, path, problems);
    } else {
      problems.push(`${path}: unknown setting`);
    }
  }
}

/**
 * Applies a partial configuration over `current` (PUT /_sim/config merges: settings not named keep their value).
 * Lists every problem; on any problem nothing is applied.
 */
export function mergeRuntimeConfig(current: RuntimeConfig, patch: unknown): ConfigMerge {
  const next = structuredClone(current) as unknown as Json;
  const problems: string[] = [];
  walk(next, patch, '', problems);
  const config = next as unknown as RuntimeConfig;
  if (problems.length === 0) {
    if (config.faults.serverErrorShare + config.faults.timeoutShare > 1) {
      problems.push('faults: serverErrorShare + timeoutShare must not exceed 1');
    }
    const burst = config.faults.throttleBurst;
    if (burst.everyMs > 0 && burst.durationMs > burst.everyMs) {
      problems.push('faults.throttleBurst: durationMs must not exceed everyMs');
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

// ------------------------------------------------------------------------------------------ environment

type Env = Record<string, string | undefined>;

export class SimulatorConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'SimulatorConfigError';
  }
}

export interface SimulatorSettings {
  host: string;
  port: number;
  config: RuntimeConfig;
  phoneNumbers: PhoneNumberRegistration[];
  templates: TemplateSeed[];
}

type EnvValue = (raw: string) => unknown;
const asNumber: EnvValue = (raw) => (raw.trim() === '' ? raw : Number(raw));
const asText: EnvValue = (raw) => raw;
const asList: EnvValue = (raw) =>
  raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
const asBoolean: EnvValue = (raw) => (/^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : raw);
const asNullableText: EnvValue = (raw) => (raw === '' ? null : raw);

/** Shortcut variables for the settings people change most; SIMULATOR_CONFIG (JSON) reaches all of them. */
export const ENV_SETTINGS: ReadonlyArray<{ variable: string; path: string; read: EnvValue; meaning: string }> = [
  { variable: 'SIMULATOR_SEED', path: 'seed', read: asNumber, meaning: 'seed for random choices' },
  { variable: 'SIMULATOR_DEFAULT_MPS', path: 'defaultMessagesPerSecond', read: asNumber, meaning: 'throughput per number' },
  { variable: 'SIMULATOR_STATUS_LATENCY_MS', path: 'statuses.latencyMs', read: asText, meaning: '"min-max" per status step' },
  { variable: 'SIMULATOR_DELIVERED_PROBABILITY', path: 'statuses.deliveredProbability', read: asNumber, meaning: '0..1' },
  { variable: 'SIMULATOR_READ_PROBABILITY', path: 'statuses.readProbability', read: asNumber, meaning: '0..1 of delivered' },
  {
    variable: 'SIMULATOR_NOT_ON_WHATSAPP',
    path: 'statuses.notOnWhatsApp.numbers',
    read: asList,
    meaning: 'comma-separated numbers',
  },
  { variable: 'SIMULATOR_NOT_ON_WHATSAPP_SHARE', path: 'statuses.notOnWhatsApp.share', read: asNumber, meaning: '0..1 by hash' },
  { variable: 'SIMULATOR_DUPLICATE_PROBABILITY', path: 'statuses.duplicateProbability', read: asNumber, meaning: '0..1' },
  { variable: 'SIMULATOR_REORDER_PROBABILITY', path: 'statuses.reorderProbability', read: asNumber, meaning: '0..1' },
  { variable: 'SIMULATOR_WEBHOOK_BATCH_SIZE', path: 'webhooks.maxStatusesPerPost', read: asNumber, meaning: 'statuses per POST' },
  { variable: 'SIMULATOR_WEBHOOK_FLUSH_MS', path: 'webhooks.flushIntervalMs', read: asNumber, meaning: 'flush interval' },
  { variable: 'SIMULATOR_WEBHOOK_ATTEMPTS', path: 'webhooks.maxAttempts', read: asNumber, meaning: 'attempts per POST' },
  {
    variable: 'SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS',
    path: 'templates.approvalDelayMs',
    read: asNumber,
    meaning: 'review delay',
  },
  {
    variable: 'SIMULATOR_REJECT_TEMPLATES',
    path: 'templates.rejectNamePattern',
    read: asNullableText,
    meaning: 'regex of names',
  },
  { variable: 'SIMULATOR_TEMPLATE_WEBHOOKS', path: 'templates.statusWebhooks', read: asBoolean, meaning: 'true/false' },
  { variable: 'SIMULATOR_SERVER_ERROR_SHARE', path: 'faults.serverErrorShare', read: asNumber, meaning: '0..1 of sends' },
  { variable: 'SIMULATOR_TIMEOUT_SHARE', path: 'faults.timeoutShare', read: asNumber, meaning: '0..1 of sends' },
  {
    variable: 'SIMULATOR_RESPONSE_LATENCY_MS',
    path: 'latency.responseMs',
    read: asText,
    meaning: '"250" or "200-300" before every Graph answer',
  },
  { variable: 'SIMULATOR_PAIR_RATE', path: 'pairRate.enabled', read: asBoolean, meaning: 'true/false: enforce 131056' },
  { variable: 'SIMULATOR_SERVICE_WINDOW', path: 'serviceWindow.enforce', read: asBoolean, meaning: 'true/false: enforce 131047' },
];

function patchAt(path: string, value: unknown): Json {
  const keys = path.split('.');
  const root: Json = {};
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const child: Json = {};
    node[key] = child;
    node = child;
  }
  node[keys[keys.length - 1] as string] = value;
  return root;
}

function parseJsonVariable(env: Env, variable: string): unknown {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new SimulatorConfigError(variable, `is not valid JSON (${(error as Error).message})`);
  }
}

function readPort(env: Env): number {
  const raw = env.SIMULATOR_PORT;
  if (raw === undefined || raw.trim() === '') return 4010;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SimulatorConfigError('SIMULATOR_PORT', `must be a port number from 0 to 65535 (got "${raw}")`);
  }
  return port;
}

function readHost(env: Env): string {
  const raw = env.SIMULATOR_HOST;
  if (raw === undefined || raw.trim() === '') return '127.0.0.1';
  if (!/^[A-Za-z0-9.:_-]+$/.test(raw))
    throw new SimulatorConfigError('SIMULATOR_HOST', `is not a host name or address (got "${raw}")`);
  return raw;
}

function readPhoneNumbers(env: Env): PhoneNumberRegistration[] {
  const variable = 'SIMULATOR_PHONE_NUMBERS';
  const value = parseJsonVariable(env, variable);
  if (value === undefined) return [];
  // An array of registrations with phoneNumberId, or an object keyed by phone number id.
  const entries: Array<[string | undefined, unknown]> = Array.isArray(value)
    ? value.map((item) => [undefined, item])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  if (entries.length === 0 && !Array.isArray(value)) {
    throw new SimulatorConfigError(variable, 'must be a JSON array of registrations, or an object keyed by phone number id');
  }
  const seen = new Set<string>();
  return entries.map(([id, item], index) => {
    const parsed = parsePhoneNumberRegistration(id, item);
    if (!parsed.ok) throw new SimulatorConfigError(variable, `entry ${id ?? index}: ${parsed.problems.join('; ')}`);
    if (seen.has(parsed.value.phoneNumberId)) {
      throw new SimulatorConfigError(variable, `phone number id ${parsed.value.phoneNumberId} is listed twice`);
    }
    seen.add(parsed.value.phoneNumberId);
    return parsed.value;
  });
}

function readTemplates(env: Env): TemplateSeed[] {
  const variable = 'SIMULATOR_TEMPLATES';
  const value = parseJsonVariable(env, variable);
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SimulatorConfigError(variable, 'must be a JSON array of templates');
  return value.map((item, index) => {
    const parsed = parseTemplateSeed(item);
    if (!parsed.ok) throw new SimulatorConfigError(variable, `entry ${index}: ${parsed.problems.join('; ')}`);
    return parsed.value;
  });
}

/**
 * Reads the start-up settings: SIMULATOR_HOST (127.0.0.1), SIMULATOR_PORT (4010), SIMULATOR_PHONE_NUMBERS and
 * SIMULATOR_TEMPLATES (JSON), SIMULATOR_CONFIG (JSON, a partial runtime configuration) and the shortcut variables
 * in ENV_SETTINGS, which win over SIMULATOR_CONFIG. Throws SimulatorConfigError naming the first bad variable.
 */
export function loadSimulatorSettings(env: Env): SimulatorSettings {
  const host = readHost(env);
  const port = readPort(env);
  let config = defaultRuntimeConfig();
  const fromJson = parseJsonVariable(env, 'SIMULATOR_CONFIG');
  if (fromJson !== undefined) {
    const merged = mergeRuntimeConfig(config, fromJson);
    if (!merged.ok) throw new SimulatorConfigError('SIMULATOR_CONFIG', merged.problems.join('; '));
    config = merged.config;
  }
  for (const setting of ENV_SETTINGS) {
    const raw = env[setting.variable];
    if (raw === undefined) continue;
    const merged = mergeRuntimeConfig(config, patchAt(setting.path, setting.read(raw)));
    if (!merged.ok) {
      throw new SimulatorConfigError(
        setting.variable,
        merged.problems.map((problem) => problem.replace(/^[^:]+: /, '')).join('; '),
      );
    }
    config = merged.config;
  }
  return { host, port, config, phoneNumbers: readPhoneNumbers(env), templates: readTemplates(env) };
}
