import type { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ApiConfig } from '@herald/config';
import { JobQueue } from '@herald/queues';
import { basicAuth } from './basic-auth.middleware';

export const QUEUES_DASHBOARD_ROUTE = '/admin/queues';

/**
 * Bull Board at /admin/queues, showing every queue Herald has, behind HTTP basic auth. Mounted on the
 * Express instance directly: it is an operator tool, not part of the versioned API.
 */
export function mountQueuesDashboard(app: INestApplication): void {
  const config = app.get(ApiConfig);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUES_DASHBOARD_ROUTE);
  createBullBoard({
    queues: app.get(JobQueue).all().map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Herald queues' } },
  });
  app.use(QUEUES_DASHBOARD_ROUTE, basicAuth(config.bullBoardUser, config.bullBoardPassword), serverAdapter.getRouter());
}
