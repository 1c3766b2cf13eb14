import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { ContactChannels } from './contact-channels.service';
import { ContactConversation } from './contact-conversation.service';
import { ConversationPageDto, ContactChannelsDto } from './inbound.dto';

@ApiTags('contacts')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/contacts')
export class ContactHistoryController {
  constructor(
    private readonly conversation: ContactConversation,
    private readonly channels: ContactChannels,
  ) {}

  @Get(':number/conversation')
  @ApiOperation({
    summary:
      'The conversation with a contact, newest first: single messages, campaign and blast sends (with their statuses) and the messages the contact sent, on one channel or all (cursor pagination).',
  })
  @ApiParam({ name: 'number', example: '+919739978284' })
  @ApiQuery({ name: 'channelId', required: false, type: String, format: 'uuid', example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10', description: 'Only this channel.' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', minimum: 1, maximum: 1000, example: 50, description: 'Default 100.' })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page.' })
  @ApiResponse({ status: 200, type: ConversationPageDto })
  @ApiErrors(400, 401, 404)
  conversationOf(@WorkspaceId() workspaceId: string, @Param('number') number: string, @Query() query: Record<string, unknown>): Promise<ConversationPageDto> {
    return this.conversation.page(workspaceId, number, query);
  }

  @Get(':number/channels')
  @ApiOperation({
    summary:
      "A contact's details on each channel of the workspace: their identifier, last message, whether the 24-hour service window is open and until when, opt-out and not-on-WhatsApp state, and messages sent and received.",
  })
  @ApiParam({ name: 'number', example: '+919739978284' })
  @ApiResponse({ status: 200, type: ContactChannelsDto })
  @ApiErrors(400, 401, 404)
  channelsOf(@WorkspaceId() workspaceId: string, @Param('number') number: string): Promise<ContactChannelsDto> {
    return this.channels.list(workspaceId, number);
  }
}
