import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Redis } from 'ioredis';
import { CoreConfig } from '@herald/config';

export interface ComponentCheck {
  readonly component: 'postgres' | 'redis';
  readonly up: boolean;
  readonly latencyMs: number;
  readonly issue?: string;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Asks Postgres and Redis, each within two seconds, whether they answer. */
@Injectable()
export class ReadinessService implements OnApplicationShutdown {
  /** Its own connection: fails fast instead of queueing commands while Redis is away. */
  private readonly redis: Redis;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: CoreConfig,
  ) {
    this.redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: CHECK_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      connectionName: 'herald-api-health',
    });
    this.redis.on('error', () => undefined); // reported by check(), not as unhandled events
  }

  async check(): Promise<ComponentCheck[]> {
    return Promise.all([
      this.probe('postgres', () => this.dataSource.query('SELECT 1')),
      this.probe('redis', async () => {
        if (this.redis.status === 'wait') await this.redis.connect();
        return this.redis.ping();
      }),
    ]);
  }

  private async probe(component: ComponentCheck['component'], run: () => Promise<unknown>): Promise<ComponentCheck> {
    const started = performance.now();
    try {
      await withTimeout(run(), CHECK_TIMEOUT_MS);
      return { component, up: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { component, up: false, latencyMs: Math.round(performance.now() - started), issue: (error as Error).message };
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
