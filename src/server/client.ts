import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import type { Environment } from '../model/environment.ts';
import type { RunContext } from '../model/run.ts';
import { onMessages, send, type Reply, type Request } from './protocol.ts';
import { BIN, ROOT } from '../model/paths.ts';
import { serverEnabled, serverPlace, type ServerPlace } from './place.ts';

/** How long a starting server may take to listen. */
const START_MS = 20_000;
/** How long a server may take to say it heard a run (it answers at once, even when busy). */
const ACCEPT_MS = 15_000;
const POLL_MS = 15;

/** Whether this run may hand its work to a build server: not inside one, and not when turned off. */
export function serverWanted(io: RunContext): boolean {
  return io.browser === undefined && io.entry !== undefined && serverEnabled(io.env);
}

/**
 * Runs `argv` (a build or check) on the build server, starting one when none answers, and
 * returns its exit code; its output arrives on `io` as the server writes it. Undefined when no
 * server can serve this run (no private folder, a server that would not start or ended before
 * saying anything): the caller then runs it in its own process.
 */
export async function viaServer(
  argv: readonly string[],
  io: RunContext,
  { quiet }: { quiet: boolean },
): Promise<number | undefined> {
  if (io.entry === undefined) return undefined;
  const place = await serverPlace(io.entry, io.env);
  if (!place) return undefined;
  // Twice at most: a stale server (older code or fonts) ends, and a fresh one takes over.
  for (let attempt = 0; attempt < 2; attempt++) {
    let socket = await connectTo(place.socket);
    let startedPid: number | undefined;
    if (!socket) {
      const started = await startServer(place, io.env);
      if (!started) {
        io.stderr.write(`mudran: the build server did not start (its log: ${place.log}); building without it\n`);
        return undefined;
      }
      ({ socket, pid: startedPid } = started);
    }
    const outcome = await runOn(socket, place, argv, io, (accepted) => {
      if (quiet) return;
      // Said only by the client whose server serves (several may start one at once).
      if (accepted.pid === startedPid)
        io.stderr.write(`started a build server: later builds reuse its browser ('mudran server stop' ends it)\n`);
      if (accepted.ahead > 0)
        io.stderr.write(
          `waiting for the build server (${accepted.ahead} run${accepted.ahead === 1 ? '' : 's'} ahead)\n`,
        );
    });
    if (outcome !== 'stale') return outcome;
    if (!(await gone(place.socket))) return undefined;
  }
  return undefined;
}

/** A connection to the server at `socket`, or undefined when none listens there. */
export function connectTo(socket: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const connection = net.createConnection(socket);
    connection.once('connect', () => {
      connection.removeAllListeners('error');
      resolve(connection);
    });
    connection.once('error', () => resolve(undefined));
  });
}

/** Sends one request and collects the replies until the server closes the connection. */
export function ask(
  socket: net.Socket,
  request: Request,
  onReply: (reply: Reply) => void = () => undefined,
): Promise<Reply[]> {
  return new Promise((resolve) => {
    const replies: Reply[] = [];
    onMessages<Reply>(socket, (reply) => {
      replies.push(reply);
      onReply(reply);
    });
    socket.once('close', () => resolve(replies));
    socket.once('error', () => socket.destroy());
    send(socket, request);
  });
}

/**
 * Starts a build server in the background (`mudran server run`, detached, its output in its
 * log) and waits until it listens; the server outlives this process. Undefined when none came up.
 */
export async function startServer(
  place: ServerPlace,
  env: Environment,
): Promise<{ socket: net.Socket; pid: number } | undefined> {
  const log = openSync(place.log, 'a', 0o600);
  let child;
  try {
    // --expose-gc: the server collects its garbage between runs (see daemon.ts).
    child = spawn(process.execPath, ['--expose-gc', BIN, 'server', 'run'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', log, log],
      env,
    });
  } finally {
    closeSync(log);
  }
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  child.unref();
  const deadline = performance.now() + START_MS;
  while (!exited && performance.now() < deadline) {
    const socket = await connectTo(place.socket);
    if (socket) return { socket, pid: child.pid ?? 0 };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  // Another client's server may have taken the socket first (this one then ends at once).
  const socket = await connectTo(place.socket);
  return socket ? { socket, pid: 0 } : undefined;
}

/** Runs `argv` on a connected server: its exit code, 'stale', or undefined when it ended before writing anything. */
async function runOn(
  socket: net.Socket,
  place: ServerPlace,
  argv: readonly string[],
  io: RunContext,
  onAccepted: (reply: Extract<Reply, { type: 'accepted' }>) => void,
): Promise<number | 'stale' | undefined> {
  let wrote = false;
  let gaveUp = false;
  // A server that does not answer at all (hung, or not ours) is given up on: the run is done here.
  const unanswered = setTimeout(() => {
    gaveUp = true;
    socket.destroy();
  }, ACCEPT_MS);
  const env = Object.fromEntries(
    Object.entries(io.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const replies = await ask(
    socket,
    {
      type: 'run',
      key: place.key,
      argv: [...argv],
      cwd: io.cwd,
      env,
      stdoutIsTTY: io.stdout.isTTY === true,
      stderrIsTTY: io.stderr.isTTY === true,
    },
    (reply) => {
      clearTimeout(unanswered);
      if (reply.type === 'accepted' && !gaveUp) {
        // Only now is the run the server's: a client that gave up never says start.
        send(socket, { type: 'start' });
        onAccepted(reply);
      }
      if (reply.type !== 'output') return;
      wrote = true;
      io[reply.stream].write(reply.text);
    },
  );
  clearTimeout(unanswered);
  for (const reply of replies) {
    if (reply.type === 'exit') return reply.code;
    if (reply.type === 'stale') return 'stale';
  }
  if (!wrote) return undefined;
  io.stderr.write(`mudran: the build server ended in the middle of the run (its log: ${place.log})\n`);
  return 2;
}

/** Waits until no server listens at `socket` (a stale one finishing its last build); false if one still does. */
export async function gone(socket: string, waitMs = 5 * 60_000): Promise<boolean> {
  const deadline = performance.now() + waitMs;
  while (performance.now() < deadline) {
    const connection = await connectTo(socket);
    if (!connection) return true;
    connection.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
