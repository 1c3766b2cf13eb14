import { Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Header } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { WebhookIntake } from '@herald/provider-events';
import { Public } from '../http/access.decorator';
import { ApiErrors } from '../http/api-errors.decorator';
import { WebhookReceivedDto, WhatsAppWebhookDto } from './webhook.dto';

/** Where Meta posts a channel's webhooks: `/webhooks/whatsapp/<channel id>`. */
export const WEBHOOKS_ROUTE = 'webhooks/whatsapp';

const CHANNEL_PARAM = { name: 'channelId', example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' };

/** Meta → Herald. Authenticated by the channel's verify token (handshake) and app-secret signature (POST). */
@ApiTags('webhooks')
@Public()
@Controller(WEBHOOKS_ROUTE)
export class WebhooksController {
  constructor(private readonly intake: WebhookIntake) {}

  @Get(':channelId')
  @Header('Content-Type', 'text/plain')
  @ApiOperation({ summary: "Meta's verification handshake: answers hub.challenge when hub.verify_token is the channel's." })
  @ApiParam(CHANNEL_PARAM)
  @ApiQuery({ name: 'hub.mode', example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token', example: 'my-verify-token' })
  @ApiQuery({ name: 'hub.challenge', example: '1158201444' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'The challenge, as plain text.', schema: { type: 'string', example: '1158201444' } })
  @ApiErrors(400, 404)
  @ApiResponse({ status: 403, description: 'Wrong verify token or mode.' })
  handshake(@Param('channelId') channelId: string, @Query() query: Record<string, unknown>): Promise<string> {
    return this.intake.handshake(channelId, query);
  }

  @Post(':channelId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Status updates and inbound messages from Meta, signed with X-Hub-Signature-256; stored, acknowledged, applied by a worker.' })
  @ApiParam(CHANNEL_PARAM)
  @ApiHeader({ name: 'X-Hub-Signature-256', description: 'sha256=<hex HMAC-SHA256 of the raw body with the app secret>', required: true })
  @ApiBody({ type: WhatsAppWebhookDto })
  @ApiResponse({ status: 200, type: WebhookReceivedDto })
  @ApiErrors(400, 401, 404, 413, 415)
  async receive(
    @Param('channelId') channelId: string,
    @Req() req: Request,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<WebhookReceivedDto> {
    // The bytes as received (the raw parser of api.bootstrap.ts): the signature is over them.
    await this.intake.receive(channelId, Buffer.isBuffer(req.body) ? req.body : undefined, signature);
    return { received: true };
  }
}
