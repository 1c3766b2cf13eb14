import { Module } from '@nestjs/common';
import { BullBoardModule } from '@bull-board/nestjs';
import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ApiConfig } from '@herald/config';
import { ALL_QUEUES } from '@herald/queues';
import { basicAuth } from './basic-auth.middleware';

export const QUEUES_DASHBOARD_ROUTE = '/admin/queues';

/** Bull Board at /admin/queues, showing every queue Herald has, behind HTTP basic auth. */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [ApiConfig],
      useFactory: (config: ApiConfig) => ({
        route: QUEUES_DASHBOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: basicAuth(config.bullBoardUser, config.bullBoardPassword),
        boardOptions: { uiConfig: { boardTitle: 'Herald queues' } },
      }),
    }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
})
export class QueuesDashboardModule {}
