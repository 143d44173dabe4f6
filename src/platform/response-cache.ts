import crypto from 'node:crypto';
import type { ChangeFeed } from './changes.ts';

export type CachedBody = { body: Buffer; etag: string };

/**
 * Serialised, pre-encoded responses of hot public reads (the plan's goals list is read far more often
 * than written). Each entry depends on tables; a change of any of them drops it. A generation counter
 * keeps a response computed before a change from being stored after it.
 */
export class ResponseCache {
  private entries = new Map<string, CachedBody & { tables: readonly string[] }>();
  private generation = 0;

  constructor(changes: ChangeFeed, private maxEntries = 500) {
    changes.on('change', (table: string) => this.invalidate(table));
  }

  invalidate(table: string): void {
    this.generation++;
    if (table === '*') {
      this.entries.clear();
      return;
    }
    for (const [k, e] of this.entries) if (e.tables.includes(table)) this.entries.delete(k);
  }

  async get(key: string, tables: readonly string[], compute: () => Promise<unknown>): Promise<CachedBody> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const gen = this.generation;
    const body = Buffer.from(JSON.stringify(await compute()), 'utf8');
    const entry = { body, etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"`, tables };
    if (gen === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, entry);
    }
    return entry;
  }
}
