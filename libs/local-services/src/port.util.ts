import { createServer } from 'node:net';
import { LOCAL_HOST, PORT_SCAN_SPAN } from './local-services.constants';

export type PortCheck = (port: number, host: string) => Promise<boolean>;
export type PortAllocator = (host: string) => Promise<number>;

/** True when nothing listens on `host:port` (checked by binding it for a moment). */
export function isPortFree(port: number, host: string = LOCAL_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS reports free right now (binds port 0). */
export function anyFreePort(host: string = LOCAL_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not allocate a free port'))));
    });
  });
}

/** The ports tried in order: the preferred one, then the next `span` ones, all within 1..65535. */
export function portCandidates(preferred: number, span: number = PORT_SCAN_SPAN): number[] {
  if (!Number.isInteger(preferred) || preferred < 1 || preferred > 65_535) {
    throw new RangeError(`not a TCP port: ${preferred}`);
  }
  const candidates: number[] = [];
  for (let port = preferred; port <= Math.min(preferred + span, 65_535); port += 1) candidates.push(port);
  return candidates;
}

export interface FindFreePortOptions {
  preferred: number;
  host?: string;
  span?: number;
  isFree?: PortCheck;
  allocate?: PortAllocator;
}

/** The preferred port if free, else the first free one just after it, else any port the OS hands out. */
export async function findFreePort(options: FindFreePortOptions): Promise<number> {
  const host = options.host ?? LOCAL_HOST;
  const isFree = options.isFree ?? isPortFree;
  for (const port of portCandidates(options.preferred, options.span)) {
    if (await isFree(port, host)) return port;
  }
  return (options.allocate ?? anyFreePort)(host);
}
