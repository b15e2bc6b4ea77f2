// Compiles src/ to JavaScript under .cache/js/ so that bin/mudran starts in milliseconds
// instead of transpiling every module with tsx. The entry is named after a hash of the
// sources (and of this file, package.json and tsconfig.json), so edited sources always get a fresh build: a stale build
// can never run. Run directly (`node bin/compile.js`, the Makefile does) to build ahead.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Two levels below the root, like src/<dir>/, so `import.meta.dirname + '../..'` still finds it.
const OUT_DIR = path.join(ROOT, '.cache', 'js');

/** The compiled CLI entry for the current sources, compiling first when there is none. */
export async function compiledEntry() {
  const entry = path.join(OUT_DIR, `cli-${sourceHash()}.js`);
  if (!existsSync(entry)) await compile(entry);
  return entry;
}

function sourceHash() {
  const hash = createHash('sha256');
  const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  // tsconfig.json is absent from an installed copy without the sources' tooling.
  const settings = ['package.json', 'tsconfig.json'].map((name) => path.join(ROOT, name)).filter(existsSync);
  for (const file of [fileURLToPath(import.meta.url), ...settings, ...files]) {
    hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * One ESM bundle with code splitting: each command and renderer is a chunk loaded by
 * `import()` only when used, and npm packages stay external (loaded from node_modules).
 * Files are written next to their target and renamed, chunks first and the entry last,
 * so concurrent runs never see half a build.
 */
async function compile(entry) {
  await pruneOldBuilds();
  const { build } = await import('esbuild');
  // The PDF worker thread's entry (src/pdf/workers.ts starts it by this name).
  const worker = path.basename(entry).replace(/^cli-/, 'pdf-worker-');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: {
      [path.basename(entry, '.js')]: 'src/cli/main.ts',
      [path.basename(worker, '.js')]: 'src/pdf/worker.ts',
    },
    define: { MUDRAN_PDF_WORKER: JSON.stringify(worker) },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunk-[hash]',
    write: false,
    logLevel: 'error',
  });
  await mkdir(OUT_DIR, { recursive: true });
  const files = result.outputFiles.sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
  for (const file of files) {
    if (file.path !== entry && existsSync(file.path)) continue;
    // Unique per writer: threads of one process compile too (see src/pdf/workers.ts).
    const temporary = `${file.path}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
}

/**
 * Each edit of src/ compiles a new build beside the old ones; only the newest few are kept
 * (a running CLI or build server may still be loading chunks of the one before), so
 * .cache/js does not grow without bound. Chunks no kept build names are removed too.
 */
const KEEP_BUILDS = 3;
async function pruneOldBuilds() {
  const { readdir, rm, stat, readFile } = await import('node:fs/promises');
  const names = await readdir(OUT_DIR).catch(() => []);
  const entries = await Promise.all(
    names
      .filter((name) => /^cli-[0-9a-f]{16}\.js$/.test(name))
      .map(async (name) => ({ name, time: (await stat(path.join(OUT_DIR, name))).mtimeMs })),
  );
  entries.sort((a, b) => b.time - a.time);
  const kept = entries.slice(0, KEEP_BUILDS - 1);
  const keep = new Set();
  const visit = async (name) => {
    if (keep.has(name)) return;
    keep.add(name);
    const text = await readFile(path.join(OUT_DIR, name), 'utf8').catch(() => '');
    for (const [, chunk] of text.matchAll(/["'.]\/(chunk-[A-Z0-9]+\.js)["']/g)) await visit(chunk);
  };
  for (const { name } of kept) {
    await visit(name);
    await visit(name.replace(/^cli-/, 'pdf-worker-'));
  }
  await Promise.all(
    names
      .filter((name) => /^(cli|pdf-worker|chunk)-/.test(name) && !keep.has(name) && !name.endsWith('.tmp'))
      .map((name) => rm(path.join(OUT_DIR, name), { force: true })),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${path.relative(ROOT, await compiledEntry())}\n`);
}
