import path from 'node:path';
import type { BrowserSession } from '../print/browser.ts';
import type { Environment } from './environment.ts';

/** Where a run writes: the process's own stdout and stderr, or a build server's client's. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Everything a run takes from outside: the folder its relative paths mean, its environment and
 * its output streams. The CLI makes one from the process (or a build server from its client's
 * request) and passes it down; nothing below the CLI reads `process.cwd()` or `process.env`, so
 * two runs in one process can never see each other's folder or settings.
 */
export interface RunContext {
  /** Absolute: every relative path of the run (manuscripts, --out, the config) is resolved here. */
  cwd: string;
  env: Environment;
  stdout: OutputStream;
  stderr: OutputStream;
  /**
   * The compiled CLI entry bin/mudran runs (.cache/js/cli-HASH.js): it names the code a
   * build server must run to serve this client. Without it no build server is used.
   */
  entry?: string;
  /** Set inside a build server: its browser, kept across the builds it serves. */
  browser?: BrowserSession;
}

/** `target` as the run means it: relative paths are relative to the run's folder. */
export function resolveIn(run: Pick<RunContext, 'cwd'>, target: string): string {
  return path.resolve(run.cwd, target);
}

/** `SOURCE_DATE_EPOCH` (reproducible builds) when set to whole seconds, else now. */
export function sourceDate(env: Environment): Date {
  const epoch = env['SOURCE_DATE_EPOCH'];
  return epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}
