import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../model/paths.ts';
import { keepCached, readCached } from '../build/cache.ts';
import type { Finding } from './sequences.ts';
import { FONTS_DIR } from '../model/paths.ts';
import { FONT_STACKS, type FaceStyle } from './stack.ts';

/** What the word check found, per face style and language (`regular hi`), then per word. */
export type CheckedWords = Map<string, Map<string, readonly Finding[]>>;

/** The key of a face style and language in `CheckedWords`. */
export function checkedWordsKey(style: FaceStyle, language: string): string {
  return `${style} ${language}`;
}

/** Words kept per face and language: a large book's vocabulary, a few megabytes of JSON. */
const MAX_WORDS = 100_000;

interface Store {
  words: CheckedWords;
  /** The cache entry's name, or none when its inputs cannot be read. */
  name: string | undefined;
  /** How many words the file holds. */
  saved: number;
}

let store: Promise<Store> | undefined;

/**
 * The words checked so far, shared by every manuscript of the process and kept between runs:
 * a manuscript is shaped only for the words no earlier run has seen with these fonts and
 * this code. A missing or unreadable cache is an empty one.
 */
export async function checkedWords(): Promise<CheckedWords> {
  return (await openStore()).words;
}

function openStore(): Promise<Store> {
  store ??= (async () => {
    const words: CheckedWords = new Map();
    const key = await inputsKey();
    const name = key ? `${key}.json` : undefined;
    if (!name) return { words, name, saved: 0 };
    try {
      const bytes = await readCached('check', name);
      const stored = JSON.parse(bytes ? bytes.toString('utf8') : '{}') as Record<string, [string, Finding[]][]>;
      for (const [key, entries] of Object.entries(stored)) words.set(key, new Map(entries));
    } catch {
      // No cache yet, or a damaged one: it is rewritten on save.
    }
    return { words, name, saved: count(words) };
  })();
  return store;
}

/** Writes the cache when this run checked words it did not hold (whole file, then renamed). */
export async function saveCheckedWords(): Promise<void> {
  const current = await openStore();
  const total = count(current.words);
  if (!current.name || total <= current.saved) return;
  current.saved = total;
  // Bounded: past MAX_WORDS a face keeps the words checked last (a Map keeps insertion order).
  const data = Object.fromEntries([...current.words].map(([key, words]) => [key, [...words].slice(-MAX_WORDS)]));
  await keepCached('check', current.name, JSON.stringify(data));
}

function count(words: CheckedWords): number {
  let total = 0;
  for (const kept of words.values()) total += kept.size;
  return total;
}

/**
 * Everything a word's findings depend on besides the word: the code of the check, the shapers'
 * versions (package-lock.json) and the font files. A change to any of them starts a new cache.
 */
function inputFiles(): string[] {
  return [
    ...['check-word.ts', 'sequences.ts', 'shape.ts', 'stack.ts', 'check-cache.ts'].map((file) =>
      path.join(ROOT, 'src', 'fonts', file),
    ),
    path.join(ROOT, 'package-lock.json'),
    ...new Set(Object.values(FONT_STACKS).flatMap((stack) => stack.map(({ file }) => path.join(FONTS_DIR, file)))),
  ];
}

async function inputsKey(): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for (const file of inputFiles())
      hash
        .update(path.basename(file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
  } catch {
    return undefined;
  }
  return hash.digest('hex').slice(0, 24);
}
