import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, mudran, tempDir } from './tools.ts';

describe('the command line', () => {
  it('explains every command and option with --help', async () => {
    const run = await mudran(['--help']);
    expect(run.code).toBe(0);
    for (const word of ['build', 'check', '--out', '--format', 'epub', 'pdf', 'handout', 'Exit codes']) {
      expect(run.stdout).toContain(word);
    }
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['build', '--format', 'epub,mobi'], /unknown format 'mobi'/],
    [['build', '--colour'], /Unknown option '--colour'/],
    [['check', 'no/such/file.md'], /no\/such\/file\.md: cannot read manuscript \(no such file\)/],
    [['check', 'tests'], /tests: cannot read manuscript \(is a folder\)/],
  ])('exits 2 on a usage or environment mistake: %j', async (args, message) => {
    const run = await mudran(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('checks every manuscript/*.md when no file is named', async () => {
    const run = await mudran(['check']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('says how to install Chromium when the browser is missing, exit 2', async () => {
    const out = await tempDir();
    const run = await mudran(['build', path.join(ROOT, 'manuscript/russia-pakistan.md'), '--out', out], {
      env: { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PUPPETEER_EXECUTABLE_PATH names \/nonexistent\/chromium/);
  });

  it('builds only the formats asked for', async () => {
    const out = await tempDir();
    const run = await mudran([
      'build',
      path.join(ROOT, 'manuscript/russia-pakistan.md'),
      '--out',
      out,
      '--format',
      'epub',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/wrote .*russia-pakistan\.epub/);
    expect(run.stderr).not.toMatch(/\.pdf/);
  });
});
