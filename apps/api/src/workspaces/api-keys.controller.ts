import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ChannelsService } from '@herald/channels';
import { HeraldError, isUuid } from '@herald/common';
import { WorkspacesService } from '@herald/workspaces';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, UpdateApiKeyDto } from './api-key.dto';

const keyIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new HeraldError('invalid', 'validation_failed', 'The API key id must be a UUID.', [{ field: 'id', issue: 'must be a UUID' }]),
});

@ApiTags('api-keys')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly channels: ChannelsService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Create another API key for the caller's workspace, optionally restricted to some channels; the key is shown once, its public id is listed.",
  })
  @ApiBody({ type: CreateApiKeyDto, required: false, examples: { unrestricted: { value: {} }, restricted: { value: { allowedChannels: ['+1 555 010 0123'] } } } })
  @ApiResponse({ status: 201, type: CreatedApiKeyDto })
  @ApiErrors(400, 401, 404, 415)
  async create(@WorkspaceId() workspaceId: string, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.workspaces.createApiKey(workspaceId, await this.channelIds(workspaceId, body.allowedChannels ?? null));
  }

  @Get()
  @ApiOperation({ summary: "List the workspace's active API keys (public id, prefix, allowed channels, created, last used)." })
  @ApiResponse({ status: 200, type: [ApiKeyDto] })
  @ApiErrors(401)
  list(@WorkspaceId() workspaceId: string): Promise<ApiKeyDto[]> {
    return this.workspaces.listApiKeys(workspaceId);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Restrict an API key to some channels (by id or display number), or lift the restriction with null.' })
  @ApiParam({ name: 'id', format: 'uuid', example: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' })
  @ApiBody({ type: UpdateApiKeyDto, examples: { restrict: { value: { allowedChannels: ['+1 555 010 0123'] } }, lift: { value: { allowedChannels: null } } } })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  @ApiErrors(400, 401, 404, 415)
  async update(@WorkspaceId() workspaceId: string, @Param('id', keyIdPipe) id: string, @Body() body: UpdateApiKeyDto): Promise<ApiKeyDto> {
    return this.workspaces.restrictApiKey(workspaceId, id, await this.channelIds(workspaceId, body.allowedChannels));
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

  /** The workspace's channels named by id or display number; 404 naming the first that is none of them. */
  private async channelIds(workspaceId: string, named: readonly string[] | null): Promise<string[] | null> {
    if (named === null) return null;
    const channels = await this.channels.list(workspaceId);
    return named.map((n, i) => {
      const digits = n.replace(/\D/g, '');
      const found = isUuid(n)
        ? channels.find((c) => c.id === n.toLowerCase())
        : digits.length >= 5 ? channels.find((c) => c.displayPhoneNumber.replace(/\D/g, '') === digits) : undefined;
      if (!found) {
        throw new HeraldError('not_found', 'channel_not_found', `No channel of this workspace has the id or display number "${n}".`, [
          { field: `allowedChannels[${i}]`, issue: 'names no channel of this workspace' },
        ]);
      }
      return found.id;
    });
  }
}
