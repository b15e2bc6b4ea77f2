import type { CommandContext } from '../context.ts';
import { EnvironmentError, UsageError } from '../../model/errors.ts';
import { ask, connectTo, gone, startServer } from '../../server/client.ts';
import { serverPlace, type ServerPlace } from '../../server/place.ts';
import type { Reply } from '../../server/protocol.ts';

const ACTIONS = ['start', 'stop', 'status', 'run'] as const;

/**
 * `mudran server start|stop|status`: the build server that `build` and `check` use (see
 * src/server/). `run` is the server itself, in the foreground (what `start` runs detached).
 */
export async function server(context: CommandContext): Promise<number> {
  const [action, ...rest] = context.args;
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number]) || rest.length > 0) {
    throw new UsageError(`server takes one of ${ACTIONS.slice(0, 3).join(', ')}`);
  }
  const { entry } = context.run;
  if (entry === undefined) throw new EnvironmentError('the build server runs from bin/mudran');
  const place = await serverPlace(entry, context.run.env);
  if (!place) throw new EnvironmentError('the build server needs a private folder in $TMPDIR, and cannot have one');
  const { progress } = context;
  if (action === 'run') {
    const { serve } = await import('../../server/daemon.ts');
    const say = (text: string) => context.run.stderr.write(`${new Date().toISOString()} ${text}\n`);
    if (!(await serve(context.run, context.cli, say))) say('another build server already listens: nothing to do');
    return 0;
  }
  const running = await status(place);
  if (action === 'status') {
    progress.say(
      running
        ? `a build server is running: pid ${running.pid}, ${running.builds} run${running.builds === 1 ? '' : 's'} served, ${
            running.busySeconds === undefined
              ? `idle for ${running.idleSeconds} s`
              : `busy for ${running.busySeconds} s with a run, ${running.queued} waiting`
          }`
        : 'no build server is running',
    );
    return 0;
  }
  if (action === 'start') {
    if (running) {
      progress.say(`a build server is already running (pid ${running.pid})`);
      return 0;
    }
    const started = await startServer(place, context.run.env);
    if (!started) throw new EnvironmentError(`the build server did not start (its log: ${place.log})`);
    started.socket.destroy();
    progress.say(`started a build server (pid ${started.pid})`);
    return 0;
  }
  if (!running) {
    progress.say('no build server is running');
    return 0;
  }
  const socket = await connectTo(place.socket);
  if (socket) await ask(socket, { type: 'stop' });
  if (!(await gone(place.socket))) throw new EnvironmentError(`the build server (pid ${running.pid}) did not stop`);
  progress.say(`stopped the build server (pid ${running.pid})`);
  return 0;
}

async function status(place: ServerPlace): Promise<Extract<Reply, { type: 'status' }> | undefined> {
  const socket = await connectTo(place.socket);
  if (!socket) return undefined;
  const replies = await ask(socket, { type: 'status' });
  return replies.find((reply): reply is Extract<Reply, { type: 'status' }> => reply.type === 'status');
}
