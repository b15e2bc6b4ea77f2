import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { splitChapters } from '../src/model/book.ts';
import { checkManuscript, readManuscript } from '../src/input/manuscript.ts';
import { transformManuscript } from '../src/pipeline/index.ts';
import { toXhtml } from '../src/epub/xhtml.ts';
import { ROOT, tempDir } from './tools.ts';

// Random manuscripts: Devanagari letters, marks, virama, nukta and joiners mixed with
// Markdown syntax and raw HTML. Whatever comes in, the pipeline must finish quickly,
// never throw, and hand the EPUB well-formed XHTML with nothing that can run.
const devanagari = fc.constantFrom(
  ...'कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहअआइईउऊऋएऐओऔ'.split(''),
  ...'ािीुूृेैोौंःँ़्'.split(''),
  '\u200d',
  '\u200c',
  '\u25cc',
  '।',
  '॥',
  '०',
  '९',
  ' ',
);
const syntax = fc.constantFrom(
  '\n',
  '\n\n',
  '# ',
  '## ',
  '> ',
  '- ',
  '1. ',
  '*',
  '_',
  '`',
  '```\n',
  '[',
  '](',
  ')',
  '![',
  '|',
  '|---|\n',
  '[^1]',
  '[^1]: ',
  '\\',
  '&amp;',
  '&#x0;',
  '<',
  '>',
  '<b>',
  '</b>',
  '<div>',
  '</div>',
  '<script>x()</script>',
  '<img src="a.png" onerror="x()">',
  '<a href="javascript:x()">',
  '<!--',
  '-->',
  '<![CDATA[',
  '<svg><script>x()</script></svg>',
  '<p style="x">',
  ']]>',
  '<?xml?>',
  '&',
  '"',
  "'",
);
const body = fc
  .array(fc.oneof(devanagari, syntax, fc.string({ maxLength: 3 })), { maxLength: 200 })
  .map((parts) => parts.join(''));

const URL_ATTRIBUTES = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'poster', 'data', 'srcset']);

/**
 * What in the markup could run: a script-capable element, an event-handler attribute, or a
 * script URL in an attribute that loads or links. Text and other attribute values (an image's
 * alt may quote `onerror=` or `javascript:`) are escaped and only shown, so they do not count.
 */
function executableMarkup(xhtml: string): string[] {
  const problems: string[] = [];
  // Text is escaped (`<` becomes `&#x3C;`), so every literal `<` opens a tag; a quoted value may hold `>`.
  for (const [tag, name = '', attributes = ''] of xhtml.matchAll(/<\/?([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    if (/^(script|svg|iframe|object|embed|math|form|base|meta|link|style)$/i.test(name)) problems.push(`<${name}>`);
    for (const [, attribute = '', quoted, single, bare] of attributes.matchAll(
      /([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g,
    )) {
      const value = (quoted ?? single ?? bare ?? '').replace(/&#x([0-9a-f]+);/gi, (_, hex: string) =>
        String.fromCodePoint(parseInt(hex, 16)),
      );
      if (/^on/i.test(attribute)) problems.push(`event handler ${attribute} in ${tag}`);
      if (URL_ATTRIBUTES.has(attribute.toLowerCase()) && /^\s*(javascript|vbscript|data:text\/html)/i.test(value)) {
        problems.push(`script URL in ${tag}`);
      }
    }
  }
  return problems;
}

describe('random manuscripts', () => {
  it('never crash the pipeline, and every chapter is well-formed XHTML without script', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const file = new VFile({ path: '/nowhere/book.md', value: `---\ntitle: परीक्षा\n---\n\n${text}\n` });
        const tree = await transformManuscript(file);
        for (const chapter of splitChapters(tree, 'परीक्षा')) {
          const xhtml = toXhtml(chapter.tree);
          const wellFormed = XMLValidator.validate(`<body xmlns="http://www.w3.org/1999/xhtml">${xhtml}</body>`);
          expect(wellFormed, xhtml).toBe(true);
          for (const problem of executableMarkup(xhtml)) expect.fail(`${problem} in ${xhtml}`);
        }
      }),
      { numRuns: 300, interruptAfterTimeLimit: 60_000 },
    );
  });

  it('turn random bytes into a book or messages, never an exception', async () => {
    const folder = await tempDir();
    const input = path.join(folder, 'book.md');
    const prefix = new TextEncoder().encode('---\ntitle: परीक्षा\n---\n\n');
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (withFrontMatter, bytes) => {
        await writeFile(input, withFrontMatter ? Buffer.concat([prefix, bytes]) : bytes);
        const file = await readManuscript(input, ROOT);
        const book = await checkManuscript(file);
        expect(book !== undefined || file.messages.some((message) => message.fatal === true)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
