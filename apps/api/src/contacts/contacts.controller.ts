import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ChannelsService } from '@herald/channels';
import { HeraldError } from '@herald/common';
import { ContactsService, OPT_OUT_SCOPES, parseOptOutScope } from '@herald/contacts';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { ContactDto, ContactIdentityDto, ContactPageDto, PageQueryDto, PatchContactDto, SearchContactsDto, SetIdentityDto, UpsertContactDto } from './contact.dto';

const NUMBER_PARAM = { name: 'number', example: '+919739978284', description: 'The contact number, in any common form.' };
const REF_PARAM = {
  name: 'number',
  example: '+919739978284',
  description: 'The contact: its number in any common form, or `id:<contact id>` (the only way to name a contact known by a channel identity alone).',
};
const CHANNEL_PARAM = { name: 'channelId', example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' };

@ApiTags('contacts')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly channels: ChannelsService,
  ) {}

  @Get(':number/identities')
  @ApiOperation({ summary: "A contact's identities on Messenger, Instagram and Telegram channels (PSID, IGSID, chat id), learned from their messages or set by API." })
  @ApiParam(REF_PARAM)
  @ApiResponse({ status: 200, type: [ContactIdentityDto] })
  @ApiErrors(400, 401, 404)
  async identities(@WorkspaceId() workspaceId: string, @Param('number') ref: string): Promise<ContactIdentityDto[]> {
    const contact = await this.contacts.resolve(workspaceId, ref);
    return this.contacts.identitiesOf(workspaceId, contact.id);
  }

  @Put(':number/identities/:channelId')
  @ApiOperation({ summary: "Set who the contact is on a Messenger, Instagram or Telegram channel (their PSID, IGSID or chat id), so sends can address them there." })
  @ApiParam(REF_PARAM)
  @ApiParam(CHANNEL_PARAM)
  @ApiResponse({ status: 200, type: ContactIdentityDto })
  @ApiErrors(400, 401, 404, 409, 415)
  async setIdentity(
    @WorkspaceId() workspaceId: string,
    @Param('number') ref: string,
    @Param('channelId') channelId: string,
    @Body() dto: SetIdentityDto,
  ): Promise<ContactIdentityDto> {
    const contact = await this.contacts.resolve(workspaceId, ref);
    await this.identityChannel(workspaceId, channelId);
    return this.contacts.setIdentity(workspaceId, contact.id, channelId, dto.identity);
  }

  @Delete(':number/identities/:channelId')
  @HttpCode(204)
  @ApiOperation({ summary: "Forget the contact's identity on a channel." })
  @ApiParam(REF_PARAM)
  @ApiParam(CHANNEL_PARAM)
  @ApiResponse({ status: 204, description: 'Forgotten.' })
  @ApiErrors(401, 404)
  async removeIdentity(@WorkspaceId() workspaceId: string, @Param('number') ref: string, @Param('channelId') channelId: string): Promise<void> {
    const contact = await this.contacts.resolve(workspaceId, ref);
    await this.identityChannel(workspaceId, channelId);
    await this.contacts.removeIdentity(workspaceId, contact.id, channelId);
  }

  /** The workspace's channel, which must address people by id (WhatsApp addresses them by number). */
  private async identityChannel(workspaceId: string, channelId: string): Promise<void> {
    const channel = await this.channels.get(workspaceId, channelId);
    if (channel.type === 'whatsapp') {
      throw new HeraldError('invalid', 'validation_failed', 'A WhatsApp channel addresses contacts by their number; identities are for Messenger, Instagram and Telegram channels.', [
        { field: 'channelId', issue: 'is a WhatsApp channel' },
      ]);
    }
  }

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
  @ApiOperation({ summary: 'Get one contact by number (or by `id:<contact id>`).' })
  @ApiParam(REF_PARAM)
  @ApiResponse({ status: 200, type: ContactDto })
  @ApiErrors(400, 401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('number') number: string): Promise<ContactDto> {
    return this.contacts.resolve(workspaceId, number);
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
