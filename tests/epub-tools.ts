import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EpubCheck } from '@likecoin/epubcheck-ts';
import JSZip from 'jszip';
import { ROOT, tempDir } from './tools.ts';

const exec = promisify(execFile);

/** An EPUB's entries, in zip order, with their text for the XML ones. */
export interface EpubFiles {
  names: string[];
  zip: JSZip;
  text(name: string): Promise<string>;
}

export async function readEpub(bytes: Uint8Array): Promise<EpubFiles> {
  const zip = await JSZip.loadAsync(bytes);
  return {
    names: Object.keys(zip.files),
    zip,
    async text(name) {
      const file = zip.file(name);
      if (!file) throw new Error(`no ${name} in the EPUB`);
      return file.async('string');
    },
  };
}

/** `@likecoin/epubcheck-ts`: the EPUB 3.3 rules, in JavaScript. */
export async function epubcheckTs(bytes: Uint8Array) {
  const result = await EpubCheck.validate(bytes);
  return {
    errors: result.errorCount + result.fatalCount,
    warnings: result.warningCount,
    messages: result.messages.filter((message) => message.severity !== 'usage' && message.severity !== 'info'),
  };
}

export interface AceReport {
  outcome: string;
  violations: string[];
}

/** Ace by DAISY on Debian's Chromium (it launches it with --no-sandbox itself). */
export async function ace(file: string): Promise<AceReport> {
  const out = await tempDir('ace-');
  await exec(path.join(ROOT, 'node_modules/.bin/ace-cli'), ['--silent', '--force', '--outdir', out, file], {
    env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: process.env['PUPPETEER_EXECUTABLE_PATH'] ?? '/usr/bin/chromium' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as {
    'earl:result': { 'earl:outcome': string };
    assertions: {
      'earl:testSubject': { url: string };
      assertions: { 'earl:test': { 'dct:title': string }; 'earl:result': { 'earl:outcome': string } }[];
    }[];
  };
  return {
    outcome: report['earl:result']['earl:outcome'],
    violations: report.assertions.flatMap((document) =>
      document.assertions
        .filter((assertion) => assertion['earl:result']['earl:outcome'] !== 'pass')
        .map((assertion) => `${document['earl:testSubject'].url}: ${assertion['earl:test']['dct:title']}`),
    ),
  };
}

/**
 * Debian's EPUBCheck on many EPUBs in one JVM (tests/java/EpubCheckMany.java; a JVM start
 * costs 4 s here): each file's errors and fatal errors, as EPUBCheck words them.
 */
export async function epubcheckMany(files: readonly string[]): Promise<Map<string, string[]>> {
  const errors = new Map(files.map((file) => [file, [] as string[]]));
  const driver = path.join(ROOT, 'tests/java/EpubCheckMany.java');
  const { stdout, stderr } = await exec('java', ['-cp', '/usr/bin/epubcheck', driver, ...files], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const seen = new Set([...stdout.matchAll(/^RESULT (.+) \d+$/gm)].map((match) => match[1]));
  const missing = files.filter((file) => !seen.has(file));
  if (missing.length) throw new Error(`EPUBCheck did not report on ${missing.join(', ')}`);
  for (const line of `${stdout}\n${stderr}`.split('\n')) {
    if (!/^(ERROR|FATAL)/.test(line)) continue;
    const base = /([^/\s]+\.epub)[/(:]/.exec(line)?.[1];
    const file = files.find((name) => path.basename(name) === base);
    if (!file) throw new Error(`EPUBCheck message for no file: ${line}`);
    errors.get(file)?.push(line.replace(/ \(with xmlns:ns=.*$/, '').replace(/; expected attribute .*$/, ''));
  }
  return errors;
}
