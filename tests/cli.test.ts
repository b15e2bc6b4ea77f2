import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../src/report/messages.ts';
import { ARTICLE, ROOT, mudran, tempDir } from './tools.ts';

describe('the command line', () => {
  it('explains every command and option with --help', async () => {
    const run = await mudran(['--help']);
    expect(run.code).toBe(0);
    for (const word of [
      'build',
      'check',
      'preview',
      'new',
      'import',
      '--out',
      '--format',
      '--watch',
      '--port',
      '--json',
      '--quiet',
      'NO_COLOR',
      'mudran.config.json',
      'epub',
      'pdf',
      'handout',
      'Exit codes',
    ]) {
      expect(run.stdout).toContain(word);
    }
  });

  it.each([{ MUDRAN_LANG: 'hi' }, { MUDRAN_LANG: undefined, LC_ALL: undefined, LANG: 'hi_IN.UTF-8' }])(
    'prints --help in Hindi for %j, with every command and option as typed',
    async (env) => {
      const [hindi, english] = await Promise.all([
        mudran(['--help'], { env }),
        mudran(['--help'], { env: { MUDRAN_LANG: 'en', LANG: 'C.UTF-8' } }),
      ]);
      expect(hindi.code).toBe(0);
      expect(hindi.stdout).toContain('प्रयोग:');
      expect(hindi.stdout).toContain('निकास कोड');
      expect(english.stdout).toContain('Usage:');
      // Every command, option and placeholder of the English help is in the Hindi one.
      const words = (text: string) => new Set(text.match(/(?<![\w-])--?[a-z][a-z-]*|\b[A-Z]{3,}\b|\bmudran [a-z]+/g));
      for (const word of words(english.stdout)) expect(hindi.stdout, word).toContain(word);
    },
  );

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'$/m],
    [['buidl'], /unknown command 'buidl': did you mean 'build'\?$/m],
    [['build', '--fromat', 'pdf'], /unknown option --fromat: did you mean --format\?$/m],
    [['build', '--format', 'epub,mobi'], /unknown format 'mobi'/],
    [['build', '--colour'], /unknown option --colour$/m],
    [['check', '--out', 'x'], /check takes no --out/],
    [['preview', '--port', 'eighty'], /--port 'eighty' is not a port number/],
    [['new'], /new takes one NAME/],
    [['new', '../escape'], /'..\/escape' is not a manuscript name/],
    [['import', 'no/such/file.txt'], /no\/such\/file\.txt: cannot read \(ENOENT\)/],
    [['check', 'no/such/file.md'], /no\/such\/file\.md: cannot read manuscript \(no such file\)/],
    [['check', 'tests'], /tests: cannot read manuscript \(is a folder\)/],
  ])('exits 2 on a usage or environment mistake: %j', async (args, message) => {
    const run = await mudran(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('checks every manuscript/*.md when no file is named, saying what it checked and how long it took', async () => {
    const run = await mudran(['check']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^checked manuscript\/russia-pakistan\.md in \d+\.\d\d s$/m);
    expect(run.stderr).not.toMatch(/error|warning/);
  });

  it('prints only messages with --quiet, uncoloured off a terminal', async () => {
    const dir = await tempDir();
    const manuscript = path.join(dir, 'broken.md');
    await writeFile(manuscript, '---\ntitle: शीर्षक\ncolour: नीला\n---\n\nपाठ।\n');
    const run = await mudran(['check', manuscript, '--quiet'], { env: { FORCE_COLOR: '1' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `${manuscript}:3:1: warning: Unexpected front-matter field \`colour\`, expected one of ` +
        'title, subtitle, author, publisher, date, lang, description, keywords, source, rights, edition, trim, digits, isbn, cover ' +
        '[frontmatter-unknown-field]\n0 errors, 1 warning\n',
    );
  });

  it('says how to install Chromium when the browser is missing, exit 2', async () => {
    const out = await tempDir();
    const run = await mudran(['build', ARTICLE, '--out', out], {
      env: { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PUPPETEER_EXECUTABLE_PATH names \/nonexistent\/chromium/);
  });

  it('builds only the formats asked for, timing each stage', async () => {
    const out = await tempDir();
    const run = await mudran(['build', ARTICLE, '--out', out, '--format', 'epub']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^checked .*russia-pakistan\.md in \d+\.\d\d s$/m);
    expect(run.stderr).toMatch(/^wrote .*russia-pakistan\.epub \(\d+(\.\d)? (kB|MB)\) in \d+\.\d\d s$/m);
    // The browser still starts: the EPUB's cover and page-list are rendered by it.
    expect(run.stderr).not.toMatch(/\.pdf/);
  });

  it('reports outputs with bytes and pages, messages and timings as JSON on stdout', async () => {
    const out = await tempDir();
    const run = await mudran(['build', ARTICLE, '--out', out, '--format', 'pdf', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report).toMatchObject({ command: 'build', exitCode: 0, messages: [] });
    expect(report.outputs).toHaveLength(1);
    const [pdf] = report.outputs;
    expect(pdf).toMatchObject({ format: 'pdf', path: path.join(out, 'russia-pakistan.pdf'), manuscript: ARTICLE });
    expect(pdf?.bytes).toBe((await readFile(path.join(out, 'russia-pakistan.pdf'))).length);
    expect(pdf?.pages).toBeGreaterThanOrEqual(2);
    expect(report.timings.map((timing) => timing.stage).sort()).toEqual(['browser', 'check', 'pdf']);
    for (const timing of report.timings) expect(timing.ms).toBeGreaterThan(0);
    expect(report.totalMs).toBeGreaterThan(Math.max(...report.timings.map((timing) => timing.ms)));
  });

  it('reports each message with file, line, column, severity and rule as JSON, exit 1 on errors', async () => {
    const dir = await tempDir();
    const manuscript = path.join(dir, 'broken.md');
    await writeFile(manuscript, '---\ntitle: शीर्षक\ndate: कल\n---\n\nपाठ।\n');
    const run = await mudran(['check', manuscript, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.messages).toEqual([
      {
        file: manuscript,
        line: 3,
        column: 7,
        severity: 'error',
        rule: 'frontmatter-type',
        reason: 'Unexpected value for `date`, expected a date such as 2026-11-28',
      },
    ]);
    expect(report.outputs).toEqual([]);
  });

  it('writes a new manuscript that checks clean, and never overwrites one', async () => {
    const dir = await tempDir();
    const made = await mudran(['new', 'pehli-kitab', '--title', 'पहली किताब'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const text = await readFile(path.join(dir, 'manuscript/pehli-kitab.md'), 'utf8');
    expect(text).toMatch(/^---\ntitle: पहली किताब\ndate: \d{4}-\d\d-\d\d\nlang: hi\n/);
    const checked = await mudran(['check', '--json'], { cwd: dir });
    expect(checked.code, checked.stdout).toBe(0);
    expect((JSON.parse(checked.stdout) as JsonReport).messages).toEqual([]);
    const again = await mudran(['new', 'pehli-kitab'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/manuscript\/pehli-kitab\.md exists already/);
  });

  it('runs from any folder and uses sources compiled from the current src/', async () => {
    const run = await mudran(['--version'], { cwd: await tempDir() });
    expect(run.stdout).toBe(
      `mudran ${(JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`,
    );
  });
});
