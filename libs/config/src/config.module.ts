import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { ApiConfig, CallbacksConfig, CoreConfig, MediaFetchConfig, SecretsConfig, WorkerConfig } from './config.types';

/**
 * Makes an already validated configuration injectable. Entry points load and validate it before Nest starts
 * (so a bad value stops the process with one line), then hand it here. Libraries inject `CoreConfig`;
 * each app injects its own richer type.
 */
@Global()
@Module({})
export class ConfigModule {
  static forCli(config: CoreConfig): DynamicModule {
    return ConfigModule.provide([{ provide: CoreConfig, useValue: config }]);
  }

  static forApi(config: ApiConfig): DynamicModule {
    return ConfigModule.provide([
      { provide: CoreConfig, useValue: config },
      { provide: ApiConfig, useValue: config },
      { provide: SecretsConfig, useValue: config },
      { provide: CallbacksConfig, useValue: config },
      { provide: MediaFetchConfig, useValue: config },
    ]);
  }

  static forWorker(config: WorkerConfig): DynamicModule {
    return ConfigModule.provide([
      { provide: CoreConfig, useValue: config },
      { provide: WorkerConfig, useValue: config },
      { provide: SecretsConfig, useValue: config },
      { provide: CallbacksConfig, useValue: config },
      { provide: MediaFetchConfig, useValue: config },
    ]);
  }

  private static provide(providers: Array<Provider & { provide: unknown }>): DynamicModule {
    return { module: ConfigModule, providers, exports: providers.map((p) => p.provide as typeof CoreConfig) };
  }
}
