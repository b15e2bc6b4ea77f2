import { lstat, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cacheFolder } from '../build/cache.ts';
import { EnvironmentError } from '../model/errors.ts';

/**
 * A profile folder for one Chromium: $TMPDIR/mudran-UID/chrome/PID-XXXXXX, in this user's
 * private folder (undefined when that cannot be had: puppeteer then makes its own). Profiles a
 * crashed or killed run left behind (their process is gone) are removed first, so what a run
 * created is gone on the next run at the latest.
 */
export async function newProfile(): Promise<string | undefined> {
  const folder = await cacheFolder('chrome');
  if (!folder) return undefined;
  await removeStaleProfiles(folder);
  try {
    return await mkdtemp(path.join(folder, `${process.pid}-`));
  } catch (error) {
    throw new EnvironmentError(
      `cannot make the browser's profile folder in ${folder}: ${(error as Error).message} (free some space there, or set TMPDIR to another folder)`,
    );
  }
}

async function removeStaleProfiles(folder: string): Promise<void> {
  const entries = await readdir(folder).catch(() => []);
  await Promise.all(
    entries.map(async (entry) => {
      const pid = Number(/^(\d+)-/.exec(entry)?.[1]);
      if (!pid || running(pid)) return;
      await removeProfile(path.join(folder, entry));
    }),
  );
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a profile and the folder of Chromium's singleton socket, which Chromium keeps in the
 * temporary folder (the profile links to it) and may leave behind when signalled; that folder
 * only when it is this user's, directly in the temporary folder.
 */
export async function removeProfile(profile: string): Promise<void> {
  const socket = await readlink(path.join(profile, 'SingletonSocket')).catch(() => undefined);
  const folders = [profile];
  if (socket) {
    const socketFolder = path.dirname(socket);
    const info = await lstat(socketFolder).catch(() => undefined);
    if (
      path.dirname(socketFolder) === path.resolve(os.tmpdir()) &&
      info?.isDirectory() &&
      info.uid === process.getuid?.()
    )
      folders.push(socketFolder);
  }
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true, maxRetries: 3 })));
}
