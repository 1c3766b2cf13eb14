import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SendSettingsService } from '@herald/sending';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { SettingsDto, UpdateSettingsDto } from './settings.dto';

@ApiTags('settings')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly settings: SendSettingsService) {}

  @Get()
  @ApiOperation({ summary: "The workspace's sending settings: the marketing frequency cap and quiet hours." })
  @ApiResponse({ status: 200, type: SettingsDto })
  @ApiErrors(401)
  get(@WorkspaceId() workspaceId: string): Promise<SettingsDto> {
    return this.settings.get(workspaceId) as Promise<SettingsDto>;
  }

  @Patch()
  @ApiOperation({
    summary: 'Change the sending settings: the marketing frequency cap and quiet hours (each null: none; a field left out keeps its value).',
  })
  @ApiBody({ type: UpdateSettingsDto })
  @ApiResponse({ status: 200, type: SettingsDto })
  @ApiErrors(400, 401, 415)
  update(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<SettingsDto> {
    return this.settings.update(workspaceId, body) as Promise<SettingsDto>;
  }
}
