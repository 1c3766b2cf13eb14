import { ApiProperty } from '@nestjs/swagger';

export class WhatsAppWebhookDto {
  @ApiProperty({ example: 'whatsapp_business_account' })
  object!: string;

  @ApiProperty({
    example: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100123', phone_number_id: '106540352242922' },
              statuses: [
                {
                  id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0E2',
                  status: 'delivered',
                  timestamp: '1795248213',
                  recipient_id: '919739978284',
                  biz_opaque_callback_data: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e',
                },
              ],
            },
          },
        ],
      },
    ],
  })
  entry!: unknown[];
}

export class WebhookReceivedDto {
  @ApiProperty({ example: true })
  received!: boolean;
}
