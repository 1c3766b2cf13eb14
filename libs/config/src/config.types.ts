import type { WorkerQueueName } from './config.variables';

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
  /** Tries of one message on transient failures; whoever enqueues a send sets it on the job. */
  abstract readonly sendMaxAttempts: number;
  /** The API's address as recipients reach it, without a trailing slash: tracked links are `<publicUrl>/l/<code>`. */
  abstract readonly publicUrl: string;
}

/** What any process that opens sealed secrets (channel tokens) needs: the API and the worker. */
export abstract class SecretsConfig {
  abstract readonly secretsKey: Buffer;
}

/** What the callbacks library needs (API: URL checks; worker: deliveries). Provided by the API and the worker. */
export abstract class CallbacksConfig {
  /** Callback URLs may point at private, loopback and metadata addresses (the SSRF guard off). */
  abstract readonly callbackAllowPrivateUrls: boolean;
  /** First retry delay of a failed delivery (doubling, capped, jittered). */
  abstract readonly callbackRetryBaseMs: number;
  /** Finished deliveries are deleted this many days after their last attempt (and their events with the last of them). */
  abstract readonly callbackRetentionDays: number;
}

/**
 * What fetching media from a user's URL needs (template header media: the API creating a template, the worker
 * registering a campaign's image). Provided by the API and the worker.
 */
export abstract class MediaFetchConfig {
  /** Media URLs may point at private, loopback and metadata addresses (the SSRF guard off). */
  abstract readonly mediaAllowPrivateUrls: boolean;
}

/** The HTTP API's settings. */
export abstract class ApiConfig extends CoreConfig {
  abstract readonly callbackAllowPrivateUrls: boolean;
  abstract readonly mediaAllowPrivateUrls: boolean;
  abstract readonly callbackRetryBaseMs: number;
  abstract readonly callbackRetentionDays: number;
  abstract readonly port: number;
  abstract readonly adminToken: string;
  abstract readonly bullBoardUser: string;
  abstract readonly bullBoardPassword: string;
  abstract readonly secretsKey: Buffer;
  abstract readonly httpBodyLimitBytes: number;
  /** Largest provider webhook POST (Meta batches up to 1,000 updates; a refused batch is lost after its retries). */
  abstract readonly webhookBodyLimitBytes: number;
  abstract readonly importMaxBytes: number;
  /** Graph API version for channels created without a graphBaseUrl, e.g. v26.0. */
  abstract readonly whatsappGraphVersion: string;
  /** How long a stored webhook waits for the job that applies it (statuses of one message arriving close together coalesce). */
  abstract readonly webhookApplyDelayMs: number;
}

/** A worker process's settings. */
export abstract class WorkerConfig extends CoreConfig {
  abstract readonly callbackAllowPrivateUrls: boolean;
  abstract readonly mediaAllowPrivateUrls: boolean;
  abstract readonly callbackRetryBaseMs: number;
  abstract readonly callbackRetentionDays: number;
  abstract readonly secretsKey: Buffer;
  abstract readonly workerConcurrency: number;
  /** The queues this process drains (WORKER_QUEUES; every queue when it is not set). */
  abstract readonly workerQueues: readonly WorkerQueueName[];
  /** How long a stopping worker lets its active jobs finish before it gives them back to the queue. */
  abstract readonly shutdownGraceMs: number;
  /** Revoked API keys older than this are deleted by the maintenance job. */
  abstract readonly revokedApiKeyRetentionDays: number;
  /** Webhook events set aside as unappliable are deleted this many days after they were set aside. */
  abstract readonly webhookFailedRetentionDays: number;
  /** Inbound texts that opt a contact out of marketing, upper-cased. */
  abstract readonly optOutKeywords: readonly string[];
  /** Sends a second into one Telegram chat (the shared limiter paces each chat). */
  abstract readonly telegramChatMessagesPerSecond: number;
  /** Audio and video sends a second per Messenger Page or Instagram account. */
  abstract readonly metaAudioVideoPerSecond: number;
  abstract readonly providerTimeoutMs: number;
  /** Most keep-alive connections a worker opens per provider origin; 0: no bound (in flight follows rate × latency). */
  abstract readonly providerConnections: number;
  abstract readonly sendUnconfirmedAfterSeconds: number;
  abstract readonly campaignChunkSize: number;
  abstract readonly campaignReconcileIntervalMs: number;
}
