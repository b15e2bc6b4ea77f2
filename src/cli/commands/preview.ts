import type { CommandContext } from '../context.ts';
import { UsageError } from '../../model/errors.ts';
import { startPreview } from '../../preview/server.ts';
import { watchSources } from '../../build/watch.ts';
import { manuscriptPaths } from './common.ts';

const DEFAULT_PORT = 4300;

/** `mudran preview [FILE.md] [--port N]`: serves the book until interrupted. */
export async function preview(context: CommandContext): Promise<number> {
  if (context.args.length > 1) throw new UsageError('preview takes one FILE.md');
  const [manuscript] = await manuscriptPaths(context);
  if (manuscript === undefined) throw new UsageError('no manuscript to preview');
  const port = context.options.port === undefined ? DEFAULT_PORT : Number(context.options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port '${context.options.port}' is not a port number, expected 0 to 65535`);
  }
  const server = await startPreview(manuscript, port, context.run);
  try {
    await watchSources(
      [manuscript],
      context.run.cwd,
      async () => {
        const start = performance.now();
        await server.refresh();
        if (!context.options.quiet) context.progress.say(`reloaded in ${Math.round(performance.now() - start)} ms`);
      },
      // Always said, even with --quiet: it is the one thing the author needs. Said once the
      // watchers are in place, so a save right after it is seen.
      { onReady: () => context.progress.say(`previewing ${manuscript} on ${server.url} (Ctrl-C stops)`) },
    );
  } finally {
    await server.close();
  }
  return 0;
}
