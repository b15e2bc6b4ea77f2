import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildManuscripts, DEFAULT_FORMATS, FORMATS, type Format } from './build.ts';
import { checkManuscript, EnvironmentError, readManuscript } from './manuscript.ts';
import { countMessages, formatMessages } from './report.ts';

const HELP = `mudran: publish Hindi Markdown manuscripts as EPUB and print-ready PDF

Usage:
  mudran build [FILE.md…] [--out DIR] [--format LIST]
  mudran check [FILE.md…]
  mudran --help | --version

Commands:
  build    check each manuscript, then write its outputs into the output folder:
             NAME.epub          EPUB 3 for e-readers (fonts embedded)
             NAME.pdf           the A5 book
             NAME-handout.pdf   the A4 handout for office printers
           A manuscript with errors writes nothing.
  check    run every check without rendering and print the messages

With no FILE, every manuscript/*.md under the current folder is used.

Options:
  -o, --out DIR        output folder (default: dist)
  -f, --format LIST    comma-separated outputs among ${FORMATS.join(', ')}
                       (default: ${DEFAULT_FORMATS.join(',')})
  --debug              show the stack trace of an unexpected failure
  -h, --help           show this help
  -v, --version        show the version

Messages read FILE:LINE:COLUMN: error|warning: reason [rule-id].
Exit codes: 0 done (warnings allowed), 1 a manuscript has errors,
2 usage or environment (no browser, unreadable path).
`;

class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs the CLI and returns the exit code; only bugs escape as exceptions. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mudran: ${error.message}\nTry 'mudran --help'.\n`);
      return 2;
    }
    if (error instanceof EnvironmentError) {
      process.stderr.write(`mudran: ${error.message}\n`);
      return 2;
    }
    // Not the manuscript's fault and not foreseen: one line, the stack only on request.
    const debug = argv.includes('--debug');
    process.stderr.write(
      debug
        ? `${(error as Error).stack ?? String(error)}\n`
        : `mudran: ${(error as Error).message.split('\n')[0]} (--debug shows where)\n`,
    );
    return 2;
  }
}

async function run(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        debug: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`mudran ${await version()}\n`);
    return 0;
  }
  const [command, ...files] = positionals;
  if (command === undefined) {
    process.stdout.write(HELP);
    return 2;
  }
  switch (command) {
    case 'build': {
      if (values.out === '') throw new UsageError('--out needs a folder');
      return build(await manuscriptPaths(files), values.out ?? 'dist', parseFormats(values.format));
    }
    case 'check':
      if (values.out !== undefined || values.format !== undefined) {
        throw new UsageError('check takes no --out or --format');
      }
      return check(await manuscriptPaths(files));
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function build(paths: string[], outDir: string, formats: Format[]): Promise<number> {
  const results = await buildManuscripts(paths, {
    outDir,
    formats,
    onOutput: (output) => process.stderr.write(`wrote ${output.path} (${formatBytes(output.bytes)})\n`),
  });
  return finish(results.map(({ file }) => file));
}

async function check(paths: string[]): Promise<number> {
  const files = await Promise.all(
    paths.map(async (filePath) => {
      const file = await readManuscript(filePath);
      await checkManuscript(file);
      return file;
    }),
  );
  return finish(files);
}

/** Prints every message and a summary line; exit 1 when any manuscript has errors. */
function finish(files: Parameters<typeof countMessages>[0]): number {
  for (const file of files) {
    for (const line of formatMessages(file)) process.stderr.write(`${line}\n`);
  }
  const { errors, warnings } = countMessages(files);
  if (errors > 0 || warnings > 0) {
    process.stderr.write(
      `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
    );
  }
  return errors > 0 ? 1 : 0;
}

function parseFormats(list: string | undefined): Format[] {
  if (list === undefined) return [...DEFAULT_FORMATS];
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(FORMATS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(`unknown format '${unknown.join(',') || list}', expected some of ${FORMATS.join(', ')}`);
  }
  return [...new Set(names as Format[])];
}

/** The named files, or every `manuscript/*.md` when none is named. */
async function manuscriptPaths(files: string[]): Promise<string[]> {
  if (files.length > 0) return files;
  let entries: string[];
  try {
    entries = await readdir('manuscript');
  } catch {
    throw new UsageError('no FILE given and no manuscript/ folder here');
  }
  const found = entries.filter((entry) => entry.endsWith('.md')).sort();
  if (found.length === 0) throw new UsageError('no FILE given and manuscript/ has no .md file');
  return found.map((entry) => path.join('manuscript', entry));
}

async function version(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
