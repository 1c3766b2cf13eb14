import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ChannelsService, type ChannelView } from '@herald/channels';
import { HeraldError } from '@herald/common';
import { MessagesService } from '@herald/messaging';
import { WorkspaceId } from '../../http/workspace-id.decorator';
import { toNativeSend } from './engagelab-request.util';

/** EngageLab's success answer. */
export class EngageLabSentDto {
  @ApiProperty({ example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', description: "Herald's message id (GET /v1/messages/:id); with several `to`, the first number's." })
  message_id!: string;

  @ApiPropertyOptional({ example: '123asdbbqwe9faweg', description: 'The request_id of the request, as it was given.' })
  request_id?: string;

  @ApiPropertyOptional({ example: ['0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e'], type: [String], description: 'Herald addition, with several `to`: every message id, in the order of `to`.' })
  message_ids?: string[];

  @ApiPropertyOptional({ example: [{ to: '+447911123456', reason: 'opted out of all messages' }], description: 'Herald addition, with several `to`: numbers not sent to, and why.' })
  refused?: Array<{ to: string; reason: string }>;
}

/** EngageLab's failure answer. */
export class EngageLabFailureDto {
  @ApiProperty({ example: 3002, description: '1000, 2001–2004, 3001–3003 or 4001 (docs/COMPATIBILITY.md).' })
  code!: number;

  @ApiProperty({ example: 'body.template field must be set correctly when type is template.' })
  message!: string;
}

const EXAMPLE = {
  from: '+8613800138000',
  to: ['00447911123456'],
  body: { type: 'template', template: { name: 'code', language: 'zh_CN', components: [{ type: 'body', parameters: [{ type: 'text', text: '12345' }] }] } },
  request_id: '123asdbbqwe9faweg',
  custom_args: { arg1: 'string val', arg2: 123 },
};

/**
 * EngageLab's WhatsApp Send Message API on Herald (`<herald>/compat/engagelab`): its body translated into one
 * `POST /v1/messages` on the workspace's WhatsApp channel whose display number is `from` (else its default WhatsApp
 * channel), `request_id` → requestId, `custom_args` → customArgs (returned in status callbacks). Nothing is sent
 * another way. Every error under its prefix — the key's 401 and a body that is not JSON included — answers `{code, message}`
 * with EngageLab's codes, through ENGAGELAB_ERROR_SHAPE (the global error filter).
 */
@ApiTags('compat: EngageLab')
@ApiBasicAuth('basic')
@Controller('compat/engagelab')
export class EngageLabController {
  constructor(
    private readonly messages: MessagesService,
    private readonly channels: ChannelsService,
  ) {}

  @Post('v1/messages')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "EngageLab's POST /v1/messages (Authorization: Basic base64(<key's public id>:<key>), i.e. dev_key:dev_secret): template, text, image, video, audio, document or sticker to each number of `to`; answers {message_id, request_id}.",
  })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  @ApiResponse({ status: 200, type: EngageLabSentDto })
  @ApiResponse({ status: 400, type: EngageLabFailureDto, description: '2003 no WhatsApp channel; 3001 not JSON; 3002 a field missing or wrong; 3003 refused or not supported; 4001 no such template or sending number.' })
  @ApiResponse({ status: 401, type: EngageLabFailureDto, description: '2001 no valid key pair; 2002 the key is revoked.' })
  @ApiResponse({ status: 403, type: EngageLabFailureDto, description: '2004 the key may not send from this number.' })
  @ApiResponse({ status: 500, type: EngageLabFailureDto, description: '1000 internal error.' })
  async send(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<EngageLabSentDto> {
    const send = toNativeSend(body);
    const channel = await this.sender(workspaceId, send.from);
    const answer = await this.messages.send(workspaceId, {
      ...send.message,
      channelId: channel.id,
      to: send.to.length === 1 ? { number: send.to[0]! } : send.to,
      ...(send.requestId === undefined ? {} : { requestId: send.requestId }),
      ...(send.customArgs === undefined ? {} : { customArgs: send.customArgs }),
    });
    const echo = send.requestId === undefined ? {} : { request_id: send.requestId };
    if ('one' in answer) return { message_id: answer.one.id, ...echo };
    const { messages, refused } = answer.many;
    const why = refused.map((r) => ({ to: r.number, reason: r.reason }));
    if (messages.length === 0) {
      throw new HeraldError('conflict', 'all_refused', `No message was sent: ${why.map((r) => `${r.to} ${r.reason}`).join('; ')}.`);
    }
    return { message_id: messages[0]!.id, ...echo, message_ids: messages.map((m) => m.id), ...(why.length > 0 ? { refused: why } : {}) };
  }

  /**
   * `from`: the workspace's WhatsApp channel whose display number it is (digits compared: `+86 138…`, `86138…`);
   * without it, the default WhatsApp channel. A key restricted to other channels is refused by the send itself (2004).
   */
  private async sender(workspaceId: string, from: string | undefined): Promise<ChannelView> {
    const whatsapp = (await this.channels.list(workspaceId)).filter((c) => c.type === 'whatsapp');
    // No WhatsApp at all is EngageLab's 2003 ("WhatsApp authentication failed") whether or not `from` names a number.
    if (whatsapp.length === 0) throw new HeraldError('invalid', 'no_whatsapp_channel', 'WhatsApp is not set up: this workspace has no WhatsApp channel (POST /v1/channels).');
    if (from === undefined) return whatsapp.find((c) => c.isDefault) ?? whatsapp[0]!;
    const digits = from.replace(/\D/g, '');
    const channel = digits === '' ? undefined : whatsapp.find((c) => c.displayPhoneNumber.replace(/\D/g, '') === digits);
    if (!channel) {
      throw new HeraldError('not_found', 'channel_not_found', `The sending number ${from} is not a WhatsApp channel of this workspace.`, [{ field: 'from', issue: 'names no sending number' }]);
    }
    return channel;
  }
}
