/** How a Herald process runs: `production` generates nothing and insists on every secret. */
export type NodeEnv = 'development' | 'test' | 'production';

/** Which process is reading the configuration; each needs a different set of variables. */
export type ProcessRole = 'api' | 'worker' | 'cli';

/** Settings every Herald process shares. */
export abstract class CoreConfig {
  abstract readonly nodeEnv: NodeEnv;
  abstract readonly logLevel: string;
  abstract readonly databaseUrl: string;
  abstract readonly databasePoolSize: number;
  abstract readonly redisUrl: string;
  /** Key prefix for every BullMQ key, so several Herald installs (or test runs) can share one Redis. */
  abstract readonly redisPrefix: string;
}

/** The HTTP API's settings. */
export abstract class ApiConfig extends CoreConfig {
  abstract readonly port: number;
  abstract readonly adminToken: string;
  abstract readonly bullBoardUser: string;
  abstract readonly bullBoardPassword: string;
  abstract readonly secretsKey: Buffer;
  abstract readonly httpBodyLimitBytes: number;
  abstract readonly importMaxBytes: number;
}

/** A worker process's settings. */
export abstract class WorkerConfig extends CoreConfig {
  abstract readonly secretsKey: Buffer;
  abstract readonly workerConcurrency: number;
  /** How long a stopping worker lets its active jobs finish before it gives them back to the queue. */
  abstract readonly shutdownGraceMs: number;
  /** Revoked API keys older than this are deleted by the maintenance job. */
  abstract readonly revokedApiKeyRetentionDays: number;
}
