import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ChannelsService, type ChannelKind, type MessagingTier } from '@herald/channels';
import { ApiConfig } from '@herald/config';
import { HeraldError } from '@herald/common';
import { MessagesService } from '@herald/messaging';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { CHANNEL_FIELDS, ChannelDto, CreateChannelDto, UpdateChannelDto } from './channel.dto';

const ID_PARAM = { name: 'id', example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' };

/** What PATCH may change on each kind of channel. */
const UPDATABLE: Readonly<Record<ChannelKind, readonly string[]>> = {
  whatsapp: ['name', 'phoneNumberId', 'displayPhoneNumber', 'wabaId', 'accessToken', 'appSecret', 'verifyToken', 'graphBaseUrl', 'messagesPerSecond', 'messagingTier', 'isDefault'],
  messenger: ['name', 'accessToken', 'appSecret', 'verifyToken', 'graphBaseUrl', 'messagesPerSecond', 'isDefault'],
  instagram: ['name', 'accessToken', 'appSecret', 'verifyToken', 'graphBaseUrl', 'messagesPerSecond', 'isDefault'],
  telegram: ['name', 'messagesPerSecond', 'isDefault'],
};

const tier = (t: MessagingTier | number | undefined): MessagingTier | undefined => (t === undefined ? undefined : (String(t) as MessagingTier));

@ApiTags('channels')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/channels')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly config: ApiConfig,
    private readonly messages: MessagesService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Add a sender number. Secrets are stored encrypted and never returned; the workspace's first channel is its default." })
  @ApiResponse({ status: 201, type: ChannelDto })
  @ApiErrors(400, 401, 409, 413, 415)
  create(@WorkspaceId() workspaceId: string, @Body() dto: CreateChannelDto): Promise<ChannelDto> {
    const common = ['type', 'name', 'graphBaseUrl', 'messagesPerSecond'];
    const foreign = Object.keys(dto).filter((k) => (dto as unknown as Record<string, unknown>)[k] !== undefined && !common.includes(k) && !CHANNEL_FIELDS[dto.type].includes(k));
    if (foreign.length > 0) {
      throw new HeraldError(
        'invalid',
        'validation_failed',
        `${foreign[0]} is not a field of a ${dto.type} channel.`,
        foreign.map((field) => ({ field, issue: `is not a field of a ${dto.type} channel` })),
      );
    }
    if (dto.type === 'telegram' && dto.graphBaseUrl !== undefined) throw HeraldError.invalid('graphBaseUrl', 'is not a field of a telegram channel (use apiBaseUrl)');
    const defaults = { graphVersion: this.config.whatsappGraphVersion, publicUrl: this.config.publicUrl };
    switch (dto.type) {
      case 'whatsapp':
        return this.channels.create(
          workspaceId,
          { ...(dto as Required<Pick<CreateChannelDto, 'phoneNumberId' | 'displayPhoneNumber' | 'wabaId' | 'accessToken' | 'appSecret' | 'verifyToken'>> & CreateChannelDto), type: 'whatsapp', messagingTier: tier(dto.messagingTier) },
          defaults,
        );
      case 'messenger':
      case 'instagram':
        return this.channels.createPlatform(
          workspaceId,
          {
            type: dto.type,
            name: dto.name,
            senderId: dto.senderId!,
            accessToken: dto.accessToken!,
            appSecret: dto.appSecret!,
            verifyToken: dto.verifyToken!,
            ...(dto.login === undefined ? {} : { login: dto.login }),
            ...(dto.graphBaseUrl === undefined ? {} : { graphBaseUrl: dto.graphBaseUrl }),
            ...(dto.messagesPerSecond === undefined ? {} : { messagesPerSecond: dto.messagesPerSecond }),
          },
          defaults,
        );
      case 'telegram':
        return this.channels.createPlatform(
          workspaceId,
          {
            type: 'telegram',
            name: dto.name,
            botToken: dto.botToken!,
            ...(dto.webhookSecret === undefined ? {} : { webhookSecret: dto.webhookSecret }),
            ...(dto.apiBaseUrl === undefined ? {} : { apiBaseUrl: dto.apiBaseUrl }),
            ...(dto.messagesPerSecond === undefined ? {} : { messagesPerSecond: dto.messagesPerSecond }),
          },
          defaults,
        );
    }
  }

  @Get()
  @ApiOperation({ summary: "List the workspace's channels." })
  @ApiResponse({ status: 200, type: [ChannelDto] })
  @ApiErrors(401)
  list(@WorkspaceId() workspaceId: string): Promise<ChannelDto[]> {
    return this.channels.list(workspaceId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one channel (without its secrets).' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ChannelDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<ChannelDto> {
    return this.channels.get(workspaceId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a channel: settings, secrets (a new token reactivates a paused channel), or make it the default.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ChannelDto })
  @ApiErrors(400, 401, 404, 409, 415)
  async update(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Body() dto: UpdateChannelDto): Promise<ChannelDto> {
    const before = await this.channels.get(workspaceId, id);
    const foreign = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined && !UPDATABLE[before.type].includes(k));
    if (foreign.length > 0) {
      throw new HeraldError(
        'invalid',
        'validation_failed',
        `${foreign[0]} cannot be changed on a ${before.type} channel.`,
        foreign.map((field) => ({ field, issue: `cannot be changed on a ${before.type} channel${before.type === 'telegram' ? ' (a new bot token is a new channel: its webhook is registered when it is created)' : ''}` })),
      );
    }
    const after = await this.channels.update(workspaceId, id, { ...dto, messagingTier: tier(dto.messagingTier) });
    // Reactivated (a new token): the messages that waited for it go now.
    if (before.status === 'paused' && after.status === 'active') await this.messages.channelResumed(after.id);
    return after;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a channel; its messages keep their history. The oldest remaining channel becomes the default.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiErrors(401, 404)
  async remove(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<void> {
    await this.channels.remove(workspaceId, id);
  }
}
