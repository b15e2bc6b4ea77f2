import type { Socket } from 'node:net';

/**
 * The build server's protocol: one JSON object per line over its Unix socket. A client sends
 * one request; a `run` is answered by the run's output as it is written and its exit code.
 */
export type Request =
  | {
      type: 'run';
      key: string;
      argv: string[];
      cwd: string;
      env: Record<string, string>;
      stdoutIsTTY: boolean;
      stderrIsTTY: boolean;
    }
  /** After `accepted`: the client still wants the run (one that gave up never sends it). */
  | { type: 'start' }
  | { type: 'status' }
  | { type: 'stop' };

export type Reply =
  /**
   * The run is heard (sent at once: a client that hears nothing gives up on the server). It is
   * queued behind `ahead` runs once the client answers `start`.
   */
  | { type: 'accepted'; pid: number; ahead: number }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'exit'; code: number }
  /** The server runs other code or fonts than the client: it ends, and the client starts a fresh one. */
  | { type: 'stale' }
  | {
      type: 'status';
      pid: number;
      builds: number;
      idleSeconds: number;
      /** How long the run now going has been going, if one is. */
      busySeconds?: number;
      /** Runs waiting behind it. */
      queued: number;
    }
  | { type: 'stopping' };

export function send(socket: Socket, message: Request | Reply): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(message)}\n`);
}

/** Calls `onMessage` for each line the socket delivers, parsed; a line that is not JSON ends the connection. */
export function onMessages<T>(socket: Socket, onMessage: (message: T) => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      let message: T;
      try {
        message = JSON.parse(line) as T;
      } catch {
        socket.destroy();
        return;
      }
      onMessage(message);
    }
  });
}
