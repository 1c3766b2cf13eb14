import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { mountConsole } from './console-assets.util';

@Module({})
class EmptyModule {}

async function appServing(dir: string): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(EmptyModule, { logger: false });
  mountConsole(app, dir);
  await app.init();
  return app;
}

describe(mountConsole.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-console-'));
  const apps: NestExpressApplication[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 saying to run the build while there is no bundle, then serves it once built', async () => {
    const app = await appServing(dir);
    apps.push(app);
    const missing = await request(app.getHttpServer()).get('/console/');
    expect(missing.status).toBe(503);
    expect(missing.body.error).toMatchObject({ code: 'console_not_built' });
    expect(missing.body.error.message).toContain('npm run build');

    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Herald console</title>');
    writeFileSync(join(dir, 'main.js'), 'export {};');
    const page = await request(app.getHttpServer()).get('/console/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Herald console');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['cache-control']).toBe('no-cache');
    const bare = await request(app.getHttpServer()).get('/console');
    expect([bare.status, bare.headers['location']]).toEqual([301, '/console/']);
    const script = await request(app.getHttpServer()).get('/console/main.js');
    expect([script.status, script.headers['content-type']]).toEqual([200, expect.stringContaining('javascript')]);
  });
});
