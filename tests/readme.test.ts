import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { mudran, ROOT, spawnPreview, tempDir } from './tools.ts';

const exec = promisify(execFile);
const README = await readFile(path.join(ROOT, 'README.md'), 'utf8');

/** The command lines of the README's block in “The command line”. */
const shown = (/## The command line\n+```\n([\s\S]*?)```/.exec(README)?.[1] ?? '')
  .trim()
  .split('\n')
  .map((line) => line.trim());

describe('the README: every command it shows runs as it says', () => {
  let project: string;
  beforeAll(async () => {
    project = await tempDir('mudran-readme-');
    await writeFile(
      path.join(project, 'article.txt'),
      'Spread the love\nमॉस्को में बातचीत\nरूस और पाकिस्तान ने व्यापार पर बात की। दोनों देशों ने सहयोग बढ़ाने का फैसला किया।\n',
    );
  });

  it('shows exactly the usage lines of `mudran --help`', async () => {
    const help = await mudran(['--help']);
    const usage = (/Usage:\n([\s\S]*?)\n\n/.exec(help.stdout)?.[1] ?? '').split('\n').map((line) => line.trim());
    expect(shown.length).toBe(7);
    expect(shown).toEqual(usage.map((line) => `bin/${line}`));
  });

  it('runs new, check, build, import, preview, server status and --version in a project of its own', async () => {
    // Relative paths are the run's folder's, wherever mudran itself is installed.
    const made = await mudran(['new', 'demo', '--title', 'परीक्षा'], { cwd: project });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain('wrote manuscript/demo.md');
    const checked = await mudran(['check', '--json'], { cwd: project });
    expect(checked.code, checked.stderr).toBe(0);
    expect((JSON.parse(checked.stdout) as { messages: unknown[] }).messages).toEqual([]);
    const built = await mudran(['build', 'manuscript/demo.md', '--out', 'out', '--format', 'pdf,epub'], {
      cwd: project,
    });
    expect(built.code, built.stderr).toBe(0);
    for (const name of ['demo.pdf', 'demo.epub'])
      expect((await stat(path.join(project, 'out', name))).size).toBeGreaterThan(1000);
    const imported = await mudran(['import', 'article.txt', '--out', 'imported'], { cwd: project });
    expect(imported.code, imported.stderr).toBe(0);
    expect(await readFile(path.join(project, 'imported/article.md'), 'utf8')).toMatch(/^---\ntitle: /);
    const { server, url } = await spawnPreview('manuscript/demo.md', project);
    try {
      expect(await (await fetch(url)).text()).toContain('परीक्षा');
    } finally {
      server.kill();
    }
    const status = await mudran(['server', 'status'], { cwd: project, env: { MUDRAN_SERVER: '1' } });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toMatch(/build server/);
    expect((await mudran(['--version'])).stdout).toMatch(/^mudran \d+\.\d+\.\d+\n$/);
  });

  it('takes --debug with every command, as the help and every unexpected failure offer it', async () => {
    const run = await mudran(['check', '--debug', '--quiet', 'manuscript/demo.md'], { cwd: project });
    expect(run.stderr).not.toMatch(/takes no/);
    expect(run.code).toBe(0);
  });

  it('names only make targets that exist', async () => {
    const targets = [...new Set([...README.matchAll(/`make ([a-z-]+)`|^make ([a-z-]+)/gm)].map((m) => m[1] ?? m[2]))];
    expect(targets).toEqual(expect.arrayContaining(['test', 'test-fast', 'check', 'bench', 'clean']));
    for (const target of targets) {
      await expect(exec('make', ['-n', '-C', ROOT, target!]), target).resolves.toBeDefined();
    }
  });
});
