import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_FACE, FACES } from '../../src/fonts/faces.ts';
import { FONT_STACKS } from '../../src/fonts/stack.ts';
import { TEMPLATES_DIR } from '../../src/model/paths.ts';

/** The @font-face rules of a stylesheet as faces. */
async function declared(name: string) {
  const css = await readFile(path.join(TEMPLATES_DIR, name), 'utf8');
  return [...css.matchAll(/@font-face\s*\{([^}]*)\}/g)].map(([, body]) => ({
    family: /font-family:\s*'([^']+)'/.exec(body ?? '')?.[1],
    weight: /font-weight:\s*(\w+)/.exec(body ?? '')?.[1],
    style: /font-style:\s*(\w+)/.exec(body ?? '')?.[1],
    file: /url\('fonts\/([^']+)'\)/.exec(body ?? '')?.[1],
  }));
}

describe('the shipped faces, one list', () => {
  it('are exactly what the print and EPUB stylesheets declare', async () => {
    const faces = FACES.map(({ family, weight, style, file }) => ({ family, weight, style, file }));
    const { family, weight, style, file } = CODE_FACE;
    // The print also has the monospace face of code; the EPUB sets code in the book's faces.
    expect(await declared('fonts.css')).toEqual([...faces, { family, weight, style, file }]);
    expect(await declared('epub.css')).toEqual(faces);
  });

  it('give each style the face Chromium draws it with: emphasis is bold Devanagari and true italic Latin', () => {
    for (const style of ['italic', 'boldItalic'] as const) {
      expect(FONT_STACKS[style].map((face) => face.file)).toEqual([
        'NotoSerifDevanagari-Bold.ttf',
        'NotoSerif-Italic.ttf',
      ]);
    }
  });
});
