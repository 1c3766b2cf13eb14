export * from './workspace.entity';
export * from './api-key.entity';
export * from './workspace-owned.entity';
export { looksLikeApiKey } from './api-key.util';
export type { AuthenticatedKey } from './api-key.repository';
export * from './workspaces.service';
export * from './workspaces.module';
export { WorkspaceSettingsRepository, type StoredSendingSettings } from './workspace-settings.repository';

import { ApiKey } from './api-key.entity';
import { Workspace } from './workspace.entity';
/** The tables this capability owns. */
export const WORKSPACE_ENTITIES = [Workspace, ApiKey];
