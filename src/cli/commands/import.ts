import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CommandContext } from '../context.ts';
import { EnvironmentError, UsageError } from '../../model/errors.ts';
import { resolveIn } from '../../model/run.ts';
import { readPlainText, toMarkdown } from '../../input/import-text.ts';
import { today, writeNewManuscript } from './new.ts';

/** `mudran import FILE.txt`: a plain-text article becomes manuscript/NAME.md. */
export async function importText(context: CommandContext): Promise<number> {
  const [source, ...rest] = context.args;
  if (source === undefined || rest.length > 0) throw new UsageError('import takes one FILE.txt');
  let text: string;
  try {
    text = await readFile(resolveIn(context.run, source), 'utf8');
  } catch (error) {
    throw new EnvironmentError(`${source}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const imported = readPlainText(text);
  const title = context.options.title ?? imported.title ?? firstSentence(imported.tree);
  const matter = { title, date: today(), lang: 'hi', source: path.basename(source) };
  const name = path.basename(source, path.extname(source));
  const target = await writeNewManuscript(
    context,
    name,
    context.options.out,
    `---\n${stringify(matter, { lineWidth: 0 })}---\n\n${toMarkdown(imported.tree)}`,
  );
  for (const { line, text: dropped } of imported.dropped) {
    context.progress.say(`${source}:${line}: dropped share-widget line “${dropped}”`);
  }
  const headings = imported.tree.children.filter((node) => node.type === 'heading').length;
  const paragraphs = imported.tree.children.length - headings;
  context.progress.say(
    `wrote ${target} (${paragraphs} paragraph${paragraphs === 1 ? '' : 's'}, ${headings} heading${headings === 1 ? '' : 's'}); check its title`,
  );
  return 0;
}

/** The text up to the first danda or full stop, as a stand-in title. */
function firstSentence(tree: ReturnType<typeof readPlainText>['tree']): string {
  const first = tree.children[0];
  const text = first?.type === 'paragraph' && first.children[0]?.type === 'text' ? first.children[0].value : '';
  const sentence = /^[^।॥.!?]+/u.exec(text)?.[0].trim() ?? '';
  if (sentence === '') throw new UsageError('the text is empty: nothing to import');
  return sentence;
}
