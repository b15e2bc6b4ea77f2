import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../input/config.ts';
import { FONTS_DIR, TEMPLATES_DIR } from '../model/paths.ts';

/**
 * Calls `onChange` with the manuscripts a saved change touches: the saved manuscript, or all
 * of them when a template, a font or the config file changed. Folders are watched rather than
 * files, because editors often save by writing a new file and renaming it over the old one.
 * Changes arriving while `onChange` runs are gathered into one more call. Resolves on SIGINT
 * or SIGTERM, or when `signal` aborts. Manuscripts are relative to `cwd`, the run's folder,
 * where the config file is watched too.
 */
export async function watchSources(
  manuscripts: readonly string[],
  cwd: string,
  onChange: (changed: string[]) => Promise<void>,
  signal?: AbortSignal,
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
  // Recursive: templates/epub/ holds the EPUB's package and chapter templates.
  for (const folder of [TEMPLATES_DIR, FONTS_DIR]) {
    watchers.push(watch(folder, { recursive: true }, () => touched(manuscripts)));
  }

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
