// The WhatsApp Cloud API simulator: Meta's Graph endpoints on loopback, for running Herald offline and for
// benchmarks. Configured by SIMULATOR_* variables (see docs/SIMULATOR.md); stops cleanly on SIGTERM/SIGINT.
import { loadSimulatorSettings, SimulatorConfigError, type SimulatorSettings } from './simulator.config';
import { SimulatorServer } from './simulator-server.service';
import { Simulator } from './simulator.service';

/** Exit status for a bad setting, as the other Herald processes use. */
const EXIT_CONFIG = 78;

function log(msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), name: 'herald-simulator', msg, ...fields })}\n`);
}

function loadOrExit(): SimulatorSettings {
  try {
    return loadSimulatorSettings(process.env);
  } catch (error) {
    if (!(error instanceof SimulatorConfigError)) throw error;
    process.stderr.write(`herald-simulator: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

async function main(): Promise<void> {
  const settings = loadOrExit();
  const simulator = new Simulator({
    config: settings.config,
    phoneNumbers: settings.phoneNumbers,
    templates: settings.templates,
    log: (line) => log(line),
  });
  const server = new SimulatorServer(simulator);
  const address = await server.listen(settings.port, settings.host).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    throw new Error(`${settings.host}:${settings.port} is already in use: stop what uses it or set SIMULATOR_PORT`);
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  log('listening', {
    url: `http://${host}:${address.port}`,
    port: address.port,
    phoneNumbers: settings.phoneNumbers.length,
    templates: settings.templates.length,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    server
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`herald-simulator: error while stopping: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`herald-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
