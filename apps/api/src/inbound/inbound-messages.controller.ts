import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream';
import { InboundMessagesService } from '@herald/messaging';
import { Public } from '../http/access.decorator';
import { ApiErrors } from '../http/api-errors.decorator';
import { ErrorResponseDto } from '../http/error-response.dto';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { InboundMessageDto, InboundMessagePageDto } from './inbound.dto';
import { InboundReplies } from './inbound-replies.service';

@ApiTags('inbound messages')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/inbound-messages')
export class InboundMessagesController {
  constructor(
    private readonly inbound: InboundMessagesService,
    private readonly replies: InboundReplies,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'List the messages contacts sent to the workspace\'s channels, newest first, filtered by channel, sender number, type and time (cursor pagination). Media carry a 5-minute downloadUrl.',
  })
  @ApiQuery({ name: 'channelId', required: false, type: String, format: 'uuid', example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10', description: 'Only messages to this channel.' })
  @ApiQuery({ name: 'number', required: false, type: String, example: '+919739978284', description: 'Only messages from this number (any usual format).' })
  @ApiQuery({ name: 'type', required: false, type: String, example: 'image', description: 'text, image, video, audio, document, sticker, location, contacts, reaction, button, interactive…' })
  @ApiQuery({ name: 'from', required: false, type: String, example: '2026-12-01T00:00:00Z', description: 'Received at or after (ISO-8601 or unix seconds).' })
  @ApiQuery({ name: 'to', required: false, type: String, example: '2026-12-04T00:00:00Z', description: 'Received before (ISO-8601 or unix seconds).' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', minimum: 1, maximum: 1000, example: 50, description: 'Default 100.' })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page.' })
  @ApiResponse({ status: 200, type: InboundMessagePageDto })
  @ApiErrors(400, 401, 404)
  async list(@WorkspaceId() workspaceId: string, @Query() query: Record<string, unknown>): Promise<InboundMessagePageDto> {
    const page = await this.inbound.list(workspaceId, query);
    return { data: (await this.replies.resolve(workspaceId, page.data)) as never, nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One inbound message: what it carried (text, media with a fresh downloadUrl, location, contact cards, reaction, reply) and the message it answers.' })
  @ApiParam({ name: 'id', example: '7c1d1f2e-5a7b-4d0e-9a1c-3b2f4e6d8a90' })
  @ApiResponse({ status: 200, type: InboundMessageDto })
  @ApiErrors(401, 404)
  async get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<InboundMessageDto> {
    const [view] = await this.replies.resolve(workspaceId, [await this.inbound.get(workspaceId, id)]);
    return view as never;
  }

  @Get(':id/media')
  @Public()
  @ApiOperation({
    summary:
      "Download an inbound message's media, streamed by Herald from the provider. Authorised by the signed, 5-minute token of its downloadUrl (no API key); 401 once expired, 404 when the provider no longer has the file, 502 when the provider fails.",
  })
  @ApiParam({ name: 'id', example: '7c1d1f2e-5a7b-4d0e-9a1c-3b2f4e6d8a90' })
  @ApiQuery({ name: 'token', required: true, type: String, example: '1796400000.Qm9vdGxlZ3MtYXJlLWJhZC1tYWdpYy1ub3QtcmVhbC1zaWc' })
  @ApiProduces('application/octet-stream')
  @ApiResponse({
    status: 200,
    description: "The file, with the provider's Content-Type.",
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' }, example: '<the file bytes>' } },
  })
  @ApiResponse({ status: 502, type: ErrorResponseDto, description: 'The provider failed to give the file (its error in details).' })
  @ApiErrors(401, 404)
  async media(@Param('id') id: string, @Query('token') token: unknown, @Res() res: Response): Promise<void> {
    const download = await this.inbound.openMedia(id, typeof token === 'string' ? token : undefined);
    if (!download.ok) {
      const e = download.error;
      res.status(502).json({
        error: {
          code: 'provider_error',
          message: `The provider did not give the file: ${e.title}.`,
          details: [{ issue: 'provider_error', code: e.code, title: e.title, providerDetails: e.details, retriable: e.retriable }],
        },
      });
      return;
    }
    res.status(200);
    res.setHeader('content-type', download.mimeType);
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    if (download.contentLength !== null) res.setHeader('content-length', String(download.contentLength));
    if (download.filename !== null) res.setHeader('content-disposition', contentDisposition(download.filename));
    // Streamed, never buffered: a 100 MB document passes through in chunks. A failure midway (the provider stalls,
    // the file outgrows the bound) ends the response early; the client sees a short body, not a false success.
    pipeline(download.body, res, () => undefined);
  }
}

/** `inline; filename="…"; filename*=UTF-8''…`, with the plain name reduced to safe ASCII. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_').slice(0, 200);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename.slice(0, 200))}`;
}
