import { parseArgs } from 'node:util';
import type { RunContext } from '../model/run.ts';
import type { Progress } from '../report/progress.ts';

export const OPTIONS = {
  out: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
  watch: { type: 'boolean', short: 'w' },
  port: { type: 'string', short: 'p' },
  title: { type: 'string', short: 't' },
  name: { type: 'string', short: 'n' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export type Options = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** What a command is given: its arguments, the run it belongs to, and where it reports. */
export interface CommandContext {
  command: string;
  /** The arguments after the command name. */
  args: string[];
  options: Options;
  progress: Progress;
  run: RunContext;
  /**
   * The CLI itself, for the build server to run its clients' commands with (handed down so
   * that no module below the CLI imports it).
   */
  cli: (argv: readonly string[], run: RunContext) => Promise<number>;
}
