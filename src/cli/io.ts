import type { BrowserSession } from '../print/browser.ts';

/** Where a run writes: the process's own stdout and stderr, or a build server's client's. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface RunIo {
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

export function processIo(entry?: string): RunIo {
  return { stdout: process.stdout, stderr: process.stderr, ...(entry ? { entry } : {}) };
}
