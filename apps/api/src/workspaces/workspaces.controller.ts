import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { WorkspacesService } from '@herald/workspaces';
import { AdminOnly } from '../http/access.decorator';
import { ApiErrors } from '../http/api-errors.decorator';
import { CreateWorkspaceDto, CreatedWorkspaceDto } from './workspace.dto';

@ApiTags('workspaces')
@Controller('v1/workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post()
  @HttpCode(201)
  @AdminOnly()
  @ApiSecurity('admin-token')
  @ApiOperation({ summary: 'Create a workspace (operator only) and its first API key, shown once.' })
  @ApiBody({ type: CreateWorkspaceDto, examples: { default: { value: { name: 'Acme Retail' } } } })
  @ApiResponse({ status: 201, type: CreatedWorkspaceDto })
  @ApiErrors(400, 401, 413, 415)
  create(@Body() dto: CreateWorkspaceDto): Promise<CreatedWorkspaceDto> {
    return this.workspaces.createWorkspace(dto.name);
  }
}
