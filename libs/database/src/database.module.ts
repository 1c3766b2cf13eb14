import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoreConfig } from '@herald/config';
import { createDataSourceOptions, type EntityList } from './data-source.util';

@Module({})
export class DatabaseModule {
  /** One pooled DataSource for the process, configured from CoreConfig. */
  static forRoot(entities: EntityList, applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [CoreConfig],
          useFactory: (config: CoreConfig) => ({
            ...createDataSourceOptions(config, entities, applicationName),
            // Postgres may still be starting (compose, local stack): keep trying for about a minute before giving up.
            retryAttempts: 30,
            retryDelay: 2_000,
          }),
        }),
      ],
    };
  }
}
