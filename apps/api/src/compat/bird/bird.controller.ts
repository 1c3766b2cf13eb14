import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ChannelsService, parseMessageFor, type ChannelView } from '@herald/channels';
import { HeraldError, isUuid } from '@herald/common';
import { InboundMessagesService, MessagesService, type SingleAccepted } from '@herald/messaging';
import { TemplatesService, type TemplateView } from '@herald/templates';
import { WorkspaceId } from '../../http/workspace-id.decorator';
import { ContactChannels } from '../../inbound/contact-channels.service';
import {
  birdStatus,
  contactRef,
  identifierKeyOf,
  invalid,
  isUuidLike,
  languageFor,
  templateComponents,
  toBirdSend,
  type BirdRecipient,
  type BirdTemplateRef,
} from './bird-request.util';

type Json = Record<string, unknown>;

const WORKSPACE = '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10';
const CHANNEL = '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e';
const EXAMPLE_SEND = {
  receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: '+31612345678' }] },
  body: { type: 'text', text: { text: 'Single text message with reply actions', actions: [{ type: 'reply', reply: { text: 'Reply action 1' } }] } },
  tags: ['orders'],
  scheduledFor: '2026-12-24T09:00:00Z',
};
const EXAMPLE_MESSAGE = {
  id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6f',
  channelId: CHANNEL,
  sender: { connector: { id: CHANNEL, identifierValue: '+1 555 010 0123' } },
  receiver: { contacts: [{ id: '1042', identifierKey: 'phonenumber', identifierValue: '+31612345678', platformAddress: '+31612345678' }] },
  body: EXAMPLE_SEND.body,
  status: 'scheduled',
  direction: 'outgoing',
  tags: ['orders'],
  scheduledFor: '2026-12-24T09:00:00.000Z',
  lastStatusAt: '2026-11-21T08:00:00.000Z',
  createdAt: '2026-11-21T08:00:00.000Z',
  updatedAt: '2026-11-21T08:00:00.000Z',
};
const ERROR = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, example: { code: 'channel_not_found', message: 'No channel with id "…" exists in this workspace.' } };
const VALIDATION_ERROR = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
  example: { code: 'unsupported', message: 'receiver.contacts is not supported by Herald: a message goes to one contact.', details: { 'receiver.contacts': ['is not supported: a message goes to one contact'] } },
};

/** Bird's documented refusals, in its shapes (RequestError; ValidationError for 422). */
const BirdErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: status === 422 ? 'A field is wrong or unsupported (details name it).' : 'Refused (code and message say why).', schema: status === 422 ? VALIDATION_ERROR : ERROR })));

/**
 * Bird's Channels API on Herald (`<herald>/compat/bird`, `Authorization: AccessKey <Herald key>`): send a message to
 * a channel, and a contact's details on a channel. A send is translated (bird-request.util) into Herald's native
 * message input and goes through MessagesService — Herald's one pipeline (schedule, validity, quiet hours,
 * frequency cap, tracked links, retries) — once per part; the contact's details are Herald's contact channel details
 * (GET /v1/contacts/:number/channels) in Bird's shape. Every refusal is Bird's `{code, message[, details]}`.
 */
@ApiTags('compat: Bird')
@ApiSecurity('AccessKey')
@Controller('compat/bird/workspaces/:workspaceId/channels/:channelId')
export class BirdController {
  constructor(
    private readonly messages: MessagesService,
    private readonly channels: ChannelsService,
    private readonly templates: TemplatesService,
    private readonly inbound: InboundMessagesService,
    private readonly contactChannels: ContactChannels,
  ) {}

