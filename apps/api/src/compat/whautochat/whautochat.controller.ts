import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiProperty, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ChannelsService, type ChannelKind, type ChannelView } from '@herald/channels';
import { HeraldError } from '@herald/common';
import { MessagesService } from '@herald/messaging';
import { TemplatesService } from '@herald/templates';
import { channelOfKind } from '../channel-of-kind.util';
import { WorkspaceId } from '../../http/workspace-id.decorator';
import { toNativeSend, WHAUTOCHAT_ROUTES, type WhautoChatKind, type WhautoChatPlatform } from './whautochat-request.util';

/** WhautoChat's `MessageResponse`: the message's id and status, or why it was not taken. */
export class WhautoChatMessageResponseDto {
  @ApiProperty({ example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', nullable: true, type: String, description: "Herald's message id (GET /v1/messages/:id)." })
  id!: string | null;

  @ApiProperty({ example: 'queued', description: 'queued, scheduled (with scheduleDateTime), or failed when the message was refused.' })
  status!: string;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why the message was refused; null when it was taken.' })
  error!: string | null;
}

/**
 * WhautoChat's Messages API on Herald (`<herald>/compat/whautochat`): its nine sends, with its field names (`recepient`
 * included) and `MessageResponse`, each translated into one `POST /v1/messages` on the workspace's channel of that
 * platform. Nothing is sent another way: the message goes through Herald's pipeline like any other. Errors —
 * the key's 401 included — leave in its shape through WHAUTOCHAT_ERROR_SHAPE.
 */
@ApiTags('compat: WhautoChat')
@ApiSecurity('x-api-key')
@Controller('compat/whautochat/v1/messages')
export class WhautoChatController {
  constructor(
    private readonly messages: MessagesService,
    private readonly channels: ChannelsService,
    private readonly templates: TemplatesService,
  ) {}

  @Post(':platform/:kind')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "WhautoChat's sends: POST /v1/messages/{whatsapp|messenger|instagram|telegram}/{sendtext|sendmedia|sendtemplate} (nine of them, as its document lists), to contact{id} or recepient{phoneNumber}; answers MessageResponse.",
  })
  @ApiParam({ name: 'platform', enum: Object.keys(WHAUTOCHAT_ROUTES) })
  @ApiParam({ name: 'kind', enum: ['sendtext', 'sendmedia', 'sendtemplate'] })
  @ApiBody({
    schema: {
      type: 'object',
      example: { recepient: { phoneNumber: '+919739978284' }, workspace: { id: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' }, textMessage: 'Hello from Herald', scheduleDateTime: '2026-12-24T09:00:00Z' },
    },
  })
  @ApiResponse({ status: 200, type: WhautoChatMessageResponseDto })
  @ApiResponse({ status: 400, type: WhautoChatMessageResponseDto, description: 'A field is missing (workspace.id included) or wrong, or is not a field of that send (error names it).' })
  @ApiResponse({ status: 403, type: WhautoChatMessageResponseDto, description: "workspace.id is not the key's workspace." })
  @ApiResponse({ status: 404, type: WhautoChatMessageResponseDto, description: 'Not one of the nine sends, or no channel of that platform, or the contact or template is unknown.' })
  @ApiResponse({ status: 409, type: WhautoChatMessageResponseDto, description: 'Refused now (outside the window, opted out, unreachable…).' })
  @ApiResponse({ status: 401, type: WhautoChatMessageResponseDto, description: 'No API key in x-api-key, or an unknown or revoked one.' })
  async send(
    @WorkspaceId() workspaceId: string,
    @Param('platform') platform: string,
    @Param('kind') kind: string,
    @Body() body: unknown,
  ): Promise<WhautoChatMessageResponseDto> {
    if (!WHAUTOCHAT_ROUTES[platform]?.includes(kind)) {
      throw new HeraldError('not_found', 'not_found', `WhautoChat has no ${kind} for ${platform}: its sends are ${Object.entries(WHAUTOCHAT_ROUTES).flatMap(([p, ks]) => ks.map((k) => `${p}/${k}`)).join(', ')}.`);
    }
    const native = toNativeSend(platform as WhautoChatPlatform, kind as WhautoChatKind, body);
    // A required field missing is the request's fault (400); another workspace's id is not the key's to use (403).
    const workspace = (body as Record<string, unknown>)['workspace'];
    const given = typeof workspace === 'object' && workspace !== null ? (workspace as Record<string, unknown>)['id'] : undefined;
    if (typeof given !== 'string' || given === '') {
      throw new HeraldError('invalid', 'validation_failed', "workspace.id is required: the id of the API key's workspace.", [{ field: 'workspace.id', issue: 'is required' }]);
    }
    if (given !== workspaceId) {
      throw new HeraldError('forbidden', 'wrong_workspace', "workspace.id is not this API key's workspace.", [{ field: 'workspace.id', issue: "must be the key's workspace" }]);
    }
    const channel = await channelOfKind(this.channels, workspaceId, platform as ChannelKind);
    const message = native.templateName === undefined ? native.body : { ...native.body, template: { name: native.templateName, language: await this.languageOf(workspaceId, channel, native.templateName) } };
    const answer = await this.messages.send(workspaceId, { ...message, channelId: channel.id });
    if (!('one' in answer)) throw new Error('one recipient was given');
    return { id: answer.one.id, status: answer.one.status, error: null };
  }

  /** WhautoChat names a template only: the language of the account's approved one (the first, when several). */
  private async languageOf(workspaceId: string, channel: ChannelView, name: string): Promise<string> {
    const found = await this.templates.translationsOf(workspaceId, channel, { name });
    return (found.find((t) => t.status === 'APPROVED') ?? found[0]!).language;
  }
}
