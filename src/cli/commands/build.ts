import type { CommandContext } from '../context.ts';
import { buildManuscripts, type StageTiming } from '../../build/run.ts';
import { UsageError } from '../../model/errors.ts';
import { sourceDate } from '../../model/run.ts';
import { browserSettings } from '../../print/settings.ts';
import { DEFAULT_FORMATS, FORMATS, type Format } from '../../model/formats.ts';
import type { JsonReport } from '../../report/messages.ts';
import type { BrowserSession } from '../../print/browser.ts';
import { finish, manuscriptPaths, projectConfig } from './common.ts';

/** `mudran build`: check, then write every output; with --watch, again on each change. */
export async function build(context: CommandContext): Promise<number> {
  const { options } = context;
  if (options.out === '') throw new UsageError('--out needs a folder');
  const paths = await manuscriptPaths(context);
  const formats = options.format === undefined ? undefined : parseFormats(options.format);
  // Inside a build server its browser serves every build.
  if (!options.watch) return buildOnce(context, paths, formats, context.run.browser);
  // One Chromium for the whole session: a rebuild after a save needs no browser start, and
  // finds its tabs open and its modules loaded.
  const { BrowserSession } = await import('../../print/browser.ts');
  const browser = new BrowserSession(browserSettings(context.run.env));
  try {
    const code = await buildOnce(context, paths, formats, browser);
    const { watchSources } = await import('../../build/watch.ts');
    await watchSources(
      paths,
      context.run.cwd,
      async (changed) => {
        await buildOnce(context, changed, formats, browser);
      },
      { onReady: () => context.progress.say('watching for changes (Ctrl-C stops)') },
    );
    return code;
  } finally {
    await browser.close();
  }
}

/** One build of `paths` with the project's config; its exit code. */
export async function buildOnce(
  context: CommandContext,
  paths: readonly string[],
  formats: Format[] | undefined,
  browser?: BrowserSession,
): Promise<number> {
  const started = performance.now();
  const { config, styles, files: configFiles } = await projectConfig(context);
  if (!config) return finish(context, { files: configFiles, started });
  const chosen = formats ?? config.formats ?? DEFAULT_FORMATS;
  const { progress } = context;
  const timings: StageTiming[] = [];
  const outputs: JsonReport['outputs'] = [];
  progress.expect(paths.length * chosen.length);
  const results = await buildManuscripts(paths, {
    cwd: context.run.cwd,
    date: sourceDate(context.run.env),
    browserSettings: browserSettings(context.run.env),
    outDir: context.options.out ?? config.out ?? 'dist',
    formats: chosen,
    ...(config.defaults ? { defaults: config.defaults } : {}),
    ...(styles ? { styles } : {}),
    ...(browser ? { browser } : {}),
    onStage: (timing) => {
      timings.push(timing);
      progress.stage(timing);
    },
    onOutput: (output, manuscript) => {
      outputs.push({ manuscript, ...output });
      progress.output(output, manuscript);
    },
  });
  progress.finish();
  return finish(context, { files: [...configFiles, ...results.map(({ file }) => file)], outputs, timings, started });
}

function parseFormats(list: string): Format[] {
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
