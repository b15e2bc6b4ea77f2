import { cp, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT, tempDir } from './tools.ts';

export const CORPUS = path.join(ROOT, 'tests/fixtures/hostile');
/** Written next to the copied corpus: no output may ever contain it. */
export const SECRET = 'SECRET-TOKEN-MUDRAN-7f3a9c';

/** A web server on 127.0.0.1 (ephemeral port) that answers everything and records each request. */
export interface Recorder {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method ?? '?'} ${request.url ?? ''}`);
    response.writeHead(200, { 'content-type': 'text/css' });
    response.end('body { color: red }');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface CorpusCase {
  name: string;
  input: string;
  exit: number;
  messages: string[];
}

/**
 * Copies the corpus into a fresh folder (symbolic links kept), with `{{server}}` replaced by
 * the recorder's address and a secret file beside the cases, and reads each case's
 * expected exit code and messages.
 */
export async function prepareCorpus(server: string): Promise<CorpusCase[]> {
  const root = await tempDir('mudran-hostile-');
  await writeFile(path.join(root, 'secret.txt'), `${SECRET}\n`);
  const cases: CorpusCase[] = [];
  for (const name of (await readdir(CORPUS)).sort()) {
    const folder = path.join(root, name);
    await cp(path.join(CORPUS, name), folder, { recursive: true, verbatimSymlinks: true });
    // Named after the case, so one build can take them all (outputs are named after the file).
    const input = path.join(folder, `${name}.md`);
    await rename(path.join(folder, 'input.md'), input);
    const bytes = await readFile(input);
    if (bytes.includes('{{server}}')) await writeFile(input, bytes.toString('utf8').replaceAll('{{server}}', server));
    const [exitLine = '', ...messages] = (await readFile(path.join(folder, 'expected.txt'), 'utf8'))
      .replaceAll('{{server}}', server)
      .trim()
      .split('\n');
    cases.push({ name, input, exit: Number(/^exit: (\d)$/.exec(exitLine)?.[1]), messages });
  }
  return cases;
}

/** Every process below `pid` (children first found, grandchildren after), from /proc. */
export async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of parents.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
