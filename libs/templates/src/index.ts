export * from './template.types';
export * from './template-requirements.util';
export { TemplatesService, TEMPLATES_PROVIDER, TEMPLATE_SYNC_EVERY_SECONDS, toView } from './templates.service';
export type { TemplateChange } from './template.repository';
export * from './templates.module';

import { TemplateRecord, TemplateSync } from './template.entity';
/** The tables this capability owns. */
export const TEMPLATE_ENTITIES = [TemplateRecord, TemplateSync];
