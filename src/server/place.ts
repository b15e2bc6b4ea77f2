import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { privateFolder } from '../build/private-folder.ts';
import { ROOT } from '../model/paths.ts';
import type { Environment } from '../model/environment.ts';

/** A Unix socket's path must fit in sockaddr_un (108 bytes with its terminating zero). */
const MAX_SOCKET_PATH = 107;

/**
 * Environment read once per process (at module load or at the browser's launch): a server
 * started with other values must not serve the client.
 */
const PROCESS_WIDE_ENV = [
  'PUPPETEER_EXECUTABLE_PATH',
  'MUDRAN_BROWSER_TIMEOUT_MS',
  'MUDRAN_TRACE',
  'TMPDIR',
  'MUDRAN_SERVER_BROWSER_MB',
];

export interface ServerPlace {
  /** The socket the server listens on, in a folder only this user can enter. */
  socket: string;
  /** The server's log (its own failures; builds report to their clients). */
  log: string;
  /**
   * What the server's code and data are: the compiled entry (named by a hash of src/), the
   * fonts, templates and installed packages, and the process-wide environment. A server whose
   * key differs from its client's is stale: it says so and ends, and the client starts anew.
   */
  key: string;
}

/**
 * Where the build server of this mudran and this user lives: $TMPDIR/mudran-server-UID/, a
 * folder made with mode 0700 and checked to be this user's own (not a link, nobody else can
 * enter it), so no other user can reach the socket or plant one. Undefined when that cannot
 * be had: the run then builds in its own process.
 */
export async function serverPlace(entry: string, env: Environment): Promise<ServerPlace | undefined> {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const found = await privateFolder(path.join(os.tmpdir(), `mudran-server-${uid}`));
  if (!('folder' in found)) return undefined;
  const { folder } = found;
  const name = createHash('sha256').update(ROOT).digest('hex').slice(0, 12);
  const socket = path.join(folder, `${name}.sock`);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) return undefined;
  return { socket, log: path.join(folder, `${name}.log`), key: await serverKey(entry, env) };
}

async function serverKey(entry: string, env: Environment): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${path.basename(entry)}\0${process.execPath}\0${process.version}\0`);
  for (const name of PROCESS_WIDE_ENV) hash.update(`${name}=${env[name] ?? ''}\0`);
  const files = await Promise.all(
    ['fonts', 'templates'].map(async (folder) =>
      (await readdir(path.join(ROOT, folder), { recursive: true }).catch(() => [])).map((file) =>
        path.join(folder, file),
      ),
    ),
  );
  for (const file of [...files.flat().sort(), 'node_modules/.package-lock.json']) {
    const info = await stat(path.join(ROOT, file)).catch(() => undefined);
    hash.update(`${file}\0${info ? `${info.size}:${info.mtimeMs}` : '-'}\0`);
  }
  return hash.digest('hex');
}

/** Whether builds may use the server: not with MUDRAN_SERVER=0 (or off, no, false), nor in CI unless MUDRAN_SERVER=1. */
export function serverEnabled(env: Environment): boolean {
  const setting = env['MUDRAN_SERVER']?.trim().toLowerCase();
  if (setting !== undefined && setting !== '') return !['0', 'off', 'no', 'false'].includes(setting);
  const ci = env['CI']?.trim().toLowerCase();
  return ci === undefined || ci === '' || ci === '0' || ci === 'false';
}

/** Seconds a server waits for its next build before it ends (MUDRAN_SERVER_IDLE_SECONDS, default 15 minutes). */
export function idleSeconds(env: Environment): number {
  const seconds = Number(env['MUDRAN_SERVER_IDLE_SECONDS']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 15 * 60;
}
