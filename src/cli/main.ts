import { closestName } from '../model/suggest.ts';
import { HELP_HI, wantsHindi } from './help-hi.ts';
import { parseArgs } from 'node:util';
import manifest from '../../package.json' with { type: 'json' };
import { EnvironmentError, UsageError } from '../model/errors.ts';
import { DEFAULT_FORMATS, FORMATS } from '../model/formats.ts';
import type { RunContext } from '../model/run.ts';
import { Progress, wantsColour } from '../report/progress.ts';
import { enableTrace } from '../report/trace.ts';
import { OPTIONS, type CommandContext } from './context.ts';

const HELP = `mudran: publish Hindi Markdown manuscripts as EPUB and print-ready PDF

Usage:
  mudran build [FILE.md…] [--out DIR] [--format LIST] [--watch] [--json] [--quiet]
  mudran check [FILE.md…] [--json] [--quiet]
  mudran preview [FILE.md] [--port N]
  mudran new NAME [--title TEXT] [--out DIR]
  mudran import FILE.txt [--title TEXT] [--name NAME] [--out DIR]
  mudran server start|stop|status
  mudran --help | --version

Commands:
  build    check each manuscript, then write its outputs into the output folder:
             NAME.epub          EPUB 3 for e-readers (fonts embedded)
             NAME.pdf           the A5 book
             NAME-handout.pdf   the A4 handout for office printers
           A manuscript with errors writes nothing.
  check    run every check without rendering and print the messages
  preview  serve the book as it prints on http://127.0.0.1:PORT/, reloading the page
           when the manuscript, a template or a font changes; messages show in the page
  new      write manuscript/NAME.md with its front matter filled in
  import   turn a plain-text article into manuscript/NAME.md: share-button lines are
           dropped, short standalone lines become headings
  server   the build server: build and check hand their work to a background
           process that keeps Chromium and the loaded fonts between runs (started
           by the first build; it ends after 15 idle minutes or on 'server stop').
           MUDRAN_SERVER=0 builds in the command itself; CI does by default.

With no FILE, every manuscript/*.md under the current folder is used.
An optional mudran.config.json in the current folder sets defaults, e.g.
  {"out": "dist", "formats": ["epub", "pdf"], "defaults": {"publisher": "…", "lang": "hi"}}
("defaults" takes any front-matter field; the manuscript's own value wins).

Options:
  -o, --out DIR        output folder (default: dist; manuscript for new and import)
  -f, --format LIST    comma-separated outputs among ${FORMATS.join(', ')}
                       (default: ${DEFAULT_FORMATS.join(',')})
  -w, --watch          build, then rebuild what each saved change touches
  -p, --port N         preview port (default: 4300; 0 picks a free one)
  -t, --title TEXT     the title for new and import
  -n, --name NAME      the manuscript's name for import (default: the file's)
      --json           print one JSON report on stdout (outputs, messages, timings)
  -q, --quiet          print only messages, no progress
      --debug          show the stack trace of an unexpected failure
  -h, --help           show this help
  -v, --version        show the version

Progress goes to stderr, coloured on a terminal unless NO_COLOR is set.
Messages read FILE:LINE:COLUMN: error|warning: reason [rule-id].
Exit codes: 0 done (warnings allowed), 1 a manuscript or the config file has errors,
2 usage or environment (no browser, unreadable path).
`;

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
