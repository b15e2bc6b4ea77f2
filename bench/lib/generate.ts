import { readFile, writeFile } from 'node:fs/promises';
import { VFile } from 'vfile';
import { transformManuscript, toHtmlString } from '../../src/pipeline/index.ts';
import { ARTICLE } from './measure.ts';

/** The article's body (after its front matter). */
export async function articleBody(): Promise<string> {
  return (await readFile(ARTICLE, 'utf8')).replace(/^---\n[\s\S]*?\n---\n/, '').trim();
}

/** A long manuscript: `chapters` chapters, each a `#` heading and the article's text. */
export async function longManuscript(target: string, chapters: number): Promise<number> {
  const body = await articleBody();
  const parts = ['---', 'title: लंबी किताब', 'author: समाचार डेस्क', 'lang: hi', '---', ''];
  for (let chapter = 1; chapter <= chapters; chapter++) parts.push(`# अध्याय ${chapter}`, '', body, '');
  const text = parts.join('\n');
  await writeFile(target, text);
  return text.split(/\s+/).filter(Boolean).length;
}

/** The manuscript as a plain HTML page (no stylesheet), for the bare Chromium baseline. */
export async function plainHtml(manuscript: string, target: string): Promise<void> {
  const file = new VFile({ path: manuscript, value: await readFile(manuscript, 'utf8') });
  const tree = await transformManuscript(file);
  const title = file.data.matter?.title ?? '';
  await writeFile(
    target,
    `<!doctype html><html lang="hi"><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body>${toHtmlString(tree)}</body></html>\n`,
  );
}
