import type { CommandContext } from '../context.ts';
import type { StageTiming } from '../../build/run.ts';
import { checkManuscript, readManuscript } from '../../input/manuscript.ts';
import { finish, manuscriptPaths, projectConfig } from './common.ts';

/** `mudran check`: every check, nothing rendered. */
export async function check(context: CommandContext): Promise<number> {
  const started = performance.now();
  const paths = await manuscriptPaths(context);
  const { config, files: configFiles } = await projectConfig(context);
  if (!config) return finish(context, { files: configFiles, started });
  const timings: StageTiming[] = [];
  const files = await Promise.all(
    paths.map(async (filePath) => {
      const file = await readManuscript(filePath, context.run.cwd);
      const start = performance.now();
      await checkManuscript(file, config.defaults);
      const timing: StageTiming = { stage: 'check', file: filePath, ms: performance.now() - start };
      timings.push(timing);
      context.progress.stage(timing);
      return file;
    }),
  );
  return finish(context, { files: [...configFiles, ...files], timings, started });
}
