import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MESSAGING_TAGS, WHATSAPP_LIMITS as L, type MessagingTag } from '@herald/channels';
import { oneOfBy } from './schema-union.util';
import { DocumentLinkDto, DocumentParameterDto, ImageParameterDto, MediaLinkDto, TemplateContentDto, VideoParameterDto } from './template-content.dto';

/**
 * What a message says, one class per `type` (the messaging library's OutboundMessage): the content goes under the key
 * named like its type. Each channel carries a subset (docs/CHANNELS.md); a message asking for more is refused with
 * the field named.
 */

export class CaptionedMediaDto extends MediaLinkDto {
  @ApiPropertyOptional({ example: 'Spring sale: 20% off', maxLength: L.caption })
  caption?: string;
}

export class DocumentMediaDto extends DocumentLinkDto {
  @ApiPropertyOptional({ example: 'Your invoice', maxLength: L.caption })
  caption?: string;
}

export class TextContentDto {
  @ApiProperty({ example: 'Your order #1042 has shipped.', maxLength: L.textBody })
  body!: string;

  @ApiPropertyOptional({ example: false, description: "Show a preview of the body's first URL." })
  previewUrl?: boolean;

  @ApiPropertyOptional({ enum: ['MarkdownV2', 'HTML'], description: 'Telegram: how the body is formatted (plain when absent).' })
  parseMode?: 'MarkdownV2' | 'HTML';
}

export class LocationDto {
  @ApiProperty({ example: 12.9716, minimum: -90, maximum: 90 })
  latitude!: number;

  @ApiProperty({ example: 77.5946, minimum: -180, maximum: 180 })
  longitude!: number;

  @ApiPropertyOptional({ example: 'Herald Store' })
  name?: string;

  @ApiPropertyOptional({ example: '1 MG Road, Bengaluru' })
  address?: string;
}

export class QuickReplyDto {
  @ApiProperty({ example: 'Yes' })
  title!: string;

  @ApiProperty({ example: 'YES', description: 'Comes back with the tap.' })
  payload!: string;
}

export class InteractiveTextDto {
  @ApiProperty({ example: 'Where should we deliver?' })
  text!: string;
}

export class InteractiveTextHeaderDto {
  @ApiProperty({ enum: ['text'], example: 'text' })
  type!: 'text';

  @ApiProperty({ example: 'Delivery', maxLength: L.interactiveHeaderText })
  text!: string;
}

export class ReplyButtonReplyDto {
  @ApiProperty({ example: 'home', maxLength: L.replyButtonId })
  id!: string;

  @ApiProperty({ example: 'Home', maxLength: L.replyButtonTitle })
  title!: string;
}

export class ReplyButtonDto {
  @ApiProperty({ enum: ['reply'], example: 'reply' })
  type!: 'reply';

  @ApiProperty({ type: ReplyButtonReplyDto })
  reply!: ReplyButtonReplyDto;
}

export class ReplyButtonsActionDto {
  @ApiProperty({ type: [ReplyButtonDto], minItems: L.replyButtonsMin, maxItems: L.replyButtonsMax })
  buttons!: ReplyButtonDto[];
}

@ApiExtraModels(InteractiveTextHeaderDto, ImageParameterDto, VideoParameterDto, DocumentParameterDto)
export class ReplyButtonsContentDto {
  @ApiProperty({ enum: ['button'], example: 'button' })
  type!: 'button';

  @ApiPropertyOptional(oneOfBy('type', { text: InteractiveTextHeaderDto, image: ImageParameterDto, video: VideoParameterDto, document: DocumentParameterDto }))
  header?: InteractiveTextHeaderDto | ImageParameterDto | VideoParameterDto | DocumentParameterDto;

  @ApiProperty({ type: InteractiveTextDto })
  body!: InteractiveTextDto;

  @ApiPropertyOptional({ type: InteractiveTextDto })
  footer?: InteractiveTextDto;

  @ApiProperty({ type: ReplyButtonsActionDto })
  action!: ReplyButtonsActionDto;
}

export class ListRowDto {
  @ApiProperty({ example: 'express', maxLength: L.listRowId })
  id!: string;

  @ApiProperty({ example: 'Express', maxLength: L.listRowTitle })
  title!: string;

  @ApiPropertyOptional({ example: 'Tomorrow before noon', maxLength: L.listRowDescription })
  description?: string;
}

export class ListSectionDto {
  @ApiPropertyOptional({ example: 'Delivery', maxLength: L.listSectionTitle, description: 'Required when there are several sections.' })
  title?: string;

  @ApiProperty({ type: [ListRowDto], minItems: 1 })
  rows!: ListRowDto[];
}

export class ListActionDto {
  @ApiProperty({ example: 'Choose', maxLength: L.listButton, description: 'The label of the button that opens the list.' })
  button!: string;

  @ApiProperty({ type: [ListSectionDto], minItems: 1, maxItems: L.listSections, description: `At most ${L.listRows} rows in all.` })
  sections!: ListSectionDto[];
}

export class ListContentDto {
  @ApiProperty({ enum: ['list'], example: 'list' })
  type!: 'list';

  @ApiPropertyOptional({ type: InteractiveTextHeaderDto })
  header?: InteractiveTextHeaderDto;

  @ApiProperty({ type: InteractiveTextDto })
  body!: InteractiveTextDto;

  @ApiPropertyOptional({ type: InteractiveTextDto })
  footer?: InteractiveTextDto;

  @ApiProperty({ type: ListActionDto })
  action!: ListActionDto;
}

