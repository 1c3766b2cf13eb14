import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CallbackSecrets, type CallbackSecretView, type CallbackSecretWithSecret } from '@herald/callbacks';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { CallbackSecretDto, CallbackSecretWithSecretDto } from './webhook-endpoint.dto';

@ApiTags('webhook endpoints')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/callback-secret')
export class CallbackSecretController {
  constructor(private readonly secrets: CallbackSecrets) {}

  @Get()
  @ApiOperation({
    summary:
      "Whether the workspace has a callback secret (it signs deliveries to a send's own callbackUrl) and when it was made.",
  })
  @ApiResponse({ status: 200, type: CallbackSecretDto })
  @ApiErrors(401)
  get(@WorkspaceId() workspaceId: string): Promise<CallbackSecretView> {
    return this.secrets.get(workspaceId);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Creates the callback secret, or rotates it (the previous one keeps signing alongside for 24 h). Shown once.',
  })
  @ApiResponse({ status: 200, type: CallbackSecretWithSecretDto })
  @ApiErrors(401)
  rotate(@WorkspaceId() workspaceId: string): Promise<CallbackSecretWithSecret> {
    return this.secrets.rotate(workspaceId);
  }
}
