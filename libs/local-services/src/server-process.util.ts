import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalServicesLog } from './local-services.types';

export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions {
  env?: NodeJS.ProcessEnv;
  runAs?: RunAs;
  cwd?: string;
}

/** Runs a program to completion and collects its output; a missing program resolves with code 127. */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => resolve({ code: 127, signal: null, stdout, stderr: stderr + error.message }));
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Absolute path of an executable found on PATH or, failing that, in `extraDirs`. */
export async function findExecutable(name: string, extraDirs: readonly string[] = []): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Servers started here, stopped when this process exits without having stopped them, so a server
 * outlives its owner only when the owner is killed outright (SIGKILL); the next start adopts it then.
 */
const serversToStopOnExit = new Map<number, NodeJS.Signals>();
let exitHookInstalled = false;

function stopOnExit(pid: number, signal: NodeJS.Signals): void {
  serversToStopOnExit.set(pid, signal);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [serverPid, serverSignal] of serversToStopOnExit) {
      try {
        process.kill(serverPid, serverSignal);
      } catch {
        // already gone
      }
    }
  });
}

export interface ServerProcess {
  readonly pid: number;
  hasExited(): boolean;
  exitDescription(): string;
  /** Sends the server's stop signal, waits up to `timeoutMs`, then SIGKILL. */
  stop(timeoutMs: number): Promise<void>;
}

export interface StartServerOptions {
  name: string;
  file: string;
  args: readonly string[];
  logFile: string;
  /** Signal that asks the server for a clean shutdown (Postgres: SIGINT = fast shutdown). */
  stopSignal: NodeJS.Signals;
  runAs?: RunAs;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a server in its own process group (so a Ctrl-C in the terminal reaches only the owner, which
 * stops the server after its clients), with its output appended to `logFile`. The child does not keep
 * the owner's event loop alive; the owner's exit stops it.
 */
export async function startServerProcess(options: StartServerOptions): Promise<ServerProcess> {
  const log = await open(options.logFile, 'a', 0o640);
  let child: ChildProcess;
  try {
    child = spawn(options.file, options.args, {
      detached: true,
      cwd: '/',
      stdio: ['ignore', log.fd, log.fd],
      env: options.env ?? process.env,
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    });
  } finally {
    await log.close();
  }
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      if (child.pid !== undefined) serversToStopOnExit.delete(child.pid);
      resolve();
    });
    child.once('error', (error) => {
      exitInfo ??= error.message;
      resolve();
    });
  });
  if (child.pid === undefined) {
    await exited;
    throw new Error(`could not start ${options.name} (${options.file}): ${exitInfo ?? 'unknown error'}`);
  }
  const pid = child.pid;
  child.unref();
  stopOnExit(pid, options.stopSignal);
  return {
    pid,
    hasExited: () => exitInfo !== undefined,
    exitDescription: () => exitInfo ?? 'running',
    stop: async (timeoutMs) => {
      if (exitInfo !== undefined) return;
      signalProcess(pid, options.stopSignal);
      if (await settlesWithin(exited, timeoutMs)) return;
      signalProcess(pid, 'SIGKILL');
      await settlesWithin(exited, 5_000);
    },
  };
}

/** A server left running by an earlier owner that was killed outright, known by its pid. */
export function adoptServerProcess(pid: number, stopSignal: NodeJS.Signals): ServerProcess {
  stopOnExit(pid, stopSignal);
  const gone = async (timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (isProcessAlive(pid)) {
      if (Date.now() >= deadline) return false;
      await delay(100);
    }
    return true;
  };
  return {
    pid,
    hasExited: () => !isProcessAlive(pid),
    exitDescription: () => (isProcessAlive(pid) ? 'running' : 'exited'),
    stop: async (timeoutMs) => {
      serversToStopOnExit.delete(pid);
      if (!isProcessAlive(pid)) return;
      signalProcess(pid, stopSignal);
      if (await gone(timeoutMs)) return;
      signalProcess(pid, 'SIGKILL');
      await gone(5_000);
    },
  };
}

export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Last `count` non-empty lines of a log file, joined on one line (for one-line error messages). */
export async function logTail(file: string, count = 5): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return lines.slice(-count).join(' | ');
  } catch {
    return '';
  }
}

/** Waits until `check` resolves true, the process exits, or the deadline passes. */
export async function waitUntil(
  check: () => Promise<boolean>,
  server: ServerProcess,
  timeoutMs: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited()) return 'exited';
    if (await check()) return 'ready';
    await delay(200);
  }
  return 'timeout';
}

export const noLog: LocalServicesLog = () => undefined;

/** On Linux, whether process `pid`'s command line mentions `name`; elsewhere assumed true. */
export async function processLooksLike(pid: number, name: string): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(name);
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * `<dataDir>.owner` names the process that started (or took over) the server on `dataDir`. Another
 * process that finds the server running while its owner lives only uses it; once the owner is gone
 * (killed outright), the next one takes the server over and stops it when done.
 */
function ownerFile(dataDir: string): string {
  return `${dataDir}.owner`;
}

export async function claimServer(dataDir: string): Promise<void> {
  await writeFile(ownerFile(dataDir), `${process.pid}\n`);
}

export async function releaseServer(dataDir: string): Promise<void> {
  try {
    if (Number((await readFile(ownerFile(dataDir), 'utf8')).trim()) === process.pid) await rm(ownerFile(dataDir));
  } catch {
    // no owner file
  }
}

/** Pid of the live process (possibly this one) that owns the server on `dataDir`, if any. */
export async function liveOwnerOf(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(ownerFile(dataDir), 'utf8')).trim());
    if (pid === process.pid) return pid;
    if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
    return (await processLooksLike(pid, 'node')) ? pid : undefined;
  } catch {
    return undefined;
  }
}
