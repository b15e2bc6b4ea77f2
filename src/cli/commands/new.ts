import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CommandContext } from '../context.ts';
import { EnvironmentError, UsageError } from '../../model/errors.ts';
import { resolveIn } from '../../model/run.ts';

/** `mudran new NAME`: a manuscript with its front matter filled in, ready to `check`. */
export async function newManuscript(context: CommandContext): Promise<number> {
  const [name, ...rest] = context.args;
  if (name === undefined || rest.length > 0) throw new UsageError('new takes one NAME');
  const matter = { title: context.options.title ?? name, date: today(), lang: 'hi' };
  const target = await writeNewManuscript(
    context,
    name,
    context.options.out,
    `---\n${stringify(matter, { lineWidth: 0 })}` +
      '# author: लेखक का नाम\n# publisher: प्रकाशक\n# subtitle: उपशीर्षक\n# source: मूल स्रोत\n' +
      '---\n\nपहला अनुच्छेद यहाँ लिखें।\n',
  );
  context.progress.say(`wrote ${target}`);
  context.progress.say(`next: write in it, then mudran check ${target} and mudran build ${target} (or make)`);
  return 0;
}

/** Writes `DIR/NAME.md` (DIR defaults to manuscript/) in the run's folder, never over an existing file. */
export async function writeNewManuscript(
  context: CommandContext,
  name: string,
  dir: string | undefined,
  text: string,
): Promise<string> {
  if (!/^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}_-]*$/u.test(name)) {
    throw new UsageError(`'${name}' is not a manuscript name, expected letters, digits, - and _`);
  }
  const target = path.join(dir ?? 'manuscript', `${name}.md`);
  try {
    await mkdir(path.dirname(resolveIn(context.run, target)), { recursive: true });
    await writeFile(resolveIn(context.run, target), text, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${target} exists already; remove it or choose another --out`);
    throw new EnvironmentError(`cannot write ${target}: ${(error as Error).message}`);
  }
  return target;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
