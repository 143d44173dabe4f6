import { pinyin } from 'pinyin-pro';
import type { GtfsFeed } from './gtfs/feed.ts';
import { qualify } from './gtfs/feed.ts';

/**
 * Station search in Chinese characters, pinyin (full or initials) and English. Names come from
 * stop_name, GTFS translations.txt (any language, e.g. `en`, `zh-Latn-pinyin`) and, for names in
 * Chinese characters, pinyin computed with pinyin-pro. Only places a traveller picks are indexed:
 * stations, and stops that have no parent station.
 */
export type StopHit = {
  id: string; // feedId:stopId
  feedId: string;
  name: string;
  names: Record<string, string>; // language → name (from translations)
  lat: number;
  lon: number;
  locationType: number;
  score: number;
};

type Entry = Omit<StopHit, 'score'> & { keys: string[] };

const CJK = /[\u3400-\u9fff]/;

/** Lowercase, without spaces, apostrophes, hyphens and dots: "Xiong'an" → "xiongan". */
export function normalizeName(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s'’`·.\-–—_()（）]/g, '');
}

/**
 * GTFS translations.txt of one table field: record id → language → text. Rows given by `field_value`
 * instead of `record_id` apply to every record whose field has that value (`values` lists them).
 */
export function translationsFor(feed: GtfsFeed, table = 'stops', field = 'stop_name', values: [string, string][] = feed.stops.map((s) => [s.id, s.name])): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const rows = feed.extraFiles.get('translations.txt') ?? [];
  const byName = new Map<string, string[]>();
  for (const [id, v] of values) byName.set(v, [...(byName.get(v) ?? []), id]);
  for (const r of rows) {
    if (r.table_name !== table || r.field_name !== field || !r.language || !r.translation) continue;
    const ids = r.record_id ? [r.record_id] : r.field_value ? (byName.get(r.field_value) ?? []) : [];
    for (const id of ids) {
      const m = out.get(id) ?? {};
      m[r.language] = r.translation;
      out.set(id, m);
    }
  }
  return out;
}

export class StopSearch {
  private entries: Entry[] = [];

  constructor(feeds: readonly GtfsFeed[]) {
    for (const feed of feeds) {
      const tr = translationsFor(feed);
      feed.stops.forEach((s) => {
        const pickable = s.locationType === 1 || (s.locationType === 0 && s.parent < 0);
        if (!pickable) return;
        const names = tr.get(s.id) ?? {};
        const keys = new Set<string>([normalizeName(s.name), normalizeName(s.id)]);
        for (const n of Object.values(names)) keys.add(normalizeName(n));
        if (CJK.test(s.name)) {
          keys.add(normalizeName(pinyin(s.name, { toneType: 'none' })));
          keys.add(normalizeName(pinyin(s.name, { pattern: 'first', toneType: 'none' })));
        }
        this.entries.push({ id: qualify(feed.feedId, s.id), feedId: feed.feedId, name: s.name, names, lat: s.lat, lon: s.lon, locationType: s.locationType, keys: [...keys].filter(Boolean) });
      });
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Best matches first: exact name, then prefix, then substring; stations before platforms; shorter names first. */
  search(query: string, limit = 10): StopHit[] {
    const q = normalizeName(query);
    if (!q) return [];
    const hits: StopHit[] = [];
    for (const e of this.entries) {
      let best = 0;
      for (const k of e.keys) {
        const score = k === q ? 3 : k.startsWith(q) ? 2 : k.includes(q) ? 1 : 0;
        if (score > best) best = score;
      }
      if (best > 0) {
        const { keys: _keys, ...hit } = e;
        hits.push({ ...hit, score: best });
      }
    }
    hits.sort((a, b) => b.score - a.score || Number(b.locationType === 1) - Number(a.locationType === 1) || a.name.length - b.name.length || a.id.localeCompare(b.id));
    return hits.slice(0, limit);
  }
}
