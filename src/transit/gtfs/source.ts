/**
 * Where GTFS files come from: a zip archive (read entry by entry with yauzl, lazyEntries, never loaded
 * whole) or a folder of .txt files (fs streams). Problems with the container itself become notices;
 * nothing here throws to the caller.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import type { NoticeSink } from './validate.ts';

export type SourceFile = {
  /** File name at the top level, e.g. `stops.txt`. */
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** The file's bytes in chunks; rejects or throws on read errors. */
  open(): Promise<AsyncIterable<Buffer>>;
};

export type Source = {
  kind: 'zip' | 'folder';
  files: SourceFile[];
  /** Paths of GTFS-named files found below the top level (e.g. `gtfs/stops.txt`). */
  nestedGtfsFiles: string[];
  /** Names of top-level entries that are not .txt files. */
  otherFiles: string[];
  close(): Promise<void>;
};

const READ_CHUNK = 1 << 20;
/** Inflate output chunk: larger than zlib's 16 KB default, fewer hops through the stream machinery. */
const INFLATE_CHUNK = 1 << 18;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Opens a zip or folder; returns null after reporting an error notice when it cannot. */
export async function openSource(source: string, sink: NoticeSink, isGtfsName: (name: string) => boolean): Promise<Source | null> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(source);
  } catch (e) {
    sink.add('source_not_found', null, null, null, source, `Cannot read ${source}: ${message(e)}.`);
    return null;
  }
  if (stat.isDirectory()) return openFolder(source, sink, isGtfsName);
  if (!stat.isFile()) {
    sink.add('source_not_found', null, null, null, source, `${source} is neither a zip file nor a folder.`);
    return null;
  }
  return openZip(source, stat.size, sink, isGtfsName);
}

async function openFolder(dir: string, sink: NoticeSink, isGtfsName: (name: string) => boolean): Promise<Source | null> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (e) {
    sink.add('source_not_found', null, null, null, dir, `Cannot list the folder ${dir}: ${message(e)}.`);
    return null;
  }
  const files: SourceFile[] = [];
  const nestedGtfsFiles: string[] = [];
  const otherFiles: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      try {
        for (const inner of await fs.promises.readdir(full)) if (isGtfsName(inner)) nestedGtfsFiles.push(`${e.name}/${inner}`);
      } catch {
        // An unreadable sub-folder holds nothing we would read anyway.
      }
      continue;
    }
    if (!e.name.endsWith('.txt')) {
      otherFiles.push(e.name);
      continue;
    }
    let size = 0;
    try {
      size = (await fs.promises.stat(full)).size;
    } catch {
      // Reported when opened.
    }
    files.push({
      name: e.name,
      size,
      open: () =>
        new Promise<AsyncIterable<Buffer>>((resolve, reject) => {
          const s = fs.createReadStream(full, { highWaterMark: READ_CHUNK });
          s.once('open', () => resolve(s));
          s.once('error', reject);
        }),
    });
  }
  return { kind: 'folder', files, nestedGtfsFiles, otherFiles, close: async () => {} };
}

function openZip(file: string, size: number, sink: NoticeSink, isGtfsName: (name: string) => boolean): Promise<Source | null> {
  return new Promise((resolve) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) {
        sink.add('invalid_zip', null, null, null, path.basename(file), `${path.basename(file)} (${size} bytes) is not a readable zip archive: ${message(err)}.`);
        resolve(null);
        return;
      }
      const files: SourceFile[] = [];
      const nestedGtfsFiles: string[] = [];
      const otherFiles: string[] = [];
      const seen = new Set<string>();
      let settled = false;
      const close = () =>
        new Promise<void>((res) => {
          try {
            zip.close();
          } catch {
            // Already closed.
          }
          res();
        });
      zip.on('error', (e: unknown) => {
        if (settled) return;
        settled = true;
        sink.add('invalid_zip', null, null, null, path.basename(file), `The zip archive ${path.basename(file)} is damaged: ${message(e)}.`);
        void close();
        resolve(null);
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (!name.endsWith('/')) {
          const slash = name.lastIndexOf('/');
          if (slash >= 0) {
            const base = name.slice(slash + 1);
            if (isGtfsName(base)) nestedGtfsFiles.push(name);
          } else if (!name.endsWith('.txt')) {
            otherFiles.push(name);
          } else if (!seen.has(name)) {
            seen.add(name);
            files.push({
              name,
              size: entry.uncompressedSize,
              open: () => openEntry(zip, entry),
            });
          }
        }
        zip.readEntry();
      });
      zip.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ kind: 'zip', files, nestedGtfsFiles, otherFiles, close });
      });
      zip.readEntry();
    });
  });
}

/**
 * Reads an entry's raw bytes and inflates them here (stored or deflated entries), so the inflate chunk
 * size can be chosen; the uncompressed size is checked against the central directory.
 */
function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<AsyncIterable<Buffer>> {
  return new Promise((resolve, reject) => {
    if (entry.isEncrypted()) return reject(new Error('the entry is encrypted'));
    const method = entry.compressionMethod;
    if (method !== 0 && method !== 8) return reject(new Error(`unsupported compression method ${method}`));
    zip.openReadStream(entry, { decodeFileData: false }, (err, raw) => {
      if (err || !raw) return reject(err ?? new Error('no stream'));
      resolve(checkedBytes(raw, method === 8, entry.uncompressedSize));
    });
  });
}

async function* checkedBytes(raw: Readable, deflated: boolean, expected: number): AsyncGenerator<Buffer> {
  let data: Readable = raw;
  if (deflated) {
    const inflate = zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK });
    raw.on('error', (e) => inflate.destroy(e));
    raw.pipe(inflate);
    data = inflate;
  }
  let n = 0;
  try {
    for await (const chunk of data) {
      const b = chunk as Buffer;
      n += b.length;
      if (n > expected) throw new Error(`the entry holds more than the ${expected} bytes its header declares`);
      yield b;
    }
    if (n !== expected) throw new Error(`the entry holds ${n} bytes, its header declares ${expected}`);
  } finally {
    raw.destroy();
    data.destroy();
  }
}
