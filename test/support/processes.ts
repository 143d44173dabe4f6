// Real processes for tests: `xietong` CLI runs and `xietong serve` children, the way an operator runs them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from './harness.ts';

export const bin = path.join(projectRoot, 'bin', 'xietong.mjs');
const cliPath = bin;

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
  /** Stops the server (SIGTERM by default) and resolves with its exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A crashed test run must not leave a server holding the port and the data directory.
  const onExit = () => killTree(child, 'SIGKILL');
  process.once('exit', onExit);

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    process.removeListener('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    killTree(child, signal);
    const timer = setTimeout(() => killTree(child, 'SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
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

/** Runs the CLI synchronously: exit code and output (for asserting refusals and exit codes). */
export function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: projectRoot, env: childEnv({ LOG_LEVEL: 'warn', ...env }), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
