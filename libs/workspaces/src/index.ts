export * from './workspace.entity';
export * from './api-key.entity';
export * from './workspace-owned.entity';
export { looksLikeApiKey, looksLikePublicKeyId } from './api-key.util';
export type { AuthenticatedKey, KeyLookup } from './api-key.repository';
export { actingKey, assertKeyMaySendFrom, enterKeyScope, keyMaySendFrom, type ActingKey } from './key-scope.util';
export * from './workspaces.service';
export * from './workspaces.module';
export { WorkspaceSettingsRepository, type StoredSendingSettings } from './workspace-settings.repository';

import { ApiKey } from './api-key.entity';
import { Workspace } from './workspace.entity';
/** The tables this capability owns. */
export const WORKSPACE_ENTITIES = [Workspace, ApiKey];
