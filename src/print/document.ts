import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'hast';
import { h } from 'hastscript';
import { withoutBackLinks, type Book } from '../model/book.ts';
import { TEMPLATES_DIR } from '../model/paths.ts';
import { authorsOf, type FrontMatter } from '../model/front-matter.ts';
import { toHtmlString } from '../pipeline/index.ts';
import { bookBody, bookPageStyle, cssString, withPrintedImageSizes, type BookPlan } from './layout.ts';
import { escapeMarkup } from '../model/escape.ts';
import { bookDate } from '../model/dates.ts';

export type PrintLayout = 'book' | 'handout';

/** The title block (title, subtitle, author, publisher, date) as an HTML tree. */
export function titleBlock(matter: FrontMatter, layout: PrintLayout | 'epub'): Root {
  const authors = authorsOf(matter).join(', ');
  const date = matter.date ? bookDate(matter.date, matter.lang, matter.digits) : undefined;
  const children =
    layout === 'handout'
      ? [
          h('h1', matter.title),
          matter.subtitle ? h('p.subtitle', matter.subtitle) : undefined,
          h('p.byline', [authors, matter.publisher, date].filter(Boolean).join(' · ')),
        ]
      : [
          h('h1', matter.title),
          matter.subtitle ? h('p.subtitle', matter.subtitle) : undefined,
          authors ? h('p.author', authors) : undefined,
          // The publisher and the date stand at the foot of the title page.
          matter.publisher || date
            ? h('div.title-foot', [
                matter.publisher ? h('p.publisher', matter.publisher) : undefined,
                date ? h('p.date', date) : undefined,
              ])
            : undefined,
        ];
  return { type: 'root', children: children.filter((node) => node !== undefined) };
}

/** The book's HTML page for one print of it (see BookPlan). */
export async function bookDocument(book: Book, plan: BookPlan): Promise<string> {
  const { matter } = book;
  return fillTemplate(await readTemplate('book'), {
    lang: escapeMarkup(matter.lang),
    title: escapeMarkup(matter.title),
    pageStyle: bookPageStyle(book, plan),
    titleBlock: toHtmlString(titleBlock(matter, 'book')),
    body: toHtmlString(bookBody(book, plan)),
    projectStyle: projectStyle(book),
  });
}

/** The handout's HTML page. */
export async function handoutDocument(book: Book): Promise<string> {
  const { matter } = book;
  return fillTemplate(await readTemplate('handout'), {
    lang: escapeMarkup(matter.lang),
    title: escapeMarkup(matter.title),
    titleBlock: toHtmlString(titleBlock(matter, 'handout')),
    body: toHtmlString(withPrintedImageSizes(withoutBackLinks(book.tree), book.imageSizes)),
    headerLeft: cssString(matter.title),
    headerRight: cssString(matter.source ?? matter.publisher ?? ''),
    digits: matter.digits === 'devanagari' ? 'devanagari' : 'decimal',
    projectStyle: projectStyle(book),
  });
}

/** The project's stylesheet as a `<style>` after mudran's own; `</` cannot end it early. */
function projectStyle(book: Book): string {
  const css = book.styles?.print;
  return css ? `<style>\n${css.replaceAll('</', '<\\/')}\n</style>` : '';
}

async function readTemplate(layout: PrintLayout): Promise<string> {
  return readFile(path.join(TEMPLATES_DIR, `${layout}.html`), 'utf8');
}

/** Replaces each `{{name}}` with its (already escaped) value; an unknown name is a template bug. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template names {{${name}}}, which mudran does not provide`);
    return value;
  });
}
