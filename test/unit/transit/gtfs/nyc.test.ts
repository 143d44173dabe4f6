/**
 * The four real NYC MTA feeds (../shared/data/nyc): counts equal to SOURCE.md, no errors, and a sampled
 * after-midnight stop_time checked against the raw text of stop_times.txt read here with yauzl and a
 * plain line split (independently of the reader's CSV tokenizer). Each feed is read once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { formatReport, readFeed } from '../../../../src/transit/gtfs/reader.ts';
import { NONE, type GtfsFeed, type ValidationReport } from '../../../../src/transit/gtfs/feed.ts';

const NYC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/nyc');

type Expected = { stops: number; trips: number; stopTimes: number };

/** The counts table of SOURCE.md: `| subway.gtfs.zip | operator | 1,488 (…) | 20,621 | 565,093 | … |`. */
function sourceCounts(): Map<string, Expected> {
  const out = new Map<string, Expected>();
  const num = (s: string) => Number(s.trim().split(' ')[0]!.replaceAll(',', ''));
  for (const line of fs.readFileSync(path.join(NYC, 'SOURCE.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!cells[1]?.endsWith('.gtfs.zip')) continue;
    out.set(cells[1], { stops: num(cells[3]!), trips: num(cells[4]!), stopTimes: num(cells[5]!) });
  }
  return out;
}

type RawRow = { line: number; tripId: string; stopId: string; seq: number; arrival: string; departure: string };

/** The first stop_times.txt row whose arrival hour is at least `minHour`, read from the raw zip entry. */
function firstRawRowAfter(zipPath: string, minHour: number): Promise<RawRow> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'stop_times.txt') return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          let rest = '';
          let header: string[] | null = null;
          let lineNo = 0;
          let done = false;
          stream.on('data', (chunk: Buffer) => {
            if (done) return;
            const lines = (rest + chunk.toString('utf8')).split('\n');
            rest = lines.pop()!;
            for (const raw of lines) {
              lineNo++;
              const cells = raw.replace(/\r$/, '').split(',');
              if (!header) {
                header = cells;
                continue;
              }
              const get = (c: string) => cells[header!.indexOf(c)]!;
              const arrival = get('arrival_time');
              if (arrival && Number(arrival.split(':')[0]) >= minHour) {
                done = true;
                stream.destroy();
                zip.close();
                resolve({ line: lineNo, tripId: get('trip_id'), stopId: get('stop_id'), seq: Number(get('stop_sequence')), arrival, departure: get('departure_time') });
                return;
              }
            }
          });
          stream.on('end', () => done || reject(new Error('no row after midnight')));
          stream.on('error', (x) => done || reject(x));
        });
      });
      zip.readEntry();
    });
  });
}

const hms = (t: string) => {
  const [h, m, s] = t.split(':').map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
};

for (const name of ['subway', 'lirr', 'mnr', 'bus_m']) {
  // The shared data sits beside the repository (../shared); without it these tests fail rather than skip.
  describe(`NYC ${name}.gtfs.zip`, () => {
    const zip = path.join(NYC, `${name}.gtfs.zip`);
    let feed: GtfsFeed | null = null;
    let report: ValidationReport;

    before(async () => {
      ({ feed, report } = await readFeed(zip));
    });
    after(() => {
      feed = null; // each feed is large: let it go before the next one
    });

    it('imports with zero errors', () => {
      assert.equal(report.errors, 0, formatReport(report, { json: false }).slice(0, 3000));
      assert.ok(feed);
      assert.equal(feed.feedId, name);
    });

    it('has the stop, trip and stop_time counts of SOURCE.md', () => {
      const expected = sourceCounts().get(`${name}.gtfs.zip`);
      assert.ok(expected, 'row in SOURCE.md');
      assert.deepEqual({ stops: feed!.stops.length, trips: feed!.trips.length, stopTimes: feed!.stopTimes.count }, expected);
    });

    it('keeps stop_times grouped by trip and strictly ordered by stop_sequence', () => {
      const st = feed!.stopTimes;
      assert.equal(st.tripStart[feed!.trips.length], st.count);
      for (let t = 0; t < feed!.trips.length; t++) {
        for (let k = st.tripStart[t]! + 1; k < st.tripStart[t + 1]!; k++) {
          if (st.sequence[k]! <= st.sequence[k - 1]!) assert.fail(`trip ${feed!.trips[t]!.id} out of order at ${k}`);
        }
      }
    });

    it('reads times past 24:00:00 as on a raw row of stop_times.txt', async () => {
      const raw = await firstRawRowAfter(zip, 25);
      const f = feed!;
      const t = f.tripIndex.get(raw.tripId);
      assert.notEqual(t, undefined, `trip ${raw.tripId} (line ${raw.line})`);
      const st = f.stopTimes;
      let k = st.tripStart[t!]!;
      while (k < st.tripStart[t! + 1]! && st.sequence[k] !== raw.seq) k++;
      assert.equal(st.sequence[k], raw.seq);
      assert.equal(f.stops[st.stop[k]!]!.id, raw.stopId);
      assert.ok(st.arrival[k]! >= 25 * 3600);
      assert.equal(st.arrival[k], hms(raw.arrival));
      assert.equal(st.departure[k], hms(raw.departure));
      let late = 0;
      for (let i = 0; i < st.count; i++) if (st.departure[i]! >= 24 * 3600) late++;
      assert.ok(late > 100, `${late} stop_times after midnight`);
    });

    if (name === 'subway') {
      it('links platforms to their stations and reads station transfers', () => {
        const f = feed!;
        const platform = f.stops[f.stopIndex.get('101N')!]!;
        const station = f.stopIndex.get('101')!;
        assert.equal(platform.parent, station);
        assert.equal(f.stops[station]!.locationType, 1);
        assert.equal(f.stops.filter((s) => s.locationType === 1).length, 496);
        const self = f.transfers.find((x) => x.fromStop === station && x.toStop === station);
        assert.deepEqual(self && { type: self.transferType, min: self.minTransferTime }, { type: 2, min: 180 });
      });
    }
    if (name === 'lirr' || name === 'mnr') {
      it('reads trip-to-trip transfer rows', () => {
        const rows = feed!.transfers.filter((x) => x.fromTrip !== NONE && x.toTrip !== NONE);
        assert.ok(rows.length > 0);
        for (const r of rows) assert.ok(r.fromStop !== NONE && feed!.trips[r.fromTrip] && feed!.trips[r.toTrip]);
      });
    }
  });
}
