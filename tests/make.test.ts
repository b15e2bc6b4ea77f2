import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { png } from './designer-book.ts';
import { ROOT, copyMudran } from './tools.ts';

const exec = promisify(execFile);

/** `make` in a copy of mudran; its node_modules are the real ones, linked, never reinstalled. */
async function make(copy: string): Promise<string> {
  const { stdout } = await exec('make', ['-C', copy, '-o', 'node_modules/.package-lock.json'], {
    env: { ...process.env, MUDRAN_SERVER: '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

describe('make', () => {
  it('rebuilds the books when a picture they use or the config changes, and only then', async () => {
    const copy = await copyMudran();
    await copyFile(path.join(ROOT, 'Makefile'), path.join(copy, 'Makefile'));
    await cp(path.join(ROOT, 'package-lock.json'), path.join(copy, 'package-lock.json'));
    await mkdir(path.join(copy, 'manuscript', 'images'), { recursive: true });
    const picture = path.join(copy, 'manuscript', 'images', 'pic.png');
    await writeFile(picture, png(400, 200));
    await writeFile(
      path.join(copy, 'manuscript', 'pic.md'),
      '---\ntitle: चित्र\n---\n\nपहले पाठ।\n\n![एक चित्र](images/pic.png "एक चित्र")\n',
    );
    const epub = path.join(copy, 'dist', 'pic.epub');
    const pictureIn = async () =>
      Buffer.from(
        await (await JSZip.loadAsync(await readFile(epub))).file('OEBPS/images/image-1.png')!.async('uint8array'),
      );
    expect(await make(copy)).toMatch(/bin\/mudran build/);
    expect((await pictureIn()).equals(png(400, 200))).toBe(true);
    const built = (await stat(epub)).mtimeMs;
    // Nothing changed: nothing is built.
    expect(await make(copy)).not.toMatch(/bin\/mudran build/);
    expect((await stat(epub)).mtimeMs).toBe(built);
    // A new picture under the same name: the book is built again, with it.
    await writeFile(picture, png(500, 250));
    expect(await make(copy)).toMatch(/bin\/mudran build/);
    expect((await pictureIn()).equals(png(500, 250))).toBe(true);
    // The project's config: a new field default reaches every book.
    await writeFile(path.join(copy, 'mudran.config.json'), '{ "defaults": { "publisher": "नया प्रकाशन" } }\n');
    expect(await make(copy)).toMatch(/bin\/mudran build/);
    const opf = await (await JSZip.loadAsync(await readFile(epub))).file(/\.opf$/)[0]!.async('string');
    expect(opf).toContain('नया प्रकाशन');
  });
});
