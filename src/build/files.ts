import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
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

/**
 * Makes `folder` and its missing parents one level at a time, top-down, and gives the folders
 * it made (to remove again if nothing is written into them). Unlike Node's recursive mkdir,
 * which loops for good where a parent exists but refuses children (`/proc/nope`), each level
 * is tried once: the first that fails throws what the file system said.
 */
export async function makeFolder(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info) {
      if (!info.isDirectory()) throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  const made: string[] = [];
  for (const level of missing) {
    try {
      await mkdir(level);
      made.push(level);
    } catch (error) {
      // Another run may have made it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return made;
}

/** Removes the folders makeFolder made, deepest first, as long as they are still empty. */
export async function removeEmptyFolders(made: readonly string[]): Promise<void> {
  for (const level of [...made].reverse())
    if (
      !(await rmdir(level).then(
        () => true,
        () => false,
      ))
    )
      return;
}
