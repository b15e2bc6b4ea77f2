import { createHash } from 'node:crypto';
import { constants, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeWhole } from './files.ts';
import { privateFolder } from './private-folder.ts';

/** What mudran keeps between runs: checked words, EPUB font subsets, covers, Chromium profiles. */
export type CacheKind = 'check' | 'fonts' | 'covers' | 'chrome';

/** The digest every entry carries after its bytes (SHA-256). */
const DIGEST_BYTES = 32;
/** No entry mudran writes comes near this; a larger file is not read at all. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

/**
 * Work kept between runs lives in this user's own folder, $TMPDIR/mudran-UID/KIND/, each level
 * made 0700 and checked (see privateFolder) before every use, so no other user can plant,
 * replace or read an entry. Each entry is named by a hash of everything it depends on, so a
 * stale entry is never used, and ends with the SHA-256 of its bytes, so a damaged or
 * truncated one is rebuilt, never trusted. A fresh TMPDIR gives a cold run.
 *
 * When the folder cannot be had (another user made it first, say), the run works without a
 * cache: it only costs time, and the run says so once (see cacheNotice).
 */
export async function cacheFolder(kind: CacheKind): Promise<string | undefined> {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const top = await privateFolder(path.join(os.tmpdir(), `mudran-${uid}`));
  const found = 'folder' in top ? await privateFolder(path.join(top.folder, kind)) : top;
  if ('folder' in found) return found.folder;
  problem = found.problem;
  return undefined;
}

let problem: string | undefined;

/**
 * Why this process has worked without its caches, if it has: a warning for the end of the run
 * (then forgotten, so each run of a build server says it once).
 */
export function cacheNotice(): string | undefined {
  const said = problem;
  problem = undefined;
  return said && `caches are off: ${said}; remove it or set TMPDIR to a folder of your own`;
}

/**
 * A cache entry's bytes, or undefined when there is none or it is not one this user wrote
 * whole: a link, not a regular file, someone else's, or bytes that do not match their digest.
 */
export async function readCached(kind: CacheKind, name: string): Promise<Buffer | undefined> {
  const folder = await cacheFolder(kind);
  if (!folder) return undefined;
  let handle;
  try {
    // Not through a link, and never waiting on a FIFO someone put in its place.
    handle = await open(path.join(folder, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.uid !== process.getuid?.() || info.size <= DIGEST_BYTES || info.size > MAX_ENTRY_BYTES)
      return undefined;
    const entry = await handle.readFile();
    const bytes = entry.subarray(0, entry.length - DIGEST_BYTES);
    return digest(bytes).equals(entry.subarray(entry.length - DIGEST_BYTES)) ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Keeps a cache entry, written whole (see writeWhole) with its digest; a failure only costs time. */
export async function keepCached(kind: CacheKind, name: string, bytes: Uint8Array | string): Promise<void> {
  const folder = await cacheFolder(kind);
  if (!folder) return;
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  try {
    await writeWhole(path.join(folder, name), Buffer.concat([body, digest(body)]));
  } catch {
    // the next run does the work again
  }
}

function digest(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}
