import { chmod, unlink } from 'node:fs/promises';
import net from 'node:net';
import { EnvironmentError } from '../model/errors.ts';
import type { OutputStream, RunContext } from '../model/run.ts';
import { BrowserSession } from '../print/browser.ts';
import { browserSettings } from '../print/settings.ts';
import { connectTo } from './client.ts';
import { descendantsPss } from './memory.ts';
import { idleSeconds, serverPlace } from './place.ts';
import { onMessages, send, type Request } from './protocol.ts';

/** Past this resident size the server ends after the run it served (a long book's leftovers). */
const MAX_RSS_BYTES = 1024 ** 3;
/** A browser serves this many runs at most, then a fresh one takes over. */
const RUNS_PER_BROWSER = 50;

/**
 * The build server (`mudran server run`): listens on its private socket and serves one build
 * or check at a time, each in the client's folder with the client's environment (given to the
 * run as its context: the server's own folder and environment never change) and with its
 * output streamed back, on one Chromium and one set of loaded modules, fonts and JIT-compiled
 * code kept between runs. It ends when idle for MUDRAN_SERVER_IDLE_SECONDS, on `server stop`,
 * on SIGTERM/SIGINT, when a client brings other code or fonts (stale), or after a run that left
 * it large. Resolves when it has ended; false when another server already listens.
 */
