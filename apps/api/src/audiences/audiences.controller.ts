import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AudiencesService } from '@herald/contacts';
import { ContactPageDto, PageQueryDto } from '../contacts/contact.dto';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { AddContactsDto, AudienceDto, CreateAudienceDto, CreatedAudienceDto, MembershipResultDto } from './audience.dto';

const ID_PARAM = { name: 'id', example: 'vip-customers', description: 'Audience id; "all" means every contact.' };

@ApiTags('audiences')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/audiences')
export class AudiencesController {
  constructor(private readonly audiences: AudiencesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an audience, optionally with contacts (invalid entries are reported, valid ones kept).' })
  @ApiResponse({ status: 201, type: CreatedAudienceDto })
  @ApiErrors(400, 401, 409, 413, 415)
  create(@WorkspaceId() workspaceId: string, @Body() dto: CreateAudienceDto): Promise<CreatedAudienceDto> {
    return this.audiences.create(workspaceId, dto);
  }

  @Get()
  @ApiOperation({ summary: "List the workspace's audiences with their sizes." })
  @ApiResponse({ status: 200, type: [AudienceDto] })
  @ApiErrors(401)
  list(@WorkspaceId() workspaceId: string): Promise<AudienceDto[]> {
    return this.audiences.list(workspaceId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one audience with its size.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: AudienceDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<AudienceDto> {
    return this.audiences.get(workspaceId, id);
  }

  @Post(':id/contacts')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add contacts to an audience (created or updated as needed); partial success is reported.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: MembershipResultDto })
  @ApiErrors(400, 401, 404, 413, 415)
  addContacts(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Body() dto: AddContactsDto): Promise<MembershipResultDto> {
    return this.audiences.addContacts(workspaceId, id, dto.contacts);
  }

  @Get(':id/contacts')
  @ApiOperation({ summary: "List an audience's contacts a page at a time (cursor pagination)." })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ContactPageDto })
  @ApiErrors(400, 401, 404)
  members(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Query() query: PageQueryDto): Promise<ContactPageDto> {
    return this.audiences.members(workspaceId, id, query.limit, query.cursor);
  }

  @Delete(':id/contacts/:number')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a contact from an audience (the contact itself stays).' })
  @ApiParam(ID_PARAM)
  @ApiParam({ name: 'number', example: '+919739978284' })
  @ApiResponse({ status: 204, description: 'Removed.' })
  @ApiErrors(400, 401, 404, 409)
  async removeContact(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('number') number: string): Promise<void> {
    await this.audiences.removeContact(workspaceId, id, number);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an audience (its contacts stay).' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiErrors(401, 404, 409)
  async delete(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<void> {
    await this.audiences.delete(workspaceId, id);
  }
}
