import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file whole: into a hidden temporary file next to it, then renamed over it, so a
 * failed or killed run never leaves half a file. The temporary name is unique (process and
 * random suffix), so runs writing the same file at once never write into each other's
 * temporary file; the last rename wins with a whole file. Throws what the file system said.
 */
export async function writeWhole(target: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