  @Post('messages')
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Bird's send a message: to receiver.contacts[0] (identifierValue or a Herald contact id), a body (text with actions, image(s), file(s), location, list; carousel on Messenger/Instagram) or a template (projectId = a Herald template id, locale, parameters), with scheduledFor, validity, tags, capFrequency, ignoreQuietHours, enableLinkTracking, shortLinks, replyTo; answers 202 with Bird's Message.",
  })
  @ApiParam({ name: 'workspaceId', example: WORKSPACE, description: "The API key's workspace." })
  @ApiParam({ name: 'channelId', example: CHANNEL, description: 'A Herald channel id (WhatsApp, Messenger, Instagram or Telegram).' })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE_SEND } })
  @ApiResponse({ status: 202, description: "Bird's Message: id is Herald's message id (GET /v1/messages/:id); status accepted or scheduled.", schema: { type: 'object', example: EXAMPLE_MESSAGE } })
  @BirdErrors(400, 401, 403, 404, 409, 422)
  async send(@WorkspaceId() workspaceId: string, @Param('workspaceId') pathWorkspace: string, @Param('channelId') channelId: string, @Body() body: unknown): Promise<Json> {
    const channel = await this.channelOf(workspaceId, pathWorkspace, channelId);
    const send = toBirdSend(channel.type, body);
    const raw = body as Json;
    const parts: Json[] = send.template ? [await this.templateContent(workspaceId, channel, send.template)] : [...send.parts];
    if (send.replyTo !== undefined) parts[0] = { ...parts[0], replyTo: await this.repliedTo(workspaceId, channel, send.replyTo) };
    // Every part is checked by the channel's rules before any is sent: a message of several parts goes out whole or not at all.
    for (const part of parts) {
      const checked = parseMessageFor(channel.type, part);
      if (!checked.ok) {
        const issues = checked.errors.map((e) => ({ field: 'body', issue: `${e.field} ${e.issue} (as Herald's ${String(part['type'])} message on ${channel.type})` }));
        throw new HeraldError('invalid', 'validation_failed', `body cannot be sent on this ${channel.type} channel: ${issues[0]!.issue}.`, issues);
      }
    }
    const sent: SingleAccepted[] = [];
    for (const part of parts) {
      const answer = await this.messages.send(workspaceId, { ...recipientOf(send.recipient), channelId: channel.id, ...send.options, ...part });
      if (!('one' in answer)) throw new Error('one recipient was given');
      sent.push(answer.one);
    }
    const view = sent[0]!;
    const ids = sent.map((s) => s.id);
    const given = (key: string) => (raw[key] === undefined || raw[key] === null ? {} : { [key]: raw[key] });
    return {
      id: view.id,
      channelId: channel.id,
      sender: { connector: { id: channel.id, identifierValue: channel.displayPhoneNumber } },
      receiver: { contacts: [{ id: view.contactId, identifierKey: identifierKeyOf(channel.type, channel.senderId), identifierValue: view.to, platformAddress: view.to }] },
      ...given('reference'),
      ...given('meta'),
      ...(send.template ? given('template') : given('body')),
      // Bird's own ReplyTo examples put replyTo inside the body: echoed at the top, where its schema has it.
      ...(send.replyTo === undefined ? {} : { replyTo: raw['replyTo'] ?? (raw['body'] as Json)['replyTo'] }),
      // The state the send was accepted in (a worker may already have taken it: GET /v1/messages/:id follows it).
      status: birdStatus(view.status),
      direction: 'outgoing',
      tags: view.tags,
      ...given('shortLinks'),
      ...(view.scheduledFor ? { scheduledFor: view.scheduledFor.toISOString() } : {}),
      ...(ids.length > 1 ? { details: `Sent as ${ids.length} Herald messages, in order (WhatsApp carries one image or file per message): ${ids.join(', ')}.` } : {}),
      lastStatusAt: view.updatedAt.toISOString(),
      createdAt: view.createdAt.toISOString(),
      updatedAt: view.updatedAt.toISOString(),
    };
  }

  @Get('contacts/:contactId')
  @ApiOperation({
    summary:
      "Bird's get channel details for a contact: when the contact's 24-hour service window on this channel closes (serviceWindowExpireAt), from Herald's contact channel details. contactId is a Herald contact id or a +number; contactIdentifierValue, when given, looks the contact up by number instead.",
  })
  @ApiParam({ name: 'workspaceId', example: WORKSPACE })
  @ApiParam({ name: 'channelId', example: CHANNEL })
  @ApiParam({ name: 'contactId', example: '1042', description: 'A Herald contact id, or a +number.' })
  @ApiQuery({ name: 'contactIdentifierValue', required: false, example: '+31612345678', description: "The contact's phone number (overrides contactId)." })
  @ApiResponse({
    status: 200,
    description: "Bird's ChannelContactInformation.",
    schema: {
      type: 'object',
      example: { serviceWindowExpireAt: '2026-11-22T08:05:00.000Z', isPermanentSession: false, metadata: { contactId: '1042', identifierKey: 'phonenumber', identifierValue: '+31612345678', serviceWindowOpen: 'true' } },
    },
  })
  @BirdErrors(401, 403, 404, 422)
  async contact(
    @WorkspaceId() workspaceId: string,
    @Param('workspaceId') pathWorkspace: string,
    @Param('channelId') channelId: string,
    @Param('contactId') contactId: string,
    @Query('contactIdentifierValue') identifierValue: unknown,
  ): Promise<Json> {
    const channel = await this.channelOf(workspaceId, pathWorkspace, channelId);
    const ref = contactRef(contactId, identifierValue);
    const details = await this.contactChannels.list(workspaceId, ref);
    const here = details.data.find((d) => d.channelId === channel.id);
    if (!here) throw HeraldError.notFound('channel', channelId);
    // Telegram has no customer-service window: a bot may write to a chat that started it at any time.
    const permanent = channel.type === 'telegram';
    const metadata: Record<string, string> = {
      contactId: details.contactId,
      identifierKey: identifierKeyOf(channel.type, channel.senderId),
      ...(here.identifier.value === null ? {} : { identifierValue: here.identifier.value }),
      serviceWindowOpen: String(permanent || here.serviceWindow.open),
      ...(here.lastInboundAt === null ? {} : { lastInboundAt: here.lastInboundAt.toISOString() }),
      optedOut: String(here.optedOut),
      ...(channel.type === 'whatsapp' ? { notOnWhatsApp: String(here.notOnWhatsApp) } : {}),
    };
    return {
      serviceWindowExpireAt: permanent || here.serviceWindow.expiresAt === null ? null : here.serviceWindow.expiresAt.toISOString(),
      isPermanentSession: permanent,
      metadata,
    };
  }

  /** The channel of the path, in the key's workspace: 403 for another workspace (Bird's access policies), 404 for no such channel. */
  private async channelOf(workspaceId: string, pathWorkspace: string, channelId: string): Promise<ChannelView> {
    if (pathWorkspace !== workspaceId) {
      throw new HeraldError('forbidden', 'wrong_workspace', `Workspace ${pathWorkspace} is not this access key's workspace.`, [{ field: 'workspaceId', issue: "must be the key's workspace" }]);
    }
    if (!isUuid(channelId)) throw HeraldError.notFound('channel', channelId);
    return this.channels.get(workspaceId, channelId);
  }

  /**
   * Bird's template as one of the channel's account's templates: `projectId` is a Herald template's id (GET
   * /v1/templates) — or its name when not a uuid — and `locale` picks the translation (default: that template's own).
   * Herald keeps the provider's current version of each template, which `version` ("latest" or any id) always gets.
   */
  private async templateContent(workspaceId: string, channel: ChannelView, ref: BirdTemplateRef): Promise<Json> {
    let translations: TemplateView[];
    let ownLanguage: string | undefined;
    if (ref.projectId !== undefined && isUuidLike(ref.projectId)) {
      // One read: the template with that id and its other translations.
      translations = await this.templates.translationsOf(workspaceId, channel, { id: ref.projectId }).catch((error: unknown) => {
        if (error instanceof HeraldError && error.code === 'template_not_found') {
          throw new HeraldError('not_found', 'template_not_found', `The channel's account has no template with id ${ref.projectId}: template.projectId is a Herald template id (GET /v1/templates).`, [
            { field: 'template.projectId', issue: 'names no template of this channel' },
          ]);
        }
        throw error;
      });
      const own = translations.find((t) => t.id === ref.projectId)!;
      if (ref.name !== undefined && ref.name !== own.name) throw invalid('template.name', `names another template than template.projectId (${own.name})`);
      ownLanguage = own.language;
    } else {
      translations = await this.templates.translationsOf(workspaceId, channel, { name: (ref.name ?? ref.projectId)! });
    }
    const name = translations[0]!.name;
    const languages = translations.map((t) => t.language);
    const language = ref.locale === undefined && ownLanguage !== undefined ? ownLanguage : languageFor(ref.locale, languages);
    if (language === undefined) throw invalid('template.locale', `names no translation of template ${name} (it has ${languages.join(', ')})`);
    const view = translations.find((t) => t.language === language)!;
    const components = templateComponents(name, view.parameters, ref.parameters);
    return { type: 'template', template: { name, language, ...(components.length > 0 ? { components } : {}) } };
  }

  /** The provider's id of a message received on this channel (Herald's inbound message id in `replyTo.id`). */
  private async repliedTo(workspaceId: string, channel: ChannelView, id: string): Promise<string> {
    const received = await this.inbound.get(workspaceId, id);
    if (received.channelId !== channel.id) throw invalid('replyTo.id', 'is a message received on another channel');
    return received.providerMessageId;
  }
}

function recipientOf(r: BirdRecipient): Json {
  return 'contactId' in r ? { contactId: r.contactId } : { to: r.to };
}
