import { applyDecorators, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Header } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { WebhookIntake } from '@herald/provider-events';
import { Public } from '../http/access.decorator';
import { ApiErrors } from '../http/api-errors.decorator';
import { WebhookReceivedDto, WhatsAppWebhookDto } from './webhook.dto';

/** Every provider's webhooks arrive under `/webhooks/<kind>/<channel id>`; their POST bodies are kept as bytes. */
export const WEBHOOKS_ROOT = 'webhooks';
/** Where Meta posts a WhatsApp channel's webhooks: `/webhooks/whatsapp/<channel id>`. */
export const WEBHOOKS_ROUTE = `${WEBHOOKS_ROOT}/whatsapp`;

const CHANNEL_PARAM = { name: 'channelId', example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' };

/** Meta's GET verification handshake (WhatsApp, Messenger, Instagram), as documented for each route. */
function MetaHandshake(summary: string) {
  return applyDecorators(
    Header('Content-Type', 'text/plain'),
    ApiOperation({ summary }),
    ApiParam(CHANNEL_PARAM),
    ApiQuery({ name: 'hub.mode', example: 'subscribe' }),
    ApiQuery({ name: 'hub.verify_token', example: 'my-verify-token' }),
    ApiQuery({ name: 'hub.challenge', example: '1158201444' }),
    ApiProduces('text/plain'),
    ApiResponse({ status: 200, description: 'The challenge, as plain text.', schema: { type: 'string', example: '1158201444' } }),
    ApiErrors(400, 404),
    ApiResponse({ status: 403, description: 'Wrong verify token or mode.' }),
  );
}

/** A POST signed with X-Hub-Signature-256 (WhatsApp, Messenger, Instagram): stored, acknowledged, applied by a worker. */
function SignedWebhook(summary: string, body: Parameters<typeof ApiBody>[0]) {
  return applyDecorators(
    HttpCode(200),
    ApiOperation({ summary }),
    ApiParam(CHANNEL_PARAM),
    ApiHeader({ name: 'X-Hub-Signature-256', description: 'sha256=<hex HMAC-SHA256 of the raw body with the app secret>', required: true }),
    ApiBody(body),
    ApiResponse({ status: 200, type: WebhookReceivedDto }),
    ApiErrors(400, 401, 404, 413, 415),
  );
}

/** Meta → Herald. Authenticated by the channel's verify token (handshake) and app-secret signature (POST). */
@ApiTags('webhooks')
@Public()
@Controller(WEBHOOKS_ROUTE)
export class WebhooksController {
  constructor(private readonly intake: WebhookIntake) {}

  @Get(':channelId')
  @MetaHandshake("Meta's verification handshake: answers hub.challenge when hub.verify_token is the channel's.")
  handshake(@Param('channelId') channelId: string, @Query() query: Record<string, unknown>): Promise<string> {
    return this.intake.handshake(channelId, query, 'whatsapp');
  }

  @Post(':channelId')
  @SignedWebhook('Status updates and inbound messages from Meta, signed with X-Hub-Signature-256; stored, acknowledged, applied by a worker.', { type: WhatsAppWebhookDto })
  async receive(
    @Param('channelId') channelId: string,
    @Req() req: Request,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<WebhookReceivedDto> {
    // The bytes as received (the raw parser of api.bootstrap.ts): the signature is over them.
    await this.intake.receive(channelId, Buffer.isBuffer(req.body) ? req.body : undefined, signature, 'whatsapp');
    return { received: true };
  }
}

/**
 * Messenger and Instagram → Herald, at `/webhooks/messenger/<channel id>` and `/webhooks/instagram/<channel id>`:
 * Meta's verification handshake (the channel's verify token) and POSTs signed with X-Hub-Signature-256 (the app
 * secret), stored and acknowledged like WhatsApp's and applied by a worker.
 */
@ApiTags('webhooks')
@Public()
@Controller(WEBHOOKS_ROOT)
export class PlatformWebhooksController {
  constructor(private readonly intake: WebhookIntake) {}

  @Get('messenger/:channelId')
  @MetaHandshake("Messenger's verification handshake: answers hub.challenge when hub.verify_token is the channel's.")
  handshakeMessenger(@Param('channelId') channelId: string, @Query() query: Record<string, unknown>): Promise<string> {
    return this.intake.handshake(channelId, query, 'messenger');
  }

  @Get('instagram/:channelId')
  @MetaHandshake("Instagram's verification handshake: answers hub.challenge when hub.verify_token is the channel's.")
  handshakeInstagram(@Param('channelId') channelId: string, @Query() query: Record<string, unknown>): Promise<string> {
    return this.intake.handshake(channelId, query, 'instagram');
  }

  @Post('messenger/:channelId')
  @SignedWebhook('Messages, postbacks, deliveries and reads from Messenger, signed with X-Hub-Signature-256; stored, acknowledged, applied by a worker.', { schema: { type: 'object', example: { object: 'page', entry: [{ id: '109876543210987', time: 1764842400000, messaging: [{ sender: { id: '6543210987654321' }, recipient: { id: '109876543210987' }, timestamp: 1764842400000, message: { mid: 'm_1', text: 'Hi' } }] }] } } })
  receiveMessenger(
    @Param('channelId') channelId: string,
    @Req() req: Request,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<WebhookReceivedDto> {
    return this.receiveMeta('messenger', channelId, req, signature);
  }

  @Post('instagram/:channelId')
  @SignedWebhook('Messages, postbacks and reads (messaging_seen) from Instagram, signed with X-Hub-Signature-256; stored, acknowledged, applied by a worker.', { schema: { type: 'object', example: { object: 'instagram', entry: [{ id: '17841400000000000', time: 1764842400000, messaging: [{ sender: { id: '1234567890123456' }, recipient: { id: '17841400000000000' }, timestamp: 1764842400000, read: { mid: 'aWdfZAG1f' } }] }] } } })
  receiveInstagram(
    @Param('channelId') channelId: string,
    @Req() req: Request,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<WebhookReceivedDto> {
    return this.receiveMeta('instagram', channelId, req, signature);
  }

  private async receiveMeta(kind: 'messenger' | 'instagram', channelId: string, req: Request, signature: string | undefined): Promise<WebhookReceivedDto> {
    await this.intake.receive(channelId, Buffer.isBuffer(req.body) ? req.body : undefined, signature, kind);
    return { received: true };
  }

  @Post('telegram/:channelId')
  @HttpCode(200)
  @ApiOperation({ summary: "Updates from Telegram (messages, button presses, blocks), authenticated by the X-Telegram-Bot-Api-Secret-Token set with setWebhook; stored, acknowledged, applied by a worker." })
  @ApiParam(CHANNEL_PARAM)
  @ApiHeader({ name: 'X-Telegram-Bot-Api-Secret-Token', description: "The channel's webhook secret, as given to setWebhook.", required: true })
  @ApiBody({ schema: { type: 'object', example: { update_id: 10000, message: { message_id: 1, date: 1764842400, chat: { id: 123456789, type: 'private', first_name: 'Asha' }, from: { id: 123456789, is_bot: false, first_name: 'Asha' }, text: 'Hi' } } } })
  @ApiResponse({ status: 200, type: WebhookReceivedDto })
  @ApiErrors(400, 401, 404, 413, 415)
  async receiveTelegram(
    @Param('channelId') channelId: string,
    @Req() req: Request,
    @Headers('x-telegram-bot-api-secret-token') secret: string | undefined,
  ): Promise<WebhookReceivedDto> {
    await this.intake.receive(channelId, Buffer.isBuffer(req.body) ? req.body : undefined, secret, 'telegram');
    return { received: true };
  }
}
