import { access, constants } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import puppeteer, { ProtocolError, TimeoutError, type Browser } from 'puppeteer';
import { EnvironmentError } from '../model/errors.ts';
import { DEFAULT_SETTINGS, type BrowserSettings } from './settings.ts';
import { newProfile, removeProfile } from './profiles.ts';

/**
 * Debian's headless shell first: the browser made for printing, lighter than the full one (a
 * build on it took 0.78 of the wall time and 41% less CPU). Its `/usr/bin` wrapper does not
 * `exec`, and ending it leaves the real browser holding the pipe, so the binary itself is named.
 * The full Chromium is the fallback.
 */
const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';
const CANDIDATES = [HEADLESS_SHELL, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** How puppeteer starts a browser: the headless shell is its own program, 'shell' mode. */
function headlessMode(executablePath: string): true | 'shell' {
  return /chrome-headless-shell|chromium-headless-shell/.test(executablePath) ? 'shell' : true;
}

/** Flags for every Chromium mudran starts: off the network, no first-run work. */
export function chromiumArgs(): string[] {
  return [
    // Root (CI, containers) cannot use Chromium's sandbox; pages run no script anyway.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--no-first-run',
    '--font-render-hinting=none',
  ];
}

/** Debian's headless shell or Chromium, or the browser named by PUPPETEER_EXECUTABLE_PATH. */
export async function findChromium(named?: string): Promise<string> {
  for (const candidate of named ? [named] : CANDIDATES) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new EnvironmentError(
    named
      ? `PUPPETEER_EXECUTABLE_PATH names ${named}, which is not an executable browser`
      : 'Chromium is not installed: run `sudo apt-get install chromium` (or set PUPPETEER_EXECUTABLE_PATH)',
  );
}

/** One headless Chromium, kept off the network; a start that fails or hangs is tried once more. */
export async function launchBrowser(settings: BrowserSettings = DEFAULT_SETTINGS): Promise<Browser> {
  const executablePath = await findChromium(settings.executable);
  const launchTimeoutMs = Math.min(settings.timeoutMs, 60_000);
  let reason = '';
  for (let attempt = 0; attempt < 2; attempt += 1) {
    // Over a pipe Chromium opens no debugging port that other programs on the machine could
    // reach; a start that never answers is ended by the signal (the launch `timeout` alone
    // only bounds waiting for a port).
    const giveUp = new AbortController();
    const timer = setTimeout(
      () => giveUp.abort(new Error(`Timed out after ${launchTimeoutMs} ms waiting for it to answer`)),
      launchTimeoutMs,
    );
    const userDataDir = await newProfile();
    try {
      return await puppeteer.launch({
        executablePath,
        ...(userDataDir ? { userDataDir } : {}),
        headless: headlessMode(executablePath),
        pipe: true,
        timeout: launchTimeoutMs,
        // Every step but a print (which sets its own, see print-pdf.ts) has the run's limit,
        // not puppeteer's 180 s.
        protocolTimeout: settings.timeoutMs,
        signal: giveUp.signal,
        args: chromiumArgs(),
      });
    } catch (error) {
      if (userDataDir) await removeProfile(userDataDir);
      reason = giveUp.signal.aborted
        ? (giveUp.signal.reason as Error).message
        : ((error as Error).message.split('\n')[0] ?? '');
    } finally {
      clearTimeout(timer);
    }
  }
  throw new EnvironmentError(`Chromium (${executablePath}) did not start, twice: ${reason}`);
}

/**
 * The browser of a run: started ahead of need, shared by every page, and replaced once when
 * it crashes or hangs in the middle of a job. A job that fails twice that way is an
 * environment error, never a stack trace.
 */
export class BrowserSession {
  readonly settings: BrowserSettings;
  #current: Promise<Browser> | undefined;
  // Dozens of pages printing at once only starve each other into time-outs; two per core keep
  // Chromium busy while Node works on the PDFs already printed.
  #free = Math.max(4, 2 * availableParallelism());
  #waiting: (() => void)[] = [];
  // Once closed (the run ended, or failed), jobs still queued must not start a new browser.
  #closed = false;

  constructor(settings: BrowserSettings = DEFAULT_SETTINGS) {
    this.settings = settings;
  }

  /** Whether Chromium was started (and not found broken since). */
  get started(): boolean {
    return this.#current !== undefined;
  }

  /** Starts Chromium now, so it is ready when the first PDF needs it. */
  start(): Promise<Browser> {
    if (this.#closed) return Promise.reject(new Error('the browser session is closed'));
    if (!this.#current) {
      this.#current = launchBrowser(this.settings);
      // Settle the launch even if nobody waits for it, so no rejection goes unhandled.
      this.#current.catch(() => undefined);
    }
    return this.#current;
  }

  async run<T>(job: (browser: Browser) => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await this.#runOnce(job);
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }

  async #runOnce<T>(job: (browser: Browser) => Promise<T>): Promise<T> {
    const first = this.start();
    const browser = await first;
    try {
      return await job(browser);
    } catch (error) {
      if (this.#closed || !brokeDown(error, browser)) throw error;
      // Several jobs may notice the same breakdown: only the first replaces the browser.
      if (this.#current === first) {
        browser.process()?.kill('SIGKILL');
        this.#current = undefined;
        const profile = profileOf(browser);
        if (profile) void removeProfile(profile).catch(() => undefined);
      }
      const fresh = await this.start();
      try {
        return await job(fresh);
      } catch (again) {
        if (!brokeDown(again, fresh)) throw again;
        throw new EnvironmentError(
          `Chromium crashed or hung twice while printing: ${reasonOf(again)} (each step may take ${this.settings.timeoutMs / 1000} s and a print more by its length; MUDRAN_BROWSER_TIMEOUT_MS sets the ${this.settings.timeoutMs / 1000} s)`,
        );
      }
    }
  }

  /**
   * Ends the run's browser. Every output is written by now, so nothing of Chromium's is worth
   * closing over the protocol (a quarter of a second): SIGTERM ends it in a tenth.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#current?.then(killBrowser).catch(() => undefined);
  }
}

/** An error's first line, without puppeteer's advice about its own settings. */
function reasonOf(error: unknown): string {
  return ((error as Error).message.split('\n')[0] ?? '').replace(/ Increase the 'protocolTimeout' setting.*$/, '');
}

function brokeDown(error: unknown, browser: Browser): boolean {
  return error instanceof TimeoutError || error instanceof ProtocolError || !browser.connected;
}

/**
 * Ends a launched browser with SIGTERM (it still reaps its renderers; SIGKILL would orphan
 * them) and removes the profile folder it ran with.
 */
async function killBrowser(browser: Browser): Promise<void> {
  const child = browser.process();
  const profile = profileOf(browser);
  if (!child || !profile) {
    await browser.close();
    return;
  }
  // A browser that already died (a crash the run survived) has nothing left to wait for.
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await removeProfile(profile);
}

const PROFILE_ARG = '--user-data-dir=';

function profileOf(browser: Browser): string | undefined {
  return browser
    .process()
    ?.spawnargs.find((arg) => arg.startsWith(PROFILE_ARG))
    ?.slice(PROFILE_ARG.length);
}
