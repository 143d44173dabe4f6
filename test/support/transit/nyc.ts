/** NYC MTA feeds from ../shared/data/nyc (see SOURCE.md there), read once per test process. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFeed } from '../../../src/transit/gtfs/reader.ts';
import type { GtfsFeed } from '../../../src/transit/gtfs/feed.ts';

export const NYC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/nyc');
export const NYC_DATE = '20261014'; // a Wednesday all four feeds run
export type NycFeed = 'subway' | 'lirr' | 'mnr' | 'bus_m';

const cache = new Map<NycFeed, Promise<GtfsFeed>>();

export function nycPath(name: NycFeed): string {
  return path.join(NYC_DIR, `${name}.gtfs.zip`);
}

export function loadNyc(name: NycFeed): Promise<GtfsFeed> {
  let p = cache.get(name);
  if (!p) {
    p = readFeed(nycPath(name), { feedId: name }).then(({ feed, report }) => {
      if (!feed) throw new Error(`NYC feed ${name} rejected: ${report.errors} errors, first: ${report.notices[0]?.message ?? "?"}`);
      return feed;
    });
    cache.set(name, p);
  }
  return p;
}

/** A deterministic pseudo-random generator (LCG) for query sampling. */
export function sampler(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}
