import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { splitChapters, type Book } from './book.ts';
import type { FrontMatterDefaults } from './config/schema.ts';
import { transformManuscript } from './pipeline/index.ts';
import { hasErrors } from './pipeline/messages.ts';
import { EnvironmentError } from './errors.ts';

export { EnvironmentError };

/** Reads a manuscript file as UTF-8 text; unreadable paths are environment errors. */
export async function readManuscript(filePath: string): Promise<VFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (code ?? 'unreadable');
    throw new EnvironmentError(`${filePath}: cannot read manuscript (${why})`);
  }
  return new VFile({ path: filePath, value: bytes.toString('utf8') });
}

/**
 * Runs the pipeline on a manuscript. Returns the book when it has no errors;
 * the messages (errors and warnings) are on `file` either way.
 */
export async function checkManuscript(file: VFile, defaults?: FrontMatterDefaults): Promise<Book | undefined> {
  const tree = await transformManuscript(file, defaults);
  const matter = file.data.matter;
  if (hasErrors(file) || !matter) return undefined;
  return {
    name: path.basename(file.path, path.extname(file.path)),
    matter,
    tree,
    chapters: splitChapters(tree, matter.title),
  };
}
