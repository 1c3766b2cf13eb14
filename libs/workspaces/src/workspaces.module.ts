import { Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { ApiKeyRepository } from './api-key.repository';
import { WorkspacesService } from './workspaces.service';

@Module({
  providers: [ApiKeyRepository, WorkspacesService, Clock],
  exports: [WorkspacesService],
})
export class WorkspacesModule {}
