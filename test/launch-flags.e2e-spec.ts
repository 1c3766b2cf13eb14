import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// The worker's and the simulator's Node flags have one source, scripts/node-flags.json (read by `npm start` and the
// benchmarks); docker-compose.yml and the start:* npm scripts cannot read it and carry them as text.
const read = (file: string) => readFileSync(path.join(process.cwd(), file), 'utf8');
const flags = JSON.parse(read('scripts/node-flags.json')) as { worker: string[]; simulator: string[] };
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

describe('launch flags', () => {
  it('start the worker and the simulator alike everywhere', () => {
    expect(flags.worker).toContain('--max-old-space-size=192');
    expect(scripts['start:worker']).toContain(`node ${flags.worker.join(' ')} dist/apps/worker/src/main.js`);
    expect(scripts['start:simulator']).toContain(`node ${flags.simulator.join(' ')} dist/apps/simulator/src/main.js`);
    const compose = read('docker-compose.yml');
    const command = ['node', ...flags.worker, 'dist/apps/worker/src/main.js'].map((part) => JSON.stringify(part)).join(', ');
    expect(compose).toContain(`command: [${command}]`);
  });
});
