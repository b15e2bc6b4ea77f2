import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CommandContext } from '../context.ts';
import { EnvironmentError, UsageError } from '../../model/errors.ts';
import { resolveIn } from '../../model/run.ts';
import { readPlainText, toMarkdown, withoutDateline } from '../../input/import-text.ts';
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
  const title = context.options.title ?? imported.title ?? withoutDateline(firstSentence(imported.tree));
  const full = resolveIn(context.run, source);
  // A temporary file's name says nothing about where the text came from.
  const matter = { title, date: today(), lang: 'hi', ...(isTemporary(full) ? {} : { source: path.basename(source) }) };
  const name = context.options.name ?? path.basename(source, path.extname(source));
  // Every value quoted: a colon in a title (मॉस्को: …) never breaks the YAML.
  const yaml = stringify(matter, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
  const target = await writeNewManuscript(
    context,
    name,
    context.options.out,
    `---\n${yaml}---\n\n${toMarkdown(imported.tree)}`,
  );
  for (const { line, text: dropped } of imported.dropped) {
    context.progress.say(`${source}:${line}: dropped share-widget line “${dropped}”`);
  }
  const headings = imported.tree.children.filter((node) => node.type === 'heading').length;
  const paragraphs = imported.tree.children.length - headings;
  context.progress.say(
    `wrote ${target} (${paragraphs} paragraph${paragraphs === 1 ? '' : 's'}, ${headings} heading${headings === 1 ? '' : 's'}); check its title`,
  );
  context.progress.say(`next: mudran check ${target}, then mudran build ${target} (or make)`);
  return 0;
}

/** Whether a file is a temporary one: named as mktemp names files (`tmp.Xy12ab`), or a pipe (`/dev/fd/63`). */
function isTemporary(file: string): boolean {
  return /^(?:\/dev\/|\/proc\/)/.test(file) || /^tmp[._-]?[A-Za-z0-9]{6,}(?:\.\w+)?$/.test(path.basename(file));
}
/** The text up to the first danda or full stop, as a stand-in title. */
function firstSentence(tree: ReturnType<typeof readPlainText>['tree']): string {
  const first = tree.children[0];
  const text = first?.type === 'paragraph' && first.children[0]?.type === 'text' ? first.children[0].value : '';
  const sentence = /^[^।॥.!?]+/u.exec(text)?.[0].trim() ?? '';
  if (sentence === '') throw new UsageError('the text is empty: nothing to import');
  return sentence;
}
