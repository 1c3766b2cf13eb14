// Bundles the console (apps/console/src) into dist/console/ with esbuild: one script, one stylesheet, one page,
// all served by the API at /console. Nothing is fetched from a CDN at run time. `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'dist', 'console');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: [join(here, 'src', 'main.tsx'), join(here, 'src', 'styles.css')],
  outdir: out,
  bundle: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(here, 'tsconfig.json'),
  // @herald/client resolves through the tsconfig paths; its openapi-fetch is bundled in.
  legalComments: 'none',
  logLevel: 'warning',
};

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await copyFile(join(here, 'src', 'index.html'), join(out, 'index.html'));
if (process.argv.includes('--watch')) {
  const ctx = await context(options);
  await ctx.watch();
  process.stdout.write(`console: watching ${join(here, 'src')} → ${out}\n`);
} else {
  await build(options);
}
