// Helpers for the browser suite: a real `xietong serve` child process on a fresh embedded database,
// the CLI run the way an operator runs it, and Debian's Chromium driven by playwright-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from './processes.ts';
import { projectRoot } from './harness.ts';

export const chromiumPath = process.env.XIETONG_CHROMIUM ?? '/usr/bin/chromium';
export const artifactsDir = path.join(projectRoot, 'test-artifacts', 'browser');
export { createTokenViaCli, startServerProcess, type ServerProcess } from './processes.ts';

export function tempDataDir(): { root: string; dataDir: string; remove(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xt-browser-'));
  return { root, dataDir: path.join(root, 'db'), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium fonts-noto-cjk (or set XIETONG_CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/**
 * A Chinese-locale page in a fresh context (Asia/Shanghai, 1280×900) that records every request the
 * browser makes, uncaught page errors and console errors into the given lists.
 */
export async function openRecordedPage(rec: { requests: string[]; pageErrors: string[]; consoleErrors: string[] }): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launchChromium();
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  context.on('request', (r) => rec.requests.push(r.url()));
  const page = await context.newPage();
  page.on('pageerror', (e) => rec.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') rec.consoleErrors.push(m.text());
  });
  return { browser, context, page };
}

/** True for addresses the dashboard may load: this machine, or inline data. */
export function isLocalUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ws:' && u.protocol !== 'wss:') return false;
  return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
}

/**
 * Waits until the locator's text satisfies `want` (substring or pattern); on timeout fails with what the page
 * actually showed. playwright-core has no `expect`, so this is the one polling assertion the suite needs.
 */
export async function expectText(locator: Locator, want: string | RegExp, what: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | null = null;
  for (;;) {
    try {
      seen = (await locator.first().textContent({ timeout: Math.max(100, Math.min(1_000, deadline - Date.now())) })) ?? '';
      if (typeof want === 'string' ? seen.includes(want) : want.test(seen)) return seen;
    } catch {
      /* not there yet */
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what}: expected text ${typeof want === 'string' ? JSON.stringify(want) : want} within ${timeoutMs} ms, saw ${seen === null ? 'no element' : JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the attribute equals `want`; fails with the last value seen. */
export async function expectAttribute(locator: Locator, name: string, want: string, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | null | undefined;
  for (;;) {
    try {
      seen = await locator.first().getAttribute(name, { timeout: Math.max(100, Math.min(1_000, deadline - Date.now())) });
      if (seen === want) return;
    } catch {
      /* not there yet */
    }
    if (Date.now() >= deadline) throw new Error(`${what}: expected ${name}="${want}" within ${timeoutMs} ms, saw ${seen === undefined ? 'no element' : JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the page has nothing left to show: no request in flight, no loading placeholder, fonts ready.
 * Screenshots taken earlier catch half-loaded pages (and a full-page shot is sized before late content lands).
 */
export async function settle(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: timeoutMs });
  try {
    // Strings, not functions: they run in the page, and this project's tsconfig has no DOM types.
    await page.waitForFunction("!document.querySelector('.loading, .region-map-loading')", undefined, { timeout: timeoutMs });
  } catch {
    const left = await page.locator('.loading, .region-map-loading').allTextContents();
    throw new Error(`page still loading after ${timeoutMs} ms: ${JSON.stringify(left)}`);
  }
  await page.evaluate('document.fonts.ready.then(() => true)');
}

/** The error boxes the page shows (ErrorBox and form errors), as text; empty when all went well. */
export async function visibleErrors(page: Page): Promise<string[]> {
  const boxes = page.locator('.alert-error');
  const out: string[] = [];
  for (let i = 0; i < (await boxes.count()); i++) {
    if (await boxes.nth(i).isVisible()) out.push(((await boxes.nth(i).textContent()) ?? '').trim());
  }
  return out;
}

/**
 * A user's journey through the dashboard as a sequence of steps sharing one page. After a failure the
 * remaining steps are skipped (saying why) instead of failing in confusing ways; the failure leaves a
 * screenshot, the page and console errors and the tail of the server's output in the message.
 */
export function userJourney(o: {
  name: string;
  stepTimeoutMs: number;
  page: () => Page | undefined;
  server: () => ServerProcess | undefined;
  rec: { pageErrors: string[]; consoleErrors: string[] };
}) {
  let failedStep: string | null = null;
  const shot = async (file: string) => {
    await o.page()!.screenshot({ path: path.join(artifactsDir, file), fullPage: true });
  };
  /** The page has finished loading and shows no error box. */
  const settled = async (where: string) => {
    await settle(o.page()!);
    assert.deepEqual(await visibleErrors(o.page()!), [], `error boxes on ${where}`);
  };
  /** GET from the server under test, as JSON. */
  const api = async (urlPath: string, token?: string): Promise<{ status: number; body: Record<string, any> }> => {
    const res = await fetch(`${o.server()!.url}${urlPath}`, {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, { timeout: o.stepTimeoutMs }, async (t) => {
      if (failedStep) {
        t.skip(`an earlier step failed: ${failedStep}`);
        return;
      }
      try {
        await fn();
      } catch (e) {
        failedStep = name;
        const file = `failure-${o.name}-${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`;
        await shot(file).catch(() => {});
        const server = o.server();
        const context = [
          `(screenshot: test-artifacts/browser/${file}; page URL: ${o.page()?.url()})`,
          o.rec.pageErrors.length ? `page errors:\n  ${o.rec.pageErrors.join('\n  ')}` : '',
          o.rec.consoleErrors.length ? `console errors:\n  ${o.rec.consoleErrors.slice(-10).join('\n  ')}` : '',
          server?.output().trim() ? `server output (tail):\n${server.output().trim().split('\n').slice(-20).join('\n')}` : '',
        ]
          .filter(Boolean)
          .join('\n');
        if (e instanceof Error) {
          e.message = `${e.message}\n${context}`;
          throw e;
        }
        throw new Error(`${String(e)}\n${context}`);
      }
    });
  return { step, shot, settled, api };
}

/** Polls `ready` (bounded) until it holds; the error names what was awaited and shows the server's output. */
export async function waitUntil(what: string, ready: () => Promise<boolean>, server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs / 1000} s\n${server.output()}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

type Api = ReturnType<typeof userJourney>['api'];

/**
 * One browser suite: registers the hooks that start a real `xietong serve` on a fresh embedded database
 * (after `prepare`, which may use the CLI while no server holds the database), wait until `ready` holds,
 * open a recorded Chinese-locale page, and tear everything down; plus the user-journey steps and the final
 * check that nothing was loaded from outside this machine. Call it inside `describe`; the page and server
 * are there from the suite's first `before` on (`opened()`).
 */
export function browserJourney(o: {
  name: string;
  stepTimeoutMs: number;
  /** Bound for the whole set-up: server start, `ready`, browser launch. */
  setupTimeoutMs: number;
  serverStartMs: number;
  prepare?: (env: Record<string, string>) => Promise<void>;
  ready?: { what: string; check: (api: Api) => Promise<boolean> };
}) {
  const rec = { requests: [] as string[], pageErrors: [] as string[], consoleErrors: [] as string[] };
  let tmp: ReturnType<typeof tempDataDir> | undefined;
  let server: ServerProcess | undefined;
  let opened: { browser: Browser; context: BrowserContext; page: Page } | undefined;
  const journey = userJourney({ name: o.name, stepTimeoutMs: o.stepTimeoutMs, page: () => opened?.page, server: () => server, rec });
  before(
    async () => {
      fs.mkdirSync(artifactsDir, { recursive: true });
      for (const f of fs.readdirSync(artifactsDir)) if (f.startsWith(`failure-${o.name}-`)) fs.rmSync(path.join(artifactsDir, f));
      tmp = tempDataDir();
      const env = { XIETONG_DATA_DIR: tmp.dataDir, LOG_LEVEL: 'warn' };
      await o.prepare?.(env);
      server = await startServerProcess(env, o.serverStartMs);
      const ready = o.ready;
      if (ready) await waitUntil(ready.what, () => ready.check(journey.api), server);
      opened = await openRecordedPage(rec);
    },
    { timeout: o.setupTimeoutMs },
  );
  after(async () => {
    await opened?.context.close().catch(() => {});
    await opened?.browser.close().catch(() => {});
    await server?.stop();
    tmp?.remove();
  });
  return {
    ...journey,
    rec,
    /** The page, context and server, once the set-up has run. */
    opened: () => {
      if (!opened || !server) throw new Error(`${o.name}: the browser suite's set-up has not run`);
      return { ...opened, server };
    },
    /**
     * Not gated on the steps: whatever the page did load must have come from this machine, and no script error
     * was thrown (console errors too, unless the journey provokes refused requests on purpose).
     */
    checkNothingForeign(opts: { consoleErrors: boolean }) {
      it('loaded nothing from outside this machine and threw no script errors', () => {
        assert.ok(rec.requests.length > 0, 'the browser made requests');
        assert.deepEqual(rec.requests.filter((u) => !isLocalUrl(u)), [], 'requests to other hosts');
        assert.deepEqual(rec.pageErrors, [], 'uncaught errors in the page');
        if (opts.consoleErrors) assert.deepEqual(rec.consoleErrors, [], 'console errors');
      });
    },
  };
}
