// Shared fixtures for the end-to-end suite: a real `vigil serve` on a temp data dir and Debian Chromium
// driven by playwright-core. Each test file gets its own host so data never leaks between scenarios.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MethodInput, MethodName, MethodOutput } from '../src-contract/api.ts';
import { after, before } from 'node:test';
import { ensureRendererBuilt } from './renderer-build.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_HINT = 'Install it with `npm run setup` (or `sudo apt-get install -y chromium`), or set CHROMIUM_PATH to a Chromium binary.';
export const SCREENSHOT_DIR = resolve(ROOT, 'e2e', 'screenshots');
/** Password every e2e account uses (the contract asks for 10+ characters). */
export const PASSWORD = 'correct-horse-42';

export interface HostProcess {
  url: string;
  dataDir: string;
  setupToken: string | null;
  output: () => string;
  stop: () => Promise<void>;
  kill9: () => void;
  child: ChildProcess;
}

/** The one-time setup token `vigil serve` printed. It is base64url and may begin with "-" or "_" (about one host in
 *  32): an earlier pattern skipped those as punctuation, and that host's setup failed with "token not valid". */
export function setupTokenOf(output: string): string | null {
  return /setup token: ([A-Za-z0-9_-]{16,})/.exec(output)?.[1] ?? null;
}

/** Starts `vigil serve` on port 0 and resolves once it prints its listening line (the console is built first). */
export async function startHost(opts: { args?: string[]; dataDir?: string; env?: Record<string, string>; timeoutMs?: number; port?: number } = {}): Promise<HostProcess> {
  ensureRendererBuilt();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/vigil.ts', 'serve', '--data', dataDir, '--port', String(opts.port ?? 0), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, VIGIL_LOG_LEVEL: process.env.VIGIL_LOG_LEVEL ?? 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`vigil serve did not start in time:\n${out.slice(-4000)}`)), opts.timeoutMs ?? 120_000);
      const check = () => {
        const m = /Vigil listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) { clearTimeout(timer); res(m[1]); }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', (code) => { clearTimeout(timer); rej(new Error(`vigil serve exited with ${code}:\n${out.slice(-4000)}`)); });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const token = setupTokenOf(out);
  return { url, dataDir, setupToken: token, child, output: () => out, kill9: () => { child.kill('SIGKILL'); }, stop };
}

/** Debian Chromium with the flags this machine needs. Throws (never skips) when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: the e2e suite needs it. ${CHROMIUM_HINT}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors the page produced (a scenario asserts there were none). */
  errors: string[];
}

/** `timezoneId`: the workstation's zone (the console's "today" is the browser's; see docs/attendance.md). */
export async function newPage(browser: Browser, opts: { timezoneId?: string } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Failed requests the UI handles itself (a 403 a test provokes, a live stream cut by a camera restart) are
    // reported by Chromium as console errors too; they are not script errors.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  // CI's 2-core machine runs two test files at once and is about twice as slow as a quiet one: a step that takes
  // 10 s here can take 30 there. Waits that measure something set their own timeout.
  page.setDefaultTimeout(60_000);
  return { context, page, errors };
}

/**
 * One host, one browser and one watched page for a whole test file: started in before(), stopped in after().
 * Read the fields inside tests (they are set once before() has run).
 */
export function hostWithBrowser(opts: Parameters<typeof startHost>[0] = {}): { readonly host: HostProcess; readonly browser: Browser; readonly w: WatchedPage } {
  const it = {} as { host: HostProcess; browser: Browser; w: WatchedPage };
  before(async () => {
    it.host = await startHost(opts);
    it.browser = await launchBrowser();
    it.w = await newPage(it.browser);
  });
  after(async () => {
    await it.browser?.close();
    await it.host?.stop();
  });
  return it;
}

/** Saves a screenshot under e2e/screenshots/<name>.png (the suite prints the folder at the end). */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/**
 * A contract call from inside the page (same origin, the page's session cookie), for setting up state a scenario
 * does not test through the UI and for checking what the host refuses. Resolves to the HTTP status and JSON body.
 */
export async function rpc<M extends MethodName>(page: Page, method: M, input: MethodInput<M>): Promise<{ status: number; body: MethodOutput<M> & { error?: { code: string; message: string } } }> {
  return page.evaluate(async ([m, i]) => {
    const res = await fetch(`/api/rpc/${m}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(i) });
    return { status: res.status, body: await res.json() };
  }, [method, input] as const);
}

/**
 * Waits for the signed-in shell after a sign-in form was submitted. The form's own error (a wrong token, a
 * refused password) fails at once with its text; a shell that does not come in 90 s (a loaded CI machine can
 * take a while to hash a password beside a busy engine) fails with a screenshot and the host's last log lines.
 */
async function signedIn(page: Page, host: HostProcess | undefined, what: string): Promise<void> {
  const shell = page.getByTestId('nav-live');
  // The form's own error, or a field's (a wrong setup token is shown under its field).
  const formError = page.locator('form .form-error[role=alert], form .field-error').first();
  await step(page, host, what, () => Promise.race([
    shell.waitFor({ timeout: 90_000 }),
    formError.waitFor({ timeout: 90_000 }).then(async () => {
      throw new Error(`${what}: the form said "${await formError.innerText()}"`);
    }),
  ]));
}

/** First-run setup through the form (token, admin name, password twice), then waits for the signed-in shell. */
export async function setupAdmin(page: Page, host: HostProcess, username = 'admin'): Promise<void> {
  await page.goto(host.url);
  await page.getByLabel('Setup token').fill(host.setupToken ?? '');
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('input[name=confirm]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await signedIn(page, host, `setup-of-${username}`);
}

export async function login(page: Page, url: string, username: string, password = PASSWORD, host?: HostProcess): Promise<void> {
  await page.goto(url);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await signedIn(page, host, `sign-in-of-${username}`);
}

export function printScreenshotFolder(): void {
  console.log(`e2e screenshots: ${SCREENSHOT_DIR}`);
}

/**
 * Runs one scenario step; when it fails, saves a screenshot (FAILED-<name>.png) and adds the host's last log
 * lines to the error, so a failure in CI can be understood without rerunning it.
 */
export async function step(page: Page | undefined, host: HostProcess | undefined, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const file = page ? await shot(page, `FAILED-${name}`).catch(() => null) : null;
    const e = err instanceof Error ? err : new Error(String(err));
    e.message += `\n--- screenshot: ${file ?? '(none)'}\n--- host log (last lines):\n${host?.output().slice(-3000) ?? '(no host)'}`;
    throw e;
  }
}

/**
 * Fixtures are started together with Promise.allSettled so that when one fails (Chromium missing) the others
 * still get assigned and the file's `after` hook stops them: a host process must not outlive the run.
 * `valueOf` gives a started fixture (undefined when it failed: `after` hooks use `?.`); then `throwFirstFailure`.
 */
export function valueOf<T>(r: PromiseSettledResult<T>): T {
  return (r.status === 'fulfilled' ? r.value : undefined) as T;
}

export function throwFirstFailure(results: readonly PromiseSettledResult<unknown>[]): void {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
