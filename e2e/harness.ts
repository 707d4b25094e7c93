// Shared fixtures for the end-to-end suite: a real `vigil serve` on a temp data dir and Debian Chromium
// driven by playwright-core. Each test file gets its own host so data never leaks between scenarios.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve(ROOT, 'e2e', 'screenshots');

export interface HostProcess {
  url: string;
  dataDir: string;
  setupToken: string | null;
  output: () => string;
  stop: () => Promise<void>;
  kill9: () => void;
  child: ChildProcess;
}

/** Starts `vigil serve` on port 0 and resolves once it prints its listening line. */
export async function startHost(opts: { args?: string[]; dataDir?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<HostProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/vigil.ts', 'serve', '--data', dataDir, '--port', '0', ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, VIGIL_LOG_LEVEL: process.env.VIGIL_LOG_LEVEL ?? 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`vigil serve did not start in time:\n${out.slice(-4000)}`)), opts.timeoutMs ?? 90_000);
    const check = () => {
      const m = /Vigil listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); res(m[1]); }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); rej(new Error(`vigil serve exited with ${code}:\n${out.slice(-4000)}`)); });
  });
  const token = /setup token[^A-Za-z0-9]*([A-Za-z0-9_-]{16,})/i.exec(out)?.[1] ?? null;
  return {
    url, dataDir, setupToken: token, child,
    output: () => out,
    kill9: () => { child.kill('SIGKILL'); },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  return { context, page };
}

/** Saves a screenshot under e2e/screenshots/<name>.png (the suite prints the folder at the end). */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}
