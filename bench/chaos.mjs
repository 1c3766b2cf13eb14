#!/usr/bin/env node
// Chaos scenarios (not tests): faults injected into real runs, each ending with the verdict that every
// recipient is in a terminal state and no callback data was accepted twice (0 lost, 0 duplicated).
//
//   npm run bench:chaos                                  # every scenario, full size
//   npm run bench:chaos -- --smoke                       # every scenario, small (CI)
//   npm run bench:chaos -- --scenario workers-killed     # one (or a comma-separated list)
//
// Each scenario lives in bench/chaos/<name>.mjs and exports `describe` (one line) and
// `run({ bench, figures, smoke, say })`; it gets a Bench of its own (database, Redis prefix, processes).
import { Bench, Figures, parseArgs } from './lib/harness.mjs';

export const SCENARIOS = ['workers-killed', 'messages-killed', 'redis-flushed', 'postgres-restarted', 'provider-faults', 'webhooks-disordered'];

const opts = parseArgs(
  process.argv.slice(2),
  { scenario: 'str', smoke: 'bool', keep: 'bool' },
  `node bench/chaos.mjs [--scenario ${SCENARIOS.join('|')}[,…]] [--smoke] [--keep]`,
);
const chosen = opts.scenario ? opts.scenario.split(',') : SCENARIOS;
for (const name of chosen) {
  if (!SCENARIOS.includes(name)) {
    process.stderr.write(`unknown scenario "${name}"; one of ${SCENARIOS.join(', ')}\n`);
    process.exit(2);
  }
}

let failed = 0;
for (const name of chosen) {
  const scenario = await import(`./chaos/${name}.mjs`);
  const bench = new Bench(`chaos-${name}`, { keep: opts.keep });
  const figures = new Figures(`chaos: ${name}`, `Chaos — ${name}${opts.smoke ? ' (smoke)' : ''}: ${scenario.describe}`);
  try {
    await scenario.run({ bench, figures, smoke: Boolean(opts.smoke), say: bench.say });
  } catch (error) {
    figures.add('scenario finished', `error: ${error instanceof Error ? error.message : String(error)}`, 'no error', false);
    bench.say(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await bench.cleanup();
  }
  if (!figures.print()) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
