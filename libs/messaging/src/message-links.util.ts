import type { OutboundMessage, TemplateComponent } from '@herald/channels';

/**
 * The texts of a message whose URLs a recipient reads, and how to put rewritten ones back: a text's body, a media
 * caption, an interactive message's body, header and footer, and a template's text parameters (body and header).
 * A template's URL buttons are not among them: their URL is fixed in the approved template, only its suffix varies.
 */
export function messageTexts(message: OutboundMessage): { texts: string[]; rebuild: (texts: readonly string[]) => OutboundMessage } {
  const texts: string[] = [];
  const take = (t: string) => texts.push(t) - 1;
  switch (message.type) {
    case 'text': {
      const i = take(message.text.body);
      return { texts, rebuild: (t) => ({ ...message, text: { ...message.text, body: t[i]! } }) };
    }
    case 'image':
    case 'video':
    case 'document': {
      const media = (message as unknown as Record<string, { caption?: string }>)[message.type]!;
      if (media.caption === undefined) return { texts, rebuild: () => message };
      const i = take(media.caption);
      return { texts, rebuild: (t) => ({ ...message, [message.type]: { ...media, caption: t[i]! } }) as OutboundMessage };
    }
    case 'interactive': {
      const it = message.interactive;
      const body = take(it.body.text);
      const footer = it.footer ? take(it.footer.text) : -1;
      const header = it.header?.type === 'text' ? take(it.header.text) : -1;
      return {
        texts,
        rebuild: (t) => ({
          ...message,
          interactive: {
            ...it,
            body: { text: t[body]! },
            ...(footer >= 0 ? { footer: { text: t[footer]! } } : {}),
            ...(header >= 0 ? { header: { type: 'text' as const, text: t[header]! } } : {}),
          } as typeof it,
        }),
      };
    }
    case 'template': {
      const tpl = message.template;
      if (tpl.params) {
        const at = tpl.params.map(take);
        return { texts, rebuild: (t) => ({ ...message, template: { ...tpl, params: at.map((i) => t[i]!) } }) };
      }
      const components = tpl.components ?? [];
      const slots = components.map((c) =>
        c.type === 'button' ? [] : c.parameters.map((p) => (p.type === 'text' ? take(p.text) : -1)),
      );
      return {
        texts,
        rebuild: (t) => ({
          ...message,
          template: {
            ...tpl,
            components: components.map((c, ci) =>
              c.type === 'button'
                ? c
                : ({ ...c, parameters: c.parameters.map((p, pi) => (p.type === 'text' && slots[ci]![pi]! >= 0 ? { ...p, text: t[slots[ci]![pi]!]! } : p)) } as TemplateComponent),
            ),
          },
        }),
      };
    }
    case 'buttons': {
      const i = take(message.buttons.text);
      return { texts, rebuild: (t) => ({ ...message, buttons: { ...message.buttons, text: t[i]! } }) };
    }
    case 'audio':
    case 'sticker':
    case 'location':
    case 'cards':
      return { texts, rebuild: () => message };
  }
}
