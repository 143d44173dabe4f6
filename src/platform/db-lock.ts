import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What the lock file beside an embedded data directory says about its holder. */
export type LockInfo = {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
  /** Set by a running server: where its API answers and the local control secret for the CLI. */
  serverUrl?: string;
  controlSecretFile?: string;
};

export class DataDirLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The embedded database ${path.dirname(lockPath)}/${path.basename(lockPath, '.lock')} is in use by process ` +
        `${holder.pid} on ${holder.hostname} (${holder.command}, since ${holder.startedAt})` +
        (holder.serverUrl ? `, serving ${holder.serverUrl}` : '') +
        `.\nPGlite allows one process per data directory. Stop that process (kill ${holder.pid}), ` +
        `or set XIETONG_DATA_DIR to another directory, or set DATABASE_URL to use PostgreSQL.\n` +
        `Lock file: ${lockPath}`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockPathFor(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`);
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(lockPathFor(dataDir), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/**
 * An exclusive lock file beside the data directory, created with O_EXCL so two processes can never
 * both win. A lock left by a dead process (kill -9) is taken over.
 */
export class DataDirLock {
  private constructor(
    readonly lockPath: string,
    private info: LockInfo,
  ) {}

  static acquire(dataDir: string, command: string): DataDirLock {
    const lockPath = lockPathFor(dataDir);
    fs.mkdirSync(path.dirname(lockPath), { recursive: true });
    const info: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString(), command };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(lockPath, 'wx', 0o600);
        fs.writeSync(fd, JSON.stringify(info));
        fs.closeSync(fd);
        const lock = new DataDirLock(lockPath, info);
        const release = () => lock.release();
        process.once('exit', release);
        return lock;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let holder: LockInfo | null = null;
        try {
          holder = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
        } catch {
          // Being written this very moment by another process, or garbage: look again shortly.
        }
        if (holder && holder.hostname === os.hostname() && !isAlive(holder.pid)) {
          fs.rmSync(lockPath, { force: true });
          continue;
        }
        if (holder) throw new DataDirLockedError(lockPath, holder);
        if (attempt === 2) {
          throw new Error(`Lock file ${lockPath} exists but cannot be read; remove it if no Xietong process is running.`);
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    }
    throw new Error(`Could not acquire ${lockPath}`);
  }

  /** A running server records where it answers, so that CLI writes can go through its API. */
  update(extra: Partial<LockInfo>): void {
    this.info = { ...this.info, ...extra };
    fs.writeFileSync(this.lockPath, JSON.stringify(this.info), { mode: 0o600 });
  }

  release(): void {
    try {
      const current = JSON.parse(fs.readFileSync(this.lockPath, 'utf8')) as LockInfo;
      if (current.pid === process.pid) fs.rmSync(this.lockPath, { force: true });
    } catch {
      // Already gone.
    }
    if (this.info.controlSecretFile) fs.rmSync(this.info.controlSecretFile, { force: true });
  }
}