export class UrlButtonDto {
  @ApiProperty({ enum: ['url'], example: 'url' })
  type!: 'url';

  @ApiProperty({ example: 'Shop' })
  title!: string;

  @ApiProperty({ example: 'https://shop.example.com' })
  url!: string;
}

export class PostbackButtonDto {
  @ApiProperty({ enum: ['postback'], example: 'postback' })
  type!: 'postback';

  @ApiProperty({ example: 'Yes' })
  title!: string;

  @ApiProperty({ example: 'YES', description: 'Comes back as an inbound `button` message.' })
  payload!: string;
}

const ACTION_BUTTON = oneOfBy('type', { url: UrlButtonDto, postback: PostbackButtonDto });

@ApiExtraModels(UrlButtonDto, PostbackButtonDto)
export class ButtonsContentDto {
  @ApiProperty({ example: 'Pick one' })
  text!: string;

  @ApiProperty({ type: 'array', minItems: 1, items: ACTION_BUTTON })
  buttons!: Array<UrlButtonDto | PostbackButtonDto>;
}

@ApiExtraModels(UrlButtonDto, PostbackButtonDto)
export class CardDto {
  @ApiProperty({ example: 'Spring jacket' })
  title!: string;

  @ApiPropertyOptional({ example: 'Now 20% off' })
  subtitle?: string;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/jacket.png' })
  imageUrl?: string;

  @ApiPropertyOptional({ example: 'https://shop.example.com/jacket', description: 'Opened when the card itself is tapped.' })
  defaultUrl?: string;

  @ApiPropertyOptional({ type: 'array', maxItems: 3, items: ACTION_BUTTON })
  buttons?: Array<UrlButtonDto | PostbackButtonDto>;
}

export class CardsContentDto {
  @ApiProperty({ type: [CardDto], minItems: 1, maxItems: 10 })
  elements!: CardDto[];
}

/** What every message may carry beside its content. */
class MessageContentBaseDto {
  @ApiPropertyOptional({ example: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0E2', description: "The provider's id of an earlier message this one replies to (quoted)." })
  replyTo?: string;

  @ApiPropertyOptional({ enum: MESSAGING_TAGS, description: 'Messenger and Instagram: lets a non-promotional message go out after the 24-hour window.' })
  tag?: MessagingTag;
}

export class TextMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['text'], example: 'text' })
  type!: 'text';

  @ApiProperty({ type: TextContentDto })
  text!: TextContentDto;

  @ApiPropertyOptional({ type: [QuickReplyDto], maxItems: 13, description: 'Messenger and Instagram: suggestions under the text.' })
  quickReplies?: QuickReplyDto[];
}

export class TemplateMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['template'], example: 'template' })
  type!: 'template';

  @ApiProperty({ type: TemplateContentDto })
  template!: TemplateContentDto;
}

export class ImageMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['image'], example: 'image' })
  type!: 'image';

  @ApiProperty({ type: CaptionedMediaDto })
  image!: CaptionedMediaDto;
}

export class VideoMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['video'], example: 'video' })
  type!: 'video';

  @ApiProperty({ type: CaptionedMediaDto })
  video!: CaptionedMediaDto;
}

export class AudioMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['audio'], example: 'audio' })
  type!: 'audio';

  @ApiProperty({ type: MediaLinkDto, description: 'Audio takes no caption.' })
  audio!: MediaLinkDto;
}

export class DocumentMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['document'], example: 'document' })
  type!: 'document';

  @ApiProperty({ type: DocumentMediaDto })
  document!: DocumentMediaDto;
}

export class StickerMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['sticker'], example: 'sticker' })
  type!: 'sticker';

  @ApiProperty({ type: MediaLinkDto, description: 'A WebP image; stickers take no caption.' })
  sticker!: MediaLinkDto;
}

export class LocationMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['location'], example: 'location' })
  type!: 'location';

  @ApiProperty({ type: LocationDto })
  location!: LocationDto;
}

@ApiExtraModels(ReplyButtonsContentDto, ListContentDto)
export class InteractiveMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['interactive'], example: 'interactive' })
  type!: 'interactive';

  @ApiProperty({
    ...oneOfBy('type', { button: ReplyButtonsContentDto, list: ListContentDto }),
    description: 'WhatsApp reply buttons (up to 3) or a list.',
  })
  interactive!: ReplyButtonsContentDto | ListContentDto;
}

export class ButtonsMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['buttons'], example: 'buttons' })
  type!: 'buttons';

  @ApiProperty({ type: ButtonsContentDto, description: "Messenger's button template, Telegram's inline keyboard." })
  buttons!: ButtonsContentDto;
}

export class CardsMessageDto extends MessageContentBaseDto {
  @ApiProperty({ enum: ['cards'], example: 'cards' })
  type!: 'cards';

  @ApiProperty({ type: CardsContentDto, description: "Messenger's and Instagram's carousel." })
  cards!: CardsContentDto;
}

/** Every content class by its `type`, for the unions of the send body and of a message's `content`. */
export const MESSAGE_CONTENT_MODELS = {
  text: TextMessageDto,
  template: TemplateMessageDto,
  image: ImageMessageDto,
  video: VideoMessageDto,
  audio: AudioMessageDto,
  document: DocumentMessageDto,
  sticker: StickerMessageDto,
  location: LocationMessageDto,
  interactive: InteractiveMessageDto,
  buttons: ButtonsMessageDto,
  cards: CardsMessageDto,
} as const;
