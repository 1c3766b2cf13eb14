import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BlastsService } from '@herald/campaigns';
import { ChannelsService } from '@herald/channels';
import { MessagesService, publicAnswer } from '@herald/messaging';
import { ApiErrors } from '../../http/api-errors.decorator';
import { WorkspaceId } from '../../http/workspace-id.decorator';
import { BlastCreatedDto } from '../../blasts/blast.dto';
import { MessageAcceptedDto } from '../../messages/message.dto';
import { channelOfKind } from '../channel-of-kind.util';
import { chitChatLabsField, toNativeBlast, toNativeSingle } from './chitchatlabs-request.util';
import { renameErrorFields } from '../rename-fields.util';

const EXAMPLE_FILE = { type: 'image', link: 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png' };

/**
 * ChitChatLabs' message API on Herald (`<herald>/compat/chitchatlabs`, header `x-tenant-api-key`): its single template
 * message and its blast to the contacts a searchSpec matches, onto `POST /v1/messages` and `POST /v1/blasts`. Its
 * document shows no answers: Herald answers what its own routes do (202 with the message or blast, and Herald's error
 * shape), so the message can be followed with `GET /v1/messages/:id` or `?tag=` — the "Messages tab" of its document.
 */
@ApiTags('compat: ChitChatLabs')
@ApiSecurity('x-tenant-api-key')
@Controller('compat/chitchatlabs/chat-service/apis/message')
export class ChitChatLabsController {
  constructor(
    private readonly messages: MessagesService,
    private readonly blasts: BlastsService,
    private readonly channels: ChannelsService,
  ) {}

  @Post('single')
  @HttpCode(202)
  @ApiOperation({ summary: "ChitChatLabs' single message: a template (fb_template, language, file, params, tag) to to.mobile, without adding them to an audience." })
  @ApiBody({
    schema: {
      type: 'object',
      example: { to: { mobile: '919739978284', name: 'Partha' }, fb_template: 'habit_run_confirmation_message', language: 'en', file: EXAMPLE_FILE, params: ['Partha', 'Habit Run November Edition', '24th Nov'], tag: 'test_tag' },
    },
  })
  @ApiResponse({ status: 202, type: MessageAcceptedDto })
  @ApiErrors(400, 401, 404, 409, 413, 415)
  async single(@WorkspaceId() workspaceId: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<MessageAcceptedDto> {
    // ChitChatLabs is WhatsApp: the workspace's WhatsApp channel sends, whichever channel is its default.
    const channel = await channelOfKind(this.channels, workspaceId, 'whatsapp');
    const answer = await this.messages.send(workspaceId, { ...toNativeSingle(body), channelId: channel.id });
    if (!('one' in answer)) throw new Error('one recipient was given');
    if (!answer.one.created) res.status(200);
    return publicAnswer(answer.one);
  }

  @Post('blast')
  @HttpCode(202)
  @ApiOperation({ summary: "ChitChatLabs' blast: a template to every contact a searchSpec matches, params with placeholders ({{name}}…) filled per contact." })
  @ApiBody({
    schema: {
      type: 'object',
      example: { searchSpec: { name: 'Partha' }, fb_template: 'habit_run_confirmation_message', language: 'en', file: EXAMPLE_FILE, params: ['{{name}}', 'Habit Run November Edition', '24th Nov'], tag: 'test_tag_bulk' },
    },
  })
  @ApiResponse({ status: 202, type: BlastCreatedDto })
  @ApiErrors(400, 401, 404, 409, 413, 415)
  async blast(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<BlastCreatedDto> {
    // ChitChatLabs is WhatsApp: the workspace's WhatsApp channel; Herald's refusals name its fields.
    const channel = await channelOfKind(this.channels, workspaceId, 'whatsapp');
    try {
      return await this.blasts.create(workspaceId, toNativeBlast(body, channel.id));
    } catch (error) {
      throw renameErrorFields(error, chitChatLabsField);
    }
  }
}
