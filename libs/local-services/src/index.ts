export { buildPostgresUrl, buildRedisUrl, databaseNameOf, redactUrl, withDatabase } from './connection-url.util';
export type { PostgresUrlParts } from './connection-url.util';
export { anyFreePort, findFreePort, isPortFree, portCandidates } from './port.util';
export type { FindFreePortOptions, PortAllocator, PortCheck } from './port.util';
export { dropDatabase, ensureDatabase, ensurePostgres, probePostgres } from './postgres.service';
export { fallbackPostgresDataDir, localDataOutside, processesUsingLocalData, relocatedBinariesDir } from './local-data.util';
export { errorOfLogLine, formatStackSummary, type StackSummary } from './stack-summary.util';
export { ensureRedis, findRedisServer, pingRedis } from './redis.service';
export type {
  EnsurePostgresOptions,
  EnsureRedisOptions,
  LocalServicesLog,
  ProbeResult,
  ServiceHandle,
} from './local-services.types';
