import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadCoreConfig } from '@herald/config';
import { createDataSourceOptions } from '@herald/database';
import { ENTITIES } from './index';

/** For the TypeORM CLI (`npm run migration:generate`): the same DataSource the apps use. */
export default new DataSource(createDataSourceOptions(loadCoreConfig(), ENTITIES, 'herald-migrations'));
