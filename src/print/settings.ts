import type { Environment } from '../model/environment.ts';

/** How a run's Chromium is found and how long it may take, read once from the run's environment. */
export interface BrowserSettings {
  /** PUPPETEER_EXECUTABLE_PATH: the browser to use instead of Debian's Chromium. */
  executable?: string;
  /**
   * How long loading or printing one page may take (a long book prints for minutes) before the
   * browser counts as hung; starting it gets at most a minute. MUDRAN_BROWSER_TIMEOUT_MS
   * overrides it (the tests use a short one).
   */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 300_000;

export function browserSettings(env: Environment): BrowserSettings {
  const executable = env['PUPPETEER_EXECUTABLE_PATH'];
  return {
    ...(executable ? { executable } : {}),
    timeoutMs: Number(env['MUDRAN_BROWSER_TIMEOUT_MS']) || DEFAULT_TIMEOUT_MS,
  };
}

export const DEFAULT_SETTINGS: BrowserSettings = { timeoutMs: DEFAULT_TIMEOUT_MS };
