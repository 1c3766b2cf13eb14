import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { HeraldError } from '@herald/common';
import { WorkspacesService } from '@herald/workspaces';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { ApiKeyDto, CreatedApiKeyDto } from './api-key.dto';

const keyIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new HeraldError('invalid', 'validation_failed', 'The API key id must be a UUID.', [{ field: 'id', issue: 'must be a UUID' }]),
});

@ApiTags('api-keys')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Create another API key for the caller's workspace; the key is shown once." })
  @ApiResponse({ status: 201, type: CreatedApiKeyDto })
  @ApiErrors(401, 415)
  create(@WorkspaceId() workspaceId: string): Promise<CreatedApiKeyDto> {
    return this.workspaces.createApiKey(workspaceId);
  }

  @Get()
  @ApiOperation({ summary: "List the workspace's active API keys (prefix, created, last used)." })
  @ApiResponse({ status: 200, type: [ApiKeyDto] })
  @ApiErrors(401)
  list(@WorkspaceId() workspaceId: string): Promise<ApiKeyDto[]> {
    return this.workspaces.listApiKeys(workspaceId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key at once. The last active key cannot be revoked (409).' })
  @ApiParam({ name: 'id', format: 'uuid', example: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' })
  @ApiResponse({ status: 204, description: 'Revoked.' })
  @ApiErrors(400, 401, 404, 409)
  async revoke(@WorkspaceId() workspaceId: string, @Param('id', keyIdPipe) id: string): Promise<void> {
    await this.workspaces.revokeApiKey(workspaceId, id);
  }
}
