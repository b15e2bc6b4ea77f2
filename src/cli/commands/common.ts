import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { CommandContext } from '../context.ts';
import { loadConfig, type Config, type ProjectStyles } from '../../input/config.ts';
import { UsageError } from '../../model/errors.ts';
import { resolveIn } from '../../model/run.ts';
import { countMessages, formatMessages, jsonReport, type JsonReport } from '../../report/messages.ts';
import type { StageTiming } from '../../build/run.ts';
import { cacheNotice } from '../../build/cache.ts';

/** The named files, or every `manuscript/*.md` of the run's folder when none is named. */
export async function manuscriptPaths(context: CommandContext): Promise<string[]> {
  if (context.args.length > 0) return context.args;
  let entries: string[];
  try {
    entries = await readdir(resolveIn(context.run, 'manuscript'));
  } catch {
    throw new UsageError('no FILE given and no manuscript/ folder here');
  }
  const found = entries.filter((entry) => entry.endsWith('.md')).sort();
  if (found.length === 0) throw new UsageError('no FILE given and manuscript/ has no .md file');
  return found.map((entry) => path.join('manuscript', entry));
}

/** The project's config (mudran.config.json in the run's folder) and its file, if any. */
export async function projectConfig(
  context: CommandContext,
): Promise<{ config?: Config; styles?: ProjectStyles; files: VFile[] }> {
  const loaded = await loadConfig(context.run.cwd);
  return {
    ...(loaded.config ? { config: loaded.config } : {}),
    ...(loaded.styles ? { styles: loaded.styles } : {}),
    files: loaded.file ? [loaded.file] : [],
  };
}

export interface RunResult {
  files: readonly VFile[];
  outputs?: JsonReport['outputs'];
  timings?: readonly StageTiming[];
  started: number;
}

/**
 * Ends a check or build: every message and a summary line on stderr, or the JSON report
 * on stdout; exit 1 when anything has errors.
 */
export function finish(context: CommandContext, result: RunResult): number {
  const { errors, warnings } = countMessages(result.files);
  const exitCode = errors > 0 ? 1 : 0;
  // The environment's, not a manuscript's: said once per run, even with --json or --quiet.
  const notice = cacheNotice();
  if (notice) context.run.stderr.write(`mudran: warning: ${notice}\n`);
  if (context.options.json) {
    const report = jsonReport({
      command: context.command,
      exitCode,
      files: result.files,
      outputs: result.outputs ?? [],
      timings: result.timings ?? [],
      totalMs: performance.now() - result.started,
    });
    context.run.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return exitCode;
  }
  const { progress } = context;
  for (const file of result.files) {
    for (const line of formatMessages(file, (text, code) => progress.paint(text, code))) progress.say(line);
  }
  if (errors > 0 || warnings > 0) {
    progress.say(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  }
  return exitCode;
}
