import { Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { ApiKeyRepository } from './api-key.repository';
import { WorkspacesService } from './workspaces.service';
import { WorkspaceSettingsRepository } from './workspace-settings.repository';

@Module({
  providers: [ApiKeyRepository, WorkspacesService, WorkspaceSettingsRepository, Clock],
  exports: [WorkspacesService, WorkspaceSettingsRepository],
})
export class WorkspacesModule {}
