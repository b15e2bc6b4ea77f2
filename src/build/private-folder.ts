import { lstat, mkdir } from 'node:fs/promises';

/** A folder only this user can enter, or why it cannot be had. */
export type PrivateFolder = { folder: string } | { problem: string };

/**
 * Makes `folder` with mode 0700 if it is not there, and checks that it is this user's own: a
 * real folder (not a link), owned by this user, that nobody else can enter or write. A folder
 * another user made first (on a shared /tmp anyone can) is refused, never used or changed.
 */
export async function privateFolder(folder: string): Promise<PrivateFolder> {
  const uid = process.getuid?.();
  if (uid === undefined) return { problem: 'this system has no user ids to check a folder by' };
  try {
    await mkdir(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      return { problem: `cannot create ${folder}: ${(error as Error).message}` };
    }
  }
  const info = await lstat(folder).catch(() => undefined);
  if (!info) return { problem: `cannot read ${folder}` };
  if (info.isSymbolicLink()) return { problem: `${folder} is a symbolic link` };
  if (!info.isDirectory()) return { problem: `${folder} is not a folder` };
  if (info.uid !== uid) return { problem: `${folder} belongs to another user (uid ${info.uid})` };
  if ((info.mode & 0o077) !== 0) {
    return { problem: `${folder} can be entered by other users (mode ${(info.mode & 0o777).toString(8)})` };
  }
  return { folder };
}
