import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One recipient of a Cloud API send: the number as given and its WhatsApp id (the digits of its E.164 form). */
export class CloudApiContactDto {
  @ApiProperty({ example: '+16505551234', description: 'The `to` of the request, as written.' })
  input!: string;

  @ApiProperty({ example: '16505551234', description: 'The number in E.164 without "+": the WhatsApp id Meta answers.' })
  wa_id!: string;
}

export class CloudApiMessageIdDto {
  @ApiProperty({ example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', description: "Herald's message id (GET /v1/messages/:id); status webhooks name it too." })
  id!: string;
}

/** The Cloud API's answer to a send: accepted, not yet delivered. */
export class CloudApiMessageResponseDto {
  @ApiProperty({ example: 'whatsapp', enum: ['whatsapp'] })
  messaging_product!: 'whatsapp';

  @ApiProperty({ type: [CloudApiContactDto] })
  contacts!: CloudApiContactDto[];

  @ApiProperty({ type: [CloudApiMessageIdDto] })
  messages!: CloudApiMessageIdDto[];
}

export class GraphErrorDataDto {
  @ApiProperty({ example: 'whatsapp' })
  messaging_product!: string;

  @ApiProperty({ example: 'text.body is required.', description: 'What is wrong, naming the field as the request spells it.' })
  details!: string;
}

export class GraphErrorContentDto {
  @ApiProperty({ example: '(#131008) Required parameter is missing' })
  message!: string;

  @ApiProperty({ example: 'OAuthException' })
  type!: string;

  @ApiProperty({ example: 131008, description: "Meta's error code: 100, 131008, 131009, 131047, 131051, 132000, 132001, 190…" })
  code!: number;

  @ApiPropertyOptional({ example: 33 })
  error_subcode?: number;

  @ApiPropertyOptional({ type: GraphErrorDataDto })
  error_data?: GraphErrorDataDto;

  @ApiProperty({ example: 'req-1f3a', description: "Herald's request id: the logs' key for this request." })
  fbtrace_id!: string;
}

/** Graph's error shape, as the Cloud API answers every error. */
export class GraphErrorDto {
  @ApiProperty({ type: GraphErrorContentDto })
  error!: GraphErrorContentDto;
}
