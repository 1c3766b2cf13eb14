import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../apps/api/src/docs/openapi.util';
import { CLIENT_FILES, renderClientFiles } from '../scripts/client-schema.util';
import { startApi, type ApiHarness } from './support/api-harness';

const CLIENT_DIR = join(process.cwd(), 'packages', 'client');

/** The first line where two texts differ, for a failure message a person can act on. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? Math.min(a.length, b.length) : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')} / generated ${JSON.stringify(b[at] ?? '<end>')}`;
}

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  $ref?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
}
interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: Schema }>;
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/**
 * Where Herald's own routes (not the vendors' surfaces under /compat and /webhooks, which take the vendors' bodies)
 * leave a shape open: an object without properties or additionalProperties (openapi-typescript makes it
 * Record<string, unknown>), an array without item type, a query parameter without a type.
 */
function openShapes(document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } }): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (schema: Schema | undefined, at: string): void => {
    if (!schema) {
      found.add(`${at}: no schema`);
    } else if (schema.$ref) {
      const name = schema.$ref.split('/').pop()!;
      if (seen.has(name)) return;
      seen.add(name);
      walk(document.components.schemas[name], name);
    } else if (schema.oneOf || schema.anyOf || schema.allOf) {
      for (const key of ['oneOf', 'anyOf', 'allOf'] as const) schema[key]?.forEach((s, i) => walk(s, `${at}.${key}[${i}]`));
    } else if (schema.type === 'array') {
      if (schema.items) walk(schema.items, `${at}[]`);
      else found.add(`${at}: an array of anything`);
    } else if ((schema.type === undefined && !schema.enum) || schema.type === 'object') {
      if (!schema.properties && schema.additionalProperties === undefined) found.add(`${at}: an object of anything`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) walk(property, `${at}.${name}`);
      if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${at}{}`);
    }
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    if (/^\/(compat|webhooks)\//.test(path)) continue;
    for (const [method, op] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) if (!p.schema?.type && !p.schema?.enum && !p.schema?.oneOf) found.add(`${where} ${p.in} ${p.name}: no type`);
      for (const [media, body] of Object.entries(op.requestBody?.content ?? {})) walk(body.schema, `${where} body (${media})`);
      for (const [status, answer] of Object.entries(op.responses)) {
        if (!status.startsWith('2')) continue;
        for (const [media, body] of Object.entries(answer.content ?? {})) walk(body.schema, `${where} ${status} (${media})`);
      }
    }
  }
  return [...found];
}

describe('the typed client (@herald/client)', () => {
  let api: ApiHarness;
  let generated: Record<keyof typeof CLIENT_FILES, string>;
  beforeAll(async () => {
    api = await startApi();
    generated = await renderClientFiles(buildOpenApiDocument(api.app));
  });
  afterAll(() => api.close());

  const files = (Object.keys(CLIENT_FILES) as Array<keyof typeof CLIENT_FILES>).map((key) => ({ key, file: CLIENT_FILES[key] }));
  it.each(files)('packages/client/$file is what the API documents now', ({ key, file }) => {
    const committed = readFileSync(join(CLIENT_DIR, file), 'utf8');
    if (committed !== generated[key]) {
      throw new Error(`packages/client/${file} is out of date with the API's controllers and DTOs: run npm run client:generate (${firstDifference(committed, generated[key])}).`);
    }
  });

  it('is the same document at every generation (no ports, times or random ids in it)', async () => {
    const again = await renderClientFiles(buildOpenApiDocument(api.app));
    expect(again.document).toBe(generated.document);
    expect(generated.document).not.toMatch(/\/\/(127\.0\.0\.1|localhost)[:/]/);
  });

  it("describes every body, answer and query of Herald's own routes fully, so the client types them", () => {
    const document = JSON.parse(generated.document) as Parameters<typeof openShapes>[0];
    expect(openShapes(document)).toEqual([]);
    // The typed shapes a program writes most: a campaign of an existing template needs no message, a CSV upload is
    // the text itself, a settings change names only what it changes.
    const schemas = document.components.schemas as Record<string, Schema & { required?: string[] }>;
    expect(schemas['CreateCampaignDto']!.required ?? []).not.toContain('message');
    const upload = document.paths['/v1/audiences/{id}/contacts/import']!['post']!.requestBody!.content;
    expect(upload['text/csv']!.schema).toEqual({ type: 'string' });
    expect(upload['multipart/form-data']!.schema).toMatchObject({ type: 'object', required: ['file'] });
    const patch = document.paths['/v1/settings']!['patch']!.requestBody!.content['application/json']!.schema!;
    expect(schemas[patch.$ref!.split('/').pop()!]!.required ?? []).toEqual([]);
  });

  it('describes every message body: the send body is the envelope and a union of contents told apart by type', () => {
    const document = JSON.parse(generated.document) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { allOf?: Array<{ $ref?: string; oneOf?: Array<{ $ref: string }> }> } }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
    };
    const body = document.paths['/v1/messages']!['post']!.requestBody!.content['application/json']!.schema;
    expect(body.allOf?.[0]?.$ref).toBe('#/components/schemas/MessageEnvelopeDto');
    const contents = body.allOf?.[1]?.oneOf?.map((ref) => ref.$ref.split('/').pop()!) ?? [];
    const types = contents.map((name) => document.components.schemas[name]?.properties?.['type']?.enum?.[0]).sort();
    expect(types).toEqual(['audio', 'buttons', 'cards', 'document', 'image', 'interactive', 'location', 'sticker', 'template', 'text', 'video']);
    // Each content class describes its own key (text → text: {...}), never a bare object.
    for (const name of contents) {
      const schema = document.components.schemas[name]!;
      const type = schema.properties!['type']!.enum![0]!;
      expect(schema.properties![type]).toBeDefined();
    }
  });
});
