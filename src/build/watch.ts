import { readdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../input/config.ts';
import { FONTS_DIR, TEMPLATES_DIR } from '../model/paths.ts';

/**
 * Calls `onChange` with the manuscripts a saved change touches: the saved manuscript, or all
 * of them when a template, a font or the config file changed. Folders are watched rather than
 * files, because editors often save by writing a new file and renaming it over the old one.
 * Changes arriving while `onChange` runs are gathered into one more call. Resolves on SIGINT
 * or SIGTERM, or when `signal` aborts; `onReady` is called once every watcher is in place
 * (the CLI says it is watching then, not before, so no save in between is missed). Manuscripts are relative to `cwd`, the run's folder,
 * where the config file is watched too.
 */
export async function watchSources(
  manuscripts: readonly string[],
  cwd: string,
  onChange: (changed: string[]) => Promise<void>,
  { signal, onReady }: { signal?: AbortSignal; onReady?: () => void } = {},
): Promise<void> {
  const pending = new Set<string>();
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (running || pending.size === 0) return;
    const changed = [...pending];
    pending.clear();
    running = onChange(changed).finally(() => {
      running = undefined;
      flush();
    });
  };
  // Editors write a file in several steps; one call for the burst.
  const touched = (changed: readonly string[]): void => {
    for (const file of changed) pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(flush, 50);
  };

  const watchers: FSWatcher[] = [];
  const folders = new Map<string, string[]>();
  for (const manuscript of manuscripts) {
    const folder = path.dirname(path.resolve(cwd, manuscript));
    folders.set(folder, [...(folders.get(folder) ?? []), manuscript]);
  }
  for (const [folder, inFolder] of folders) {
    watchers.push(
      watch(folder, (_, name) => {
        const hit = inFolder.filter((manuscript) => path.basename(manuscript) === name);
        if (hit.length > 0) touched(hit);
        else if (name === CONFIG_FILE && folder === cwd) touched(manuscripts);
      }),
    );
  }
  if (!folders.has(cwd)) {
    watchers.push(watch(cwd, (_, name) => name === CONFIG_FILE && touched(manuscripts)));
  }
  // Every folder of templates/ and fonts/ (templates/epub/ holds the EPUB's templates), each
  // watched by itself: Node 20's recursive watch on Linux sets up its sub-watchers later, so a
  // save right after the watch began could be missed.
  for (const folder of [TEMPLATES_DIR, FONTS_DIR].flatMap(withSubfolders)) {
    watchers.push(watch(folder, () => touched(manuscripts)));
  }
  onReady?.();

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  clearTimeout(timer);
  for (const watcher of watchers) watcher.close();
  await running;
}

function withSubfolders(folder: string): string[] {
  const below = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(entry.parentPath, entry.name));
  return [folder, ...below];
}
