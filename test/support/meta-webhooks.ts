/** A WhatsApp `messages` webhook as Meta posts it: one entry, one change, one inbound text from `from`. */
export function whatsappInboundText(o: { wabaId: string; phoneNumberId: string; from: string; id: string; text: string; name?: string }): object {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: o.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100000', phone_number_id: o.phoneNumberId },
              ...(o.name ? { contacts: [{ profile: { name: o.name }, wa_id: o.from }] } : {}),
              messages: [{ from: o.from, id: o.id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: o.text } }],
            },
          },
        ],
      },
    ],
  };
}
