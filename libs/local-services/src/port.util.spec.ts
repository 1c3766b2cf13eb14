import { createServer, type Server } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { findFreePort, isPortFree, portCandidates } from './port.util';

describe(portCandidates.name, () => {
  it('starts with the preferred port and scans upwards', () => {
    expect(portCandidates(5432, 3)).toEqual([5432, 5433, 5434, 5435]);
  });

  it('never goes past 65535', () => {
    expect(portCandidates(65_534, 20)).toEqual([65_534, 65_535]);
  });

  it('rejects something that is not a port', () => {
    expect(() => portCandidates(0)).toThrow(RangeError);
    expect(() => portCandidates(70_000)).toThrow(RangeError);
    expect(() => portCandidates(54.5)).toThrow(RangeError);
  });
});

describe(findFreePort.name, () => {
  it('takes the preferred port when it is free', async () => {
    const port = await findFreePort({ preferred: 5432, isFree: async () => true, allocate: async () => 1 });
    expect(port).toBe(5432);
  });

  it('takes the first free port after a busy preferred one', async () => {
    const busy = new Set([5432, 5433]);
    const port = await findFreePort({ preferred: 5432, isFree: async (p) => !busy.has(p), allocate: async () => 1 });
    expect(port).toBe(5434);
  });

  it('asks the OS for any port when the whole scanned range is busy', async () => {
    const tried: number[] = [];
    const port = await findFreePort({
      preferred: 6379,
      span: 2,
      isFree: async (p) => (tried.push(p), false),
      allocate: async () => 41_234,
    });
    expect(tried).toEqual([6379, 6380, 6381]);
    expect(port).toBe(41_234);
  });
});

describe(isPortFree.name, () => {
  it('tells a port someone listens on from a free one', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      expect(await isPortFree(port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isPortFree(port)).toBe(true);
  });

  it('never hands out a busy port', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const busy = typeof address === 'object' && address ? address.port : 0;
    try {
      const port = await findFreePort({ preferred: busy, span: 0 });
      expect(port).not.toBe(busy);
      expect(await isPortFree(port)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
