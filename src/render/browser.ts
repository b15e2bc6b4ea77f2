import { access, constants } from 'node:fs/promises';
import puppeteer, { type Browser } from 'puppeteer';
import { EnvironmentError } from '../manuscript.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's Chromium, or the browser named by PUPPETEER_EXECUTABLE_PATH. */
export async function findChromium(): Promise<string> {
  const named = process.env['PUPPETEER_EXECUTABLE_PATH'];
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

/** One headless Chromium for a whole run, kept off the network. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await findChromium();
  try {
    return await puppeteer.launch({
      executablePath,
      headless: true,
      args: [
        // Root (CI, containers) cannot use Chromium's sandbox; pages run no script anyway.
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-default-apps',
        '--no-first-run',
        '--font-render-hinting=none',
      ],
    });
  } catch (error) {
    throw new EnvironmentError(
      `Chromium (${executablePath}) did not start: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
