import { CallbacksModule } from '@herald/callbacks';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type CoreConfig } from '@herald/config';
import { DatabaseModule } from '@herald/database';
import { ENTITIES } from '@herald/schema';
import { WorkspacesModule } from '@herald/workspaces';
import { ContactsModule } from '@herald/contacts';

/** What operator commands need: the database and the services they call. No HTTP, no queues. */
@Module({})
export class CliModule {
  static forRoot(config: CoreConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forCli(config), DatabaseModule.forRoot(ENTITIES, 'herald-cli'), CallbacksModule, WorkspacesModule, ContactsModule],
    };
  }
}
