import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeWhole } from './files.ts';

/**
 * Work mudran keeps between runs lives in the temporary folder ($TMPDIR/mudran-<kind>/), each
 * entry named by a hash of everything it depends on, so a stale entry is never used; a fresh
 * TMPDIR gives a cold run.
 */
export function cacheFolder(kind: string): string {
  return path.join(os.tmpdir(), `mudran-${kind}`);
}

/** The cache entry `name` of a kind (`check`, `fonts`, `covers`). */
export function cachePath(kind: string, name: string): string {
  return path.join(cacheFolder(kind), name);
}

/** A cache entry's bytes, or undefined when there is none (or it cannot be read). */
export async function readCached(file: string): Promise<Buffer | undefined> {
  return readFile(file).catch(() => undefined);
}

/** Writes a cache entry whole (see writeWhole); a cache that cannot be written only costs time. */
export async function keepCached(file: string, bytes: Uint8Array | string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeWhole(file, bytes);
  } catch {
    // the next run does the work again
  }
}
