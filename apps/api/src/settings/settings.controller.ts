import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CampaignsService } from '@herald/campaigns';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { SettingsDto } from './campaign.dto';

@ApiTags('settings')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Get()
  @ApiOperation({ summary: "The workspace's sending settings (marketing frequency cap)." })
  @ApiResponse({ status: 200, type: SettingsDto })
  @ApiErrors(401)
  get(@WorkspaceId() workspaceId: string): Promise<SettingsDto> {
    return this.campaigns.settings(workspaceId);
  }

  @Patch()
  @ApiOperation({
    summary: 'Set the marketing frequency cap: at most N marketing messages per contact per rolling D days (null: none).',
  })
  @ApiBody({ type: SettingsDto })
  @ApiResponse({ status: 200, type: SettingsDto })
  @ApiErrors(400, 401, 415)
  update(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<SettingsDto> {
    return this.campaigns.updateSettings(workspaceId, body);
  }
}
