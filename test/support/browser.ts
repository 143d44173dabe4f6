// Helpers for the browser suite: a real `xietong serve` child process on a fresh embedded database,
// the CLI run the way an operator runs it, and Debian's Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { projectRoot } from './harness.ts';

export const chromiumPath = process.env.XIETONG_CHROMIUM ?? '/usr/bin/chromium';
export const artifactsDir = path.join(projectRoot, 'test-artifacts', 'browser');
const cliPath = path.join(projectRoot, 'bin', 'xietong.mjs');

/** The child's environment: the parent's minus anything that would point it at another database or port. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'XIETONG_DATA_DIR', 'PORT', 'HOST', 'XIETONG_SEED', 'XIETONG_WEB_DIR']) delete env[k];
  return { ...env, ...extra };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `node bin/xietong.mjs <args>` to completion; rejects with its output when it fails or hangs. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: projectRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`xietong ${args.join(' ')} did not finish within ${timeoutMs} ms\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`xietong ${args.join(' ')} exited with ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

/** `xietong token create … --json` → the secret and the stored token's id. */
export async function createTokenViaCli(env: Record<string, string>, args: string[]): Promise<{ token: string; id: string; label: string | null; role: string }> {
  const { stdout } = await runCli(['token', 'create', ...args, '--json'], env);
  let parsed: { token?: unknown; id?: unknown; label?: unknown; role?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new Error(`token create printed no JSON:\n${stdout}`);
  }
  if (typeof parsed.token !== 'string' || typeof parsed.id !== 'string') throw new Error(`token create JSON has no token/id:\n${stdout}`);
  return { token: parsed.token, id: parsed.id, label: (parsed.label as string | null) ?? null, role: String(parsed.role) };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    child.kill(signal);
  } catch {
    /* already gone */
  }
}

/** Starts `xietong serve` and waits (bounded) for /healthz to answer 200; kills it again if it does not. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [cliPath, 'serve'], {
    cwd: projectRoot,
    env: childEnv({ LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A crashed test run must not leave a server holding the port and the data directory.
  const onExit = () => killTree(child, 'SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    killTree(child, 'SIGTERM');
    const timer = setTimeout(() => killTree(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`xietong serve exited (${child.exitCode ?? child.signalCode}) before /healthz answered.\nServer output:\n${out}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { url, child, output: () => out, stop };
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`xietong serve did not answer ${url}/healthz with 200 within ${timeoutMs} ms (last: ${last}).\nServer output:\n${out}`);
}

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
