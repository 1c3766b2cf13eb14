// Preloaded into a worker process (`node --import`) by test/worker-shutdown.e2e-spec.ts: the worker takes
// HERALD_TEST_SLOW_START_MS longer to finish starting once its BullMQ workers are already taking jobs, as on a
// loaded machine where registering the job schedules is slow, so a signal can be sent in that window on purpose.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { MaintenanceSchedule } = require('../../dist/apps/worker/src/maintenance/maintenance-schedule.service.js');
const register = MaintenanceSchedule.prototype.onApplicationBootstrap;
MaintenanceSchedule.prototype.onApplicationBootstrap = async function onApplicationBootstrap() {
  await register.call(this);
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.HERALD_TEST_SLOW_START_MS ?? 1_500)));
};
