import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ChannelsService, type ChannelView } from '@herald/channels';
import { HeraldError } from '@herald/common';
import { ContactsService } from '@herald/contacts';
import { MessagesService } from '@herald/messaging';
import { WorkspaceId } from '../../http/workspace-id.decorator';
import { toNativeMessage } from './cloud-api-request.util';
import { CloudApiMessageResponseDto, GraphErrorDto } from './cloud-api.dto';

const PHONE_NUMBER_ID_EXAMPLE = '106540352242922';
/** Graph versions look like v21.0; Herald answers the same whichever a client pins. */
const GRAPH_VERSION = /^v\d{1,3}\.\d{1,3}$/;

/**
 * Meta's WhatsApp Cloud API on Herald (`<herald>/compat/cloud-api`, `Authorization: Bearer <Herald key>`): a Cloud
 * API client switches by base URL. `POST /{version}/{phone-number-id}/messages` takes Meta's body and answers Meta's
 * shape with Herald's message id; the phone number id names one of the workspace's WhatsApp channels (Herald stores
 * Meta's). The message is one `POST /v1/messages` on that channel: Herald's pipeline sends it (limits, quiet hours,
 * retries, logs), not this route. Every error answers in Graph's shape with Meta's code.
 */
@ApiTags('compat: Meta Cloud API')
@ApiBearerAuth('api-key')
@Controller('compat/cloud-api')
export class CloudApiController {
  constructor(
    private readonly messages: MessagesService,
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
  ) {}

  @Post(':version/:phoneNumberId/messages')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Meta's Cloud API send: text, image, video, audio, document, sticker, location, interactive (button, list) or template, with context and biz_opaque_callback_data, from the workspace's WhatsApp channel with that phone number id. Answers {messaging_product, contacts, messages[{id}]} with Herald's message id.",
  })
  @ApiParam({ name: 'version', example: 'v23.0', description: 'A Graph version (v21.0 … v24.0); every version gets the same answer.' })
  @ApiParam({ name: 'phoneNumberId', example: PHONE_NUMBER_ID_EXAMPLE, description: "Meta's phone number id of one of the workspace's WhatsApp channels." })
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+16505551234',
        type: 'template',
        template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Asha' }] }] },
        biz_opaque_callback_data: 'order-1042',
      },
    },
  })
  @ApiResponse({ status: 200, type: CloudApiMessageResponseDto, description: 'Accepted: Herald queued the message (its status comes in webhooks).' })
  @ApiResponse({ status: 400, type: GraphErrorDto, description: 'Refused: 100 (invalid parameter, or an unknown phone number id: subcode 33), 131008, 131009, 131047, 131050, 131051 (a type Herald does not carry), 132000…' })
  @ApiResponse({ status: 401, type: GraphErrorDto, description: '190: the Bearer token is not a Herald key of a workspace.' })
  @ApiResponse({ status: 404, type: GraphErrorDto, description: '132001: the account has no such template in that language.' })
  async send(
    @WorkspaceId() workspaceId: string,
    @Param('version') version: string,
    @Param('phoneNumberId') phoneNumberId: string,
    @Body() body: unknown,
  ): Promise<CloudApiMessageResponseDto> {
    if (!GRAPH_VERSION.test(version)) throw HeraldError.invalid('version', 'must be a Graph API version such as v23.0');
    const channel = await this.whatsappChannel(workspaceId, phoneNumberId);
    const send = toNativeMessage(body);
    const answer = await this.messages.send(workspaceId, { ...send.body, channelId: channel.id });
    if (!('one' in answer)) throw new Error('one recipient was given');
    // Meta's wa_id is the number's digits; Herald has just normalised it the same way to send.
    const waId = this.contacts.normalize((send.body['to'] as { number: string }).number, 'to').replace(/^\+/, '');
    return { messaging_product: 'whatsapp', contacts: [{ input: send.input, wa_id: waId }], messages: [{ id: answer.one.id }] };
  }

  /** The workspace's WhatsApp channel with Meta's phone number id; Graph's "object does not exist" otherwise. */
  private async whatsappChannel(workspaceId: string, phoneNumberId: string): Promise<ChannelView> {
    const channel = (await this.channels.list(workspaceId)).find((c) => c.type === 'whatsapp' && c.phoneNumberId === phoneNumberId);
    if (channel) return channel;
    throw new HeraldError(
      'not_found',
      'phone_number_not_found',
      `Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation: it is not the phone number id of a WhatsApp channel of this workspace (GET /v1/channels lists them).`,
    );
  }
}
