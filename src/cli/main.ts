import { closestName } from '../model/suggest.ts';
import { HELP, HELP_HI, wantsHindi } from './help.ts';
import { parseArgs } from 'node:util';
import manifest from '../../package.json' with { type: 'json' };
import { EnvironmentError, UsageError } from '../model/errors.ts';
import type { RunContext } from '../model/run.ts';
import { Progress, wantsColour } from '../report/progress.ts';
import { enableTrace } from '../report/trace.ts';
import { OPTIONS, type CommandContext } from './context.ts';

type Command = (context: CommandContext) => Promise<number>;

/** Each command is loaded only when called, so `--help` never loads a renderer. */
const COMMANDS: Record<string, { options: (keyof typeof OPTIONS)[]; load: () => Promise<Command> }> = {
  build: {
    options: ['out', 'format', 'watch', 'json', 'quiet'],
    load: async () => (await import('./commands/build.ts')).build,
  },
  check: { options: ['json', 'quiet'], load: async () => (await import('./commands/check.ts')).check },
  preview: { options: ['port', 'quiet'], load: async () => (await import('./commands/preview.ts')).preview },
  new: { options: ['title', 'out'], load: async () => (await import('./commands/new.ts')).newManuscript },
  import: { options: ['title', 'name', 'out'], load: async () => (await import('./commands/import.ts')).importText },
  server: { options: ['quiet'], load: async () => (await import('./commands/server.ts')).server },
};

/**
 * The run of this process: its folder and environment, its stdout and stderr. The one place
 * below bin/mudran that reads them; everything else gets them from the run.
 */
export function processIo(entry?: string): RunContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    ...(entry ? { entry } : {}),
  };
}

/** Runs the CLI and returns the exit code; only bugs escape as exceptions. */
export async function main(argv: readonly string[], io: RunContext = processIo()): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`mudran: ${error.message}\nTry 'mudran --help'.\n`);
      return 2;
    }
    if (error instanceof EnvironmentError) {
      io.stderr.write(`mudran: ${error.message}\n`);
      return 2;
    }
    // Not the manuscript's fault and not foreseen: one line, the stack only on request.
    const debug = argv.includes('--debug');
    io.stderr.write(
      debug
        ? `${(error as Error).stack ?? String(error)}\n`
        : `mudran: ${(error as Error).message.split('\n')[0]} (--debug shows where)\n`,
    );
    return 2;
  }
}

async function run(argv: readonly string[], io: RunContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (error) {
    const message = (error as Error).message;
    // node's "Unknown option '--fromat'. To specify a positional argument …": the option, and a guess.
    const unknown = /^Unknown option '(--?[\w-]+)'/.exec(message)?.[1];
    if (unknown) {
      const guess = closestName(unknown.replace(/^-+/, ''), Object.keys(OPTIONS));
      throw new UsageError(`unknown option ${unknown}${guess ? `: did you mean --${guess}?` : ''}`);
    }
    throw new UsageError(message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(wantsHindi(io.env) ? HELP_HI : HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`mudran ${manifest.version}\n`);
    return 0;
  }
  const [name, ...args] = positionals;
  if (name === undefined) {
    io.stdout.write(wantsHindi(io.env) ? HELP_HI : HELP);
    return 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    const guess = closestName(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command '${name}'${guess ? `: did you mean '${guess}'?` : ''}`);
  }
  // --debug goes with every command: it is what an unexpected failure tells the user to add.
  const refused = Object.keys(values).filter(
    (option) => option !== 'debug' && !(command.options as string[]).includes(option),
  );
  if (refused.length > 0) throw new UsageError(`${name} takes no ${refused.map((option) => `--${option}`).join(', ')}`);
  const quiet = values.quiet === true || values.json === true;
  // Tracing is process-wide (a build server started with it traces every run).
  if (io.env['MUDRAN_TRACE']) enableTrace();
  // A build or check goes to the build server when one may be used (see src/server/).
  if ((name === 'build' && !values.watch) || name === 'check') {
    const { serverWanted, viaServer } = await import('../server/client.ts');
    if (serverWanted(io)) {
      const code = await viaServer(argv, io, { quiet });
      if (code !== undefined) return code;
    }
  }
  const progress = new Progress(io.stderr, { quiet, colour: wantsColour(io.stderr, io.env) });
  try {
    return await (
      await command.load()
    )({ command: name, args, options: values, progress, run: io, cli: main });
  } finally {
    progress.finish();
  }
}
