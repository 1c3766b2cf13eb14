import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ContactsService, OPT_OUT_SCOPES, parseOptOutScope } from '@herald/contacts';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { ContactDto, ContactPageDto, PageQueryDto, PatchContactDto, SearchContactsDto, UpsertContactDto } from './contact.dto';

const NUMBER_PARAM = { name: 'number', example: '+919739978284', description: 'The contact number, in any common form.' };

@ApiTags('contacts')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a contact, or update the one with the same number (201 created, 200 updated).' })
  @ApiResponse({ status: 201, type: ContactDto })
  @ApiResponse({ status: 200, type: ContactDto })
  @ApiErrors(400, 401, 413, 415)
  async upsert(@WorkspaceId() workspaceId: string, @Body() dto: UpsertContactDto, @Res({ passthrough: true }) res: Response): Promise<ContactDto> {
    const { contact, created } = await this.contacts.upsert(workspaceId, dto);
    res.status(created ? 201 : 200);
    return contact;
  }

  @Get()
  @ApiOperation({ summary: 'List contacts a page at a time (cursor pagination, stable under concurrent inserts).' })
  @ApiResponse({ status: 200, type: ContactPageDto })
  @ApiErrors(400, 401)
  list(@WorkspaceId() workspaceId: string, @Query() query: PageQueryDto): Promise<ContactPageDto> {
    return this.contacts.list(workspaceId, query.limit, query.cursor);
  }

  @Post('search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Find contacts matching a searchSpec (the filter blasts use), a page at a time.' })
  @ApiResponse({ status: 200, type: ContactPageDto })
  @ApiErrors(400, 401, 415)
  search(@WorkspaceId() workspaceId: string, @Body() dto: SearchContactsDto): Promise<ContactPageDto> {
    return this.contacts.search(workspaceId, dto.searchSpec, dto.limit, dto.cursor);
  }

  @Get(':number')
  @ApiOperation({ summary: 'Get one contact by number.' })
  @ApiParam(NUMBER_PARAM)
  @ApiResponse({ status: 200, type: ContactDto })
  @ApiErrors(400, 401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('number') number: string): Promise<ContactDto> {
    return this.contacts.get(workspaceId, number);
  }

  @Patch(':number')
  @ApiOperation({ summary: "Change a contact's name, attributes (merged; null removes a key) or timezone." })
  @ApiParam(NUMBER_PARAM)
  @ApiResponse({ status: 200, type: ContactDto })
  @ApiErrors(400, 401, 404, 415)
  patch(@WorkspaceId() workspaceId: string, @Param('number') number: string, @Body() dto: PatchContactDto): Promise<ContactDto> {
    return this.contacts.patch(workspaceId, number, dto);
  }

  @Delete(':number')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a contact (and its audience memberships).' })
  @ApiParam(NUMBER_PARAM)
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiErrors(400, 401, 404)
  async delete(@WorkspaceId() workspaceId: string, @Param('number') number: string): Promise<void> {
    await this.contacts.delete(workspaceId, number);
  }

  @Post(':number/opt-out')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Opt a contact out until it opts in again. Body `{"scope": "marketing"}` (the default: no marketing send reaches it; utility and authentication ones still do) or `{"scope": "all"}` (nothing does).',
  })
  @ApiParam(NUMBER_PARAM)
  @ApiBody({ required: false, schema: { type: 'object', properties: { scope: { type: 'string', enum: [...OPT_OUT_SCOPES] } }, example: { scope: 'all' } } })
  @ApiResponse({ status: 200, type: ContactDto })
  @ApiErrors(400, 401, 404)
  optOut(@WorkspaceId() workspaceId: string, @Param('number') number: string, @Body() body: unknown): Promise<ContactDto> {
    return this.contacts.setOptedOut(workspaceId, number, true, 'api', parseOptOutScope(body));
  }

  @Post(':number/opt-in')
  @HttpCode(200)
  @ApiOperation({ summary: 'Opt a contact back in.' })
  @ApiParam(NUMBER_PARAM)
  @ApiResponse({ status: 200, type: ContactDto })
  @ApiErrors(400, 401, 404)
  optIn(@WorkspaceId() workspaceId: string, @Param('number') number: string): Promise<ContactDto> {
    return this.contacts.setOptedOut(workspaceId, number, false, 'api');
  }
}