export async function serve(
  own: RunContext,
  cli: (argv: readonly string[], run: RunContext) => Promise<number>,
  say: (text: string) => void,
): Promise<boolean> {
  const { entry } = own;
  if (entry === undefined) throw new EnvironmentError('the build server runs from bin/mudran');
  const place = await serverPlace(entry, own.env);
  if (!place) throw new EnvironmentError('the build server needs a private folder in $TMPDIR, and cannot have one');
  (await import('../pdf/workers.ts')).keepMainThreadFree();
  const server = net.createServer();
  // The build that needs it starts the browser (a check never does).
  // The browser's settings are process-wide: a client with others gets a fresh server (see place.ts).
  const settings = browserSettings(own.env);
  let browser = new BrowserSession(settings);
  let servedByBrowser = 0;
  const browserBudget = (Number(own.env['MUDRAN_SERVER_BROWSER_MB']) || 512) * 2 ** 20;
  let queue: Promise<void> = Promise.resolve();
  let builds = 0;
  let lastUsed = performance.now();
  // Runs waiting for the one going (if any), and when the one going started.
  let pending = 0;
  let busySince: number | undefined;
  let stopping = false;
  let idle: NodeJS.Timeout | undefined;
  let ended!: () => void;
  const end = new Promise<void>((resolve) => (ended = resolve));
  const connections = new Set<net.Socket>();

  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(idle);
    say(`stopping: ${why}`);
    void queue.then(async () => {
      // Closing removes the socket file (a fresh server may take its place at once); a
      // connection that never asked for anything does not hold the server up.
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of connections) socket.destroy();
      await closed;
      await browser.close();
      ended();
    });
  };
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => stop('idle'), idleSeconds(own.env) * 1000);
  };

  const run = async (request: Extract<Request, { type: 'run' }>, socket: net.Socket) => {
    pending -= 1;
    // A client that went away while its run waited is not served: nobody would see it.
    if (socket.destroyed) return;
    clearTimeout(idle);
    busySince = performance.now();
    const stream = (name: 'stdout' | 'stderr', isTTY: boolean): OutputStream => ({
      isTTY,
      write: (text: string) => send(socket, { type: 'output', stream: name, text: String(text) }),
    });
    let code = 2;
    try {
      code = await cli(request.argv, {
        cwd: request.cwd,
        env: request.env,
        stdout: stream('stdout', request.stdoutIsTTY),
        stderr: stream('stderr', request.stderrIsTTY),
        entry,
        browser,
      });
    } catch (error) {
      send(socket, { type: 'output', stream: 'stderr', text: `mudran: ${(error as Error).message}\n` });
    }
    send(socket, { type: 'exit', code });
    socket.end();
    // An environment failure (a browser that would not start: not installed yet, say) is
    // not kept: the next run gets a fresh browser.
    // Chromium's renderers grow with every run they serve (about 6 MB a build): past its
    // budget (MUDRAN_SERVER_BROWSER_MB, 512 by default) or after RUNS_PER_BROWSER runs, the
    // browser is replaced, so the server's whole tree stays bounded, not only Node's part.
    servedByBrowser += 1;
    const browserBytes = await descendantsPss(process.pid);
    const recycle =
      code === 2
        ? 'a run failed in its environment'
        : browserBytes > browserBudget
          ? `its processes held ${Math.round(browserBytes / 2 ** 20)} MB (budget ${Math.round(browserBudget / 2 ** 20)} MB)`
          : servedByBrowser >= RUNS_PER_BROWSER
            ? `it served ${servedByBrowser} runs`
            : undefined;
    if (recycle) {
      if (browser.started) say(`replacing the browser: ${recycle}`);
      await browser.close();
      browser = new BrowserSession(settings);
      servedByBrowser = 0;
    }
    await releaseMemory();
    builds += 1;
    busySince = undefined;
    lastUsed = performance.now();
    if (process.memoryUsage().rss > MAX_RSS_BYTES) stop('large after a long build');
    else if (!stopping) armIdle();
  };

  server.on('connection', (socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let answered = false;
    let heard: Extract<Request, { type: 'run' }> | undefined;
    onMessages<Request>(socket, (request) => {
      if (heard && request.type === 'start') {
        // The client still wants it: queued now, run exactly once. A failure between runs is
        // logged; it must not stop the runs queued after it.
        const wanted = heard;
        heard = undefined;
        pending += 1;
        queue = queue.then(() => run(wanted, socket)).catch((error: unknown) => say(`run failed: ${String(error)}`));
        return;
      }
      if (answered) return;
      answered = true;
      if (request.type === 'status') {
        const now = performance.now();
        send(socket, {
          type: 'status',
          pid: process.pid,
          builds,
          idleSeconds: busySince === undefined ? Math.round((now - lastUsed) / 1000) : 0,
          ...(busySince === undefined ? {} : { busySeconds: Math.round((now - busySince) / 1000) }),
          queued: pending,
        });
        socket.end();
      } else if (request.type === 'stop') {
        send(socket, { type: 'stopping' });
        socket.end();
        stop('asked to');
      } else if (request.type === 'start') {
        socket.destroy();
      } else if (stopping || request.key !== place.key) {
        send(socket, { type: 'stale' });
        socket.end();
        stop('a client runs other code or fonts');
      } else {
        // Answered at once, so a client knows it was heard even while another run goes on; the
        // run waits for the client's `start`. A client that gave up waiting (this loop was
        // busy) has closed its end and never sends it, so no run is made twice.
        heard = request;
        send(socket, { type: 'accepted', pid: process.pid, ahead: pending + (busySince === undefined ? 0 : 1) });
      }
    });
  });
  // Listening only now that connections are handled: a client may connect at once.
  if (!(await listen(server, place.socket))) return false;
  await chmod(place.socket, 0o600);
  say(`build server ${process.pid} listening on ${place.socket}`);
  armIdle();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
  // A promise a run left behind that fails later (a tab closing, say) is logged, not fatal to
  // the server and the runs queued in it.
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', (reason) => say(`unhandled rejection: ${String(reason)}`));
  await end;
  say('stopped');
  return true;
}

/** Listens on `socket`; a socket file no server answers on (one that crashed) is replaced. */
async function listen(server: net.Server, socket: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(socket, () => {
        server.off('error', resolve);
        resolve(undefined);
      });
    });
    if (!failure) return true;
    if (failure.code !== 'EADDRINUSE') throw failure;
    const live = await connectTo(socket);
    if (live) {
      live.destroy();
      return false;
    }
    await unlink(socket).catch(() => undefined);
  }
  return false;
}

/**
 * What a run leaves behind is given back before the server idles: the PDF workers end (see
 * PdfWorkers.release) and the main heap's garbage is collected (the server is started with
 * --expose-gc). Otherwise the next long book is built on top of the last one's leftovers: a
 * 618-page book built again peaked at 1.7 GiB of PSS instead of 1.3.
 */
async function releaseMemory(): Promise<void> {
  const { pdfWorkers } = await import('../pdf/workers.ts');
  await pdfWorkers.release();
  (globalThis as { gc?: () => void }).gc?.();
}
