import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Work mudran keeps between runs lives in the temporary folder ($TMPDIR/mudran-<kind>/), each
 * entry named by a hash of everything it depends on, so a stale entry is never used; a fresh
 * TMPDIR gives a cold run.
 */
export function cachePath(kind: string, name: string): string {
  return path.join(os.tmpdir(), `mudran-${kind}`, name);
}

/** A cache entry's bytes, or undefined when there is none (or it cannot be read). */
export async function readCached(file: string): Promise<Buffer | undefined> {
  return readFile(file).catch(() => undefined);
}

/**
 * Writes a cache entry whole: a unique temporary name, then renamed, so runs writing the same
 * entry at once never see half a file. A cache that cannot be written only costs time.
 */
export async function keepCached(file: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true });
  }
}
