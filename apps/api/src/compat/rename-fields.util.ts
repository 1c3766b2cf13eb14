import { HeraldError } from '@herald/common';

/**
 * A native service's refusal with its fields named as the vendor's request wrote them (`template.name` →
 * ChitChatLabs' `fb_template`, Herald's `buttons[0].reply` → Chat Inc's `buttons[0].input`), in `details` and where
 * the message quotes them (`…: <field> <issue>`). Anything else is returned unchanged.
 */
export function renameErrorFields(error: unknown, rename: (field: string) => string): unknown {
  if (!(error instanceof HeraldError) || error.details.length === 0) return error;
  const details = error.details.map((d) => (d.field === undefined ? d : { ...d, field: rename(d.field) }));
  let message = error.message;
  for (const d of error.details) {
    if (d.field === undefined) continue;
    const to = rename(d.field);
    if (to !== d.field) message = message.replace(`: ${d.field} `, `: ${to} `);
  }
  return new HeraldError(error.kind, error.code, message, details);
}
