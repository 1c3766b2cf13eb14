import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WHATSAPP_LIMITS as L } from '@herald/channels';
import { oneOfBy } from './schema-union.util';

/**
 * The `template` of a template message, with its components as Meta's Cloud API takes them (Herald's camelCase):
 * each parameter is a class of its own so the OpenAPI document, and the typed client made from it, hold every shape.
 */

export class MediaLinkDto {
  @ApiProperty({ example: 'https://cdn.example.com/spring.png', description: 'A public http(s) URL the provider fetches.' })
  link!: string;
}

export class DocumentLinkDto extends MediaLinkDto {
  @ApiPropertyOptional({ example: 'invoice-1042.pdf', maxLength: 255, description: 'Shown to the recipient; the extension picks the icon.' })
  filename?: string;
}

export class TemplateTextParameterDto {
  @ApiProperty({ enum: ['text'], example: 'text' })
  type!: 'text';

  @ApiProperty({ example: 'Asha', description: 'No newlines, tabs or more than four spaces in a row (Meta refuses them).' })
  text!: string;

  @ApiPropertyOptional({ example: 'first_name', description: 'Fills the named variable `{{first_name}}` of a template with named variables.' })
  parameterName?: string;
}

export class ImageParameterDto {
  @ApiProperty({ enum: ['image'], example: 'image' })
  type!: 'image';

  @ApiProperty({ type: MediaLinkDto })
  image!: MediaLinkDto;
}

export class VideoParameterDto {
  @ApiProperty({ enum: ['video'], example: 'video' })
  type!: 'video';

  @ApiProperty({ type: MediaLinkDto })
  video!: MediaLinkDto;
}

export class DocumentParameterDto {
  @ApiProperty({ enum: ['document'], example: 'document' })
  type!: 'document';

  @ApiProperty({ type: DocumentLinkDto })
  document!: DocumentLinkDto;
}

export class CurrencyDto {
  @ApiProperty({ example: '$12.50', description: 'Shown when the app cannot format the amount.' })
  fallbackValue!: string;

  @ApiProperty({ example: 'USD', pattern: '^[A-Z]{3}$', description: 'ISO 4217.' })
  code!: string;

  @ApiProperty({ example: 12500, type: 'integer', description: 'The amount times 1000.' })
  amount1000!: number;
}

export class CurrencyParameterDto {
  @ApiProperty({ enum: ['currency'], example: 'currency' })
  type!: 'currency';

  @ApiProperty({ type: CurrencyDto })
  currency!: CurrencyDto;
}

export class DateTimeDto {
  @ApiProperty({ example: 'December 24, 2026' })
  fallbackValue!: string;
}

export class DateTimeParameterDto {
  @ApiProperty({ enum: ['date_time'], example: 'date_time' })
  type!: 'date_time';

  @ApiProperty({ type: DateTimeDto })
  dateTime!: DateTimeDto;
}

export class PayloadParameterDto {
  @ApiProperty({ enum: ['payload'], example: 'payload' })
  type!: 'payload';

  @ApiProperty({ example: 'track-1042', description: "Comes back with the recipient's tap on a quick_reply button." })
  payload!: string;
}

export class ButtonTextParameterDto {
  @ApiProperty({ enum: ['text'], example: 'text' })
  type!: 'text';

  @ApiProperty({ example: '1042', description: "A url button's variable suffix." })
  text!: string;
}

@ApiExtraModels(TemplateTextParameterDto, ImageParameterDto, VideoParameterDto, DocumentParameterDto)
export class TemplateHeaderComponentDto {
  @ApiProperty({ enum: ['header'], example: 'header' })
  type!: 'header';

  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: 1,
    items: oneOfBy('type', { text: TemplateTextParameterDto, image: ImageParameterDto, video: VideoParameterDto, document: DocumentParameterDto }),
    example: [{ type: 'image', image: { link: 'https://cdn.example.com/spring.png' } }],
  })
  parameters!: Array<TemplateTextParameterDto | ImageParameterDto | VideoParameterDto | DocumentParameterDto>;
}

@ApiExtraModels(TemplateTextParameterDto, CurrencyParameterDto, DateTimeParameterDto)
export class TemplateBodyComponentDto {
  @ApiProperty({ enum: ['body'], example: 'body' })
  type!: 'body';

  @ApiProperty({
    type: 'array',
    minItems: 1,
    items: oneOfBy('type', { text: TemplateTextParameterDto, currency: CurrencyParameterDto, date_time: DateTimeParameterDto }),
    example: [{ type: 'text', text: 'Asha' }],
  })
  parameters!: Array<TemplateTextParameterDto | CurrencyParameterDto | DateTimeParameterDto>;
}

@ApiExtraModels(PayloadParameterDto, ButtonTextParameterDto)
export class TemplateButtonComponentDto {
  @ApiProperty({ enum: ['button'], example: 'button' })
  type!: 'button';

  @ApiProperty({ enum: ['quick_reply', 'url'], example: 'quick_reply', description: 'quick_reply takes a payload parameter; url a text parameter.' })
  subType!: 'quick_reply' | 'url';

  @ApiProperty({ type: 'integer', minimum: 0, maximum: L.templateButtonIndexMax, example: 0, description: "The button's position in the template, from 0." })
  index!: number;

  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: 1,
    items: oneOfBy('type', { payload: PayloadParameterDto, text: ButtonTextParameterDto }),
    example: [{ type: 'payload', payload: 'track-1042' }],
  })
  parameters!: Array<PayloadParameterDto | ButtonTextParameterDto>;
}

@ApiExtraModels(TemplateHeaderComponentDto, TemplateBodyComponentDto, TemplateButtonComponentDto)
export class TemplateContentDto {
  @ApiProperty({ example: 'order_update', pattern: '^[a-z0-9_]+$', maxLength: L.templateName, description: 'An approved template of the channel.' })
  name!: string;

  @ApiProperty({ example: 'en_US', description: 'The language and locale code of the approved translation.' })
  language!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['Asha', '#1042'],
    description: "The body's variables in order, as text. Give this or components, not both.",
  })
  params?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: oneOfBy('type', { header: TemplateHeaderComponentDto, body: TemplateBodyComponentDto, button: TemplateButtonComponentDto }),
    example: [{ type: 'body', parameters: [{ type: 'text', text: 'Asha' }] }],
    description: 'Every parameter of the header, body and buttons, as Meta takes them.',
  })
  components?: Array<TemplateHeaderComponentDto | TemplateBodyComponentDto | TemplateButtonComponentDto>;
}
