import { HeraldError } from '@herald/common';

const invalid = (field: string, issue: string) => new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue }]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SINGLE_FIELDS = new Set(['to', 'fb_template', 'language', 'file', 'params', 'tag']);

/**
 * ChitChatLabs' single message (`POST /chat-service/apis/message/single`) as Herald's `POST /v1/messages` body: `to`
 * `{mobile, name}` (the number without '+', as its example writes it), `fb_template` + `language`, an optional `file`
 * (`image`, `video` or `document` by link: the template's media header), `params` (the body's variables in order)
 * and an optional `tag`.
 */
export function toNativeSingle(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw invalid('body', 'must be a JSON object');
  for (const key of Object.keys(body)) if (!SINGLE_FIELDS.has(key)) throw invalid(key, 'is not a field of a ChitChatLabs single message');
  const to = body['to'];
  if (!isRecord(to) || (typeof to['mobile'] !== 'string' && typeof to['mobile'] !== 'number')) throw invalid('to.mobile', "must be the recipient's phone number");
  const mobile = String(to['mobile']).trim();
  const name = to['name'];
  if (name !== undefined && typeof name !== 'string') throw invalid('to.name', 'must be a string');
  const template = body['fb_template'];
  if (typeof template !== 'string' || template === '') throw invalid('fb_template', 'must be the template name in WhatsApp Manager');
  const language = body['language'];
  if (typeof language !== 'string' || language === '') throw invalid('language', 'must be the template language code, e.g. en');
  const params = body['params'] ?? [];
  if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) throw invalid('params', 'must be a list of strings');
  const components: Array<Record<string, unknown>> = [];
  const file = body['file'];
  if (file !== undefined) {
    if (!isRecord(file) || !['image', 'video', 'document'].includes(String(file['type'])) || typeof file['link'] !== 'string') {
      throw invalid('file', 'must be {"type": "image" | "video" | "document", "link": URL}');
    }
    const type = file['type'] as string;
    components.push({ type: 'header', parameters: [{ type, [type]: { link: file['link'] } }] });
  }
  if (params.length > 0) components.push({ type: 'body', parameters: (params as string[]).map((text) => ({ type: 'text', text })) });
  const tag = body['tag'];
  if (tag !== undefined && typeof tag !== 'string') throw invalid('tag', 'must be a string');
  return {
    to: { number: mobile.startsWith('+') ? mobile : `+${mobile}`, ...(typeof name === 'string' && name !== '' ? { name } : {}) },
    type: 'template',
    template: { name: template, language, ...(components.length > 0 ? { components } : {}) },
    ...(typeof tag === 'string' ? { tags: [tag] } : {}),
  };
}

const BLAST_FIELDS = new Set(['searchSpec', 'fb_template', 'language', 'file', 'params', 'tag']);

/**
 * ChitChatLabs' blast (`POST /chat-service/apis/message/blast`) as Herald's `POST /v1/blasts` body on the given
 * WhatsApp channel: `searchSpec` as is, `fb_template` + `language` → `template {name, language}`, `file` → the media
 * `header`, `params` (with `{{name}}`… filled per contact by Herald) as is, `tag` → `tags: [tag]`. Any other field —
 * Herald's own blast fields included, so a `channelId` is never silently replaced — is refused by name.
 */
export function toNativeBlast(body: unknown, channelId: string): Record<string, unknown> {
  if (!isRecord(body)) throw invalid('body', 'must be a JSON object');
  for (const key of Object.keys(body)) if (!BLAST_FIELDS.has(key)) throw invalid(key, 'is not a field of a ChitChatLabs blast');
  const given = (key: string, as: string, value: unknown = body[key]) => (body[key] === undefined ? {} : { [as]: value });
  return {
    ...given('searchSpec', 'searchSpec'),
    template: { name: body['fb_template'], language: body['language'] },
    ...given('params', 'params'),
    ...given('file', 'header'),
    ...given('tag', 'tags', [body['tag']]),
    channelId,
  };
}

const NATIVE_TO_CHITCHATLABS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^template\.name$/, 'fb_template'],
  [/^template\.language$/, 'language'],
  [/^template$/, 'fb_template'],
  [/^header(?=\.|$)/, 'file'],
  [/^tags(\[0\])?$/, 'tag'],
];

/** A native field name as ChitChatLabs' request wrote it (for refusals of its blast). */
export function chitChatLabsField(field: string): string {
  for (const [native, theirs] of NATIVE_TO_CHITCHATLABS) if (native.test(field)) return field.replace(native, theirs);
  return field;
}
