import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { VariableGroupsService } from '@herald/contacts';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import {
  CreateVariableGroupDto,
  CreatedVariableGroupDto,
  UpsertValuesDto,
  ValuePageDto,
  ValuesQueryDto,
  ValuesResultDto,
  VariableGroupDto,
} from './variable-group.dto';

const ID_PARAM = { name: 'id', example: 'billing' };

@ApiTags('variable-groups')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/variable-groups')
export class VariableGroupsController {
  constructor(private readonly groups: VariableGroupsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a variable group with its fields and, optionally, values per contact.' })
  @ApiResponse({ status: 201, type: CreatedVariableGroupDto })
  @ApiErrors(400, 401, 409, 413, 415)
  create(@WorkspaceId() workspaceId: string, @Body() dto: CreateVariableGroupDto): Promise<CreatedVariableGroupDto> {
    return this.groups.create(workspaceId, dto);
  }

  @Get()
  @ApiOperation({ summary: "List the workspace's variable groups with their fields and sizes." })
  @ApiResponse({ status: 200, type: [VariableGroupDto] })
  @ApiErrors(401)
  list(@WorkspaceId() workspaceId: string): Promise<VariableGroupDto[]> {
    return this.groups.list(workspaceId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one variable group.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: VariableGroupDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<VariableGroupDto> {
    return this.groups.get(workspaceId, id);
  }

  @Get(':id/values')
  @ApiOperation({ summary: "List a group's value rows a page at a time, or one contact's row with ?number=." })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ValuePageDto })
  @ApiErrors(400, 401, 404)
  values(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Query() query: ValuesQueryDto): Promise<ValuePageDto> {
    return this.groups.values(workspaceId, id, query.limit, query.cursor, query.number);
  }

  @Post(':id/values')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upsert value rows by number; numbers not yet contacts become contacts.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ValuesResultDto })
  @ApiErrors(400, 401, 404, 413, 415)
  upsertValues(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Body() dto: UpsertValuesDto): Promise<ValuesResultDto> {
    return this.groups.upsertValues(workspaceId, id, dto.values);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a variable group and its values (the contacts stay).' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiErrors(401, 404)
  async delete(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<void> {
    await this.groups.delete(workspaceId, id);
  }
}
