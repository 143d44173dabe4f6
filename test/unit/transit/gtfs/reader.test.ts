/** What the reader builds from the fixture feed: model contents, sources, feed ids, progress, report text. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { feedIdFromPath, formatReport, readFeed } from '../../../../src/transit/gtfs/reader.ts';
import { NO_TIME, NONE, type GtfsFeed } from '../../../../src/transit/gtfs/feed.ts';
import { BASE, append, edit, feedFiles, tmpDir, writeFolder, writeZip, type Files } from '../../../support/gtfs-fixture.ts';

async function load(files: Files, name?: string): Promise<GtfsFeed> {
  const { feed, report } = await readFeed(writeFolder(files, name));
  assert.ok(feed, formatReport(report, { json: false }));
  return feed;
}

/** stop_times rows of a trip as [stop_id, sequence, arrival, departure]. */
function rows(feed: GtfsFeed, tripId: string): [string, number, number, number][] {
  const t = feed.tripIndex.get(tripId)!;
  const st = feed.stopTimes;
  const out: [string, number, number, number][] = [];
  for (let k = st.tripStart[t]!; k < st.tripStart[t + 1]!; k++) out.push([feed.stops[st.stop[k]!]!.id, st.sequence[k]!, st.arrival[k]!, st.departure[k]!]);
  return out;
}

describe('GTFS reader: model', () => {
  it('reads stations, platforms and their parent relation', async () => {
    const feed = await load(feedFiles());
    const st = feed.stops[feed.stopIndex.get('ST')!]!;
    const p1 = feed.stops[feed.stopIndex.get('ST1')!]!;
    const p2 = feed.stops[feed.stopIndex.get('ST2')!]!;
    assert.equal(st.locationType, 1);
    assert.equal(st.parent, NONE);
    assert.equal(p1.parent, feed.stopIndex.get('ST'));
    assert.equal(p2.parent, feed.stopIndex.get('ST'));
    assert.equal(p1.platformCode, '1');
    assert.equal(p1.zoneId, 'Z1');
    assert.equal(p1.wheelchairBoarding, 0);
    assert.equal(p2.wheelchairBoarding, 2);
    assert.equal(st.wheelchairBoarding, 1);
    assert.equal(p1.lat, 38.0401);
    assert.equal(p1.lon, 114.5101);
    assert.equal(feed.stops[feed.stopIndex.get('B')!]!.code, null);
  });

  it('reads times past 24:00:00, empty times of non-timepoints and stop_times sorted by stop_sequence', async () => {
    const feed = await load(feedFiles());
    assert.deepEqual(rows(feed, 'T2'), [
      ['ST2', 10, 24 * 3600 + 50 * 60, 24 * 3600 + 50 * 60],
      ['B', 20, NO_TIME, NO_TIME],
      ['D', 30, 90600, 90600],
    ]);
    assert.deepEqual(rows(feed, 'T1')[1], ['B', 2, 8 * 3600 + 5 * 60, 8 * 3600 + 6 * 60]);
    const st = feed.stopTimes;
    assert.equal(st.count, 8);
    assert.equal(st.tripStart.length, feed.trips.length + 1);
    const t2 = feed.tripIndex.get('T2')!;
    assert.equal(st.pickupType[st.tripStart[t2]! + 2], 1);
    const t1 = feed.tripIndex.get('T1')!;
    assert.equal(st.dropOffType[st.tripStart[t1]! + 2], 1);
    assert.equal(st.headsign, null);
    assert.equal(st.shapeDistTraveled, null);
  });

  it('groups and sorts stop_times whatever the order of the rows', async () => {
    const [header, ...lines] = (BASE['stop_times.txt'] as string).trimEnd().split('\n');
    const shuffled = [header, ...lines.reverse()].join('\n') + '\n';
    const a = await load(feedFiles());
    const b = await load(feedFiles({ 'stop_times.txt': shuffled }));
    assert.deepEqual(b.stopTimes, a.stopTimes);
  });

  it('copies the one time given to the empty one (with a warning)', async () => {
    const { feed, report } = await readFeed(writeFolder(feedFiles(edit('stop_times.txt', 3, 'arrival_time', ''))));
    assert.ok(feed);
    assert.deepEqual(rows(feed, 'T1')[1], ['B', 2, 8 * 3600 + 6 * 60, 8 * 3600 + 6 * 60]);
    assert.equal(report.warnings, 1);
  });

  it('reads routes with basic and extended types, trips, calendars, frequencies, shapes and feed_info', async () => {
    const feed = await load(feedFiles());
    const x9 = feed.routes[feed.routeIndex.get('X9')!]!;
    assert.equal(x9.type, 109);
    const l1 = feed.routes[feed.routeIndex.get('L1')!]!;
    assert.deepEqual(l1, { id: 'L1', agencyId: 'SJZ', shortName: '1', longName: 'Line 1', type: 1, color: 'E60012', textColor: 'FFFFFF' });
    assert.deepEqual(feed.trips[feed.tripIndex.get('T1')!], {
      id: 'T1',
      route: feed.routeIndex.get('L1'),
      serviceId: 'WK',
      headsign: "Chang'an Park",
      shortName: null,
      directionId: 0,
      blockId: null,
      shapeId: 'SH1',
      wheelchairAccessible: 1,
    });
    assert.equal(feed.trips[feed.tripIndex.get('T2')!]!.wheelchairAccessible, 0);
    assert.deepEqual(feed.calendars, [{ serviceId: 'WK', days: [true, true, true, true, true, false, false], startDate: '20260101', endDate: '20261231' }]);
    assert.deepEqual(feed.calendarDates, [
      { serviceId: 'WK', date: '20261001', exceptionType: 2 },
      { serviceId: 'HOL', date: '20261003', exceptionType: 1 },
    ]);
    const t3 = feed.tripIndex.get('T3')!;
    assert.deepEqual(feed.frequencies, [
      { trip: t3, startTime: 6 * 3600, endTime: 9 * 3600, headwaySecs: 600, exactTimes: 1 },
      { trip: t3, startTime: 9 * 3600, endTime: 22 * 3600, headwaySecs: 900, exactTimes: 0 },
    ]);
    assert.deepEqual([...feed.shapes.get('SH1')!], [114.51, 38.04, 114.52, 38.05, 114.53, 38.06]);
    assert.deepEqual(feed.feedInfo, { publisherName: 'Xietong tests', publisherUrl: 'https://example.org', lang: 'zh', startDate: '20260101', endDate: '20261231', version: 'v1' });
    assert.deepEqual(feed.agencies, [{ id: 'SJZ', name: 'Shijiazhuang Metro', url: 'https://example.org/sjz', timezone: 'Asia/Shanghai', lang: 'zh', phone: null }]);
  });

  it('reads transfers of every type: stop-to-stop, station-to-station, route-to-route and trip-to-trip', async () => {
    const feed = await load(feedFiles());
    const s = (id: string) => feed.stopIndex.get(id)!;
    const r = (id: string) => feed.routeIndex.get(id)!;
    const t = (id: string) => feed.tripIndex.get(id)!;
    const base = { fromStop: NONE, toStop: NONE, fromRoute: NONE, toRoute: NONE, fromTrip: NONE, toTrip: NONE, minTransferTime: null };
    assert.deepEqual(feed.transfers, [
      { ...base, fromStop: s('ST'), toStop: s('ST'), transferType: 2, minTransferTime: 120 },
      { ...base, fromStop: s('ST1'), toStop: s('B'), transferType: 0 },
      { ...base, fromStop: s('B'), toStop: s('B'), fromRoute: r('L1'), toRoute: r('X9'), transferType: 3 },
      { ...base, fromStop: s('ST1'), toStop: s('ST1'), fromTrip: t('T3'), toTrip: t('T1'), transferType: 1 },
      { ...base, fromStop: s('C'), toStop: s('D'), fromTrip: t('T1'), toTrip: t('T2'), transferType: 4 },
      { ...base, fromStop: s('ST1'), toStop: s('ST2'), fromTrip: t('T3'), toTrip: t('T2'), transferType: 5 },
    ]);
  });

  it('reads stop_headsign and shape_dist_traveled when present', async () => {
    const feed = await load(
      feedFiles({
        'stop_times.txt':
          'trip_id,arrival_time,departure_time,stop_id,stop_sequence,stop_headsign,shape_dist_traveled\n' +
          'T1,08:00:00,08:00:00,ST1,1,To C,0\nT1,08:05:00,08:06:00,B,2,,1200.5\nT1,08:10:00,08:10:00,C,3,To C,2400\n' +
          'T2,24:50:00,24:50:00,ST2,1,,\nT2,25:10:00,25:10:00,D,2,,\nT3,09:00:00,09:00:00,D,1,,\nT3,09:20:00,09:20:00,ST1,2,,\n',
      }),
    );
    const t1 = feed.tripIndex.get('T1')!;
    const k = feed.stopTimes.tripStart[t1]!;
    assert.deepEqual(feed.stopTimes.headsign!.slice(k, k + 3), ['To C', null, 'To C']);
    assert.deepEqual([...feed.stopTimes.shapeDistTraveled!.slice(k, k + 3)], [0, 1200.5, 2400]);
    assert.ok(Number.isNaN(feed.stopTimes.shapeDistTraveled![feed.stopTimes.tripStart[feed.tripIndex.get('T2')!]!]!));
  });

  it('keeps fare files, translations and unknown files verbatim in extraFiles', async () => {
    const { feed, report } = await readFeed(
      writeFolder(
        feedFiles({
          'fare_attributes.txt': 'fare_id,price,currency_type,payment_method,transfers\nF1,2.00,CNY,0,\n',
          'fare_rules.txt': 'fare_id,route_id\nF1,L1\n',
          'fare_products.txt': 'fare_product_id,amount,currency\nP1,3,CNY\n',
          'translations.txt': 'table_name,field_name,language,translation,record_id\nstops,stop_name,en,"Central ""Main"" Station\nEast Hall",ST\n',
          'notes.txt': 'note_id,note\nN1, keep  spaces \n',
        }),
      ),
    );
    assert.ok(feed);
    assert.deepEqual(feed.extraFiles.get('fare_attributes.txt'), [{ fare_id: 'F1', price: '2.00', currency_type: 'CNY', payment_method: '0', transfers: '' }]);
    assert.deepEqual(feed.extraFiles.get('fare_rules.txt'), [{ fare_id: 'F1', route_id: 'L1' }]);
    assert.deepEqual(feed.extraFiles.get('fare_products.txt'), [{ fare_product_id: 'P1', amount: '3', currency: 'CNY' }]);
    assert.equal(feed.extraFiles.get('translations.txt')![0]!.translation, 'Central "Main" Station\nEast Hall');
    assert.deepEqual(feed.extraFiles.get('notes.txt'), [{ note_id: 'N1', note: ' keep  spaces ' }]);
    assert.deepEqual(
      report.notices.map((n) => [n.code, n.file]),
      [['unknown_file', 'notes.txt']],
    );
  });

  it('keeps a column named __proto__ as plain data, and survives a throwing progress callback', async () => {
    const { feed } = await readFeed(writeFolder(feedFiles({ 'odd.txt': '__proto__,constructor\npolluted,yes\n' })), {
      onProgress: () => {
        throw new Error('progress bar broke');
      },
    });
    const row = feed!.extraFiles.get('odd.txt')![0]!;
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, 'polluted');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reads the same feed from a folder, a deflated zip and a stored zip, with CRLF and a BOM', async () => {
    const crlf = Object.fromEntries(Object.entries(BASE).map(([k, v]) => [k, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from((v as string).replaceAll('\n', '\r\n'))])]));
    const fromFolder = await load(feedFiles());
    for (const source of [writeZip(BASE as Files), writeZip(BASE as Files, 'feed.zip', { store: true }), writeZip(crlf), writeFolder(crlf)]) {
      const { feed, report } = await readFeed(source, { feedId: 'feed' });
      assert.equal(report.notices.length, 0, formatReport(report, { json: false }));
      assert.deepEqual(feed, fromFolder);
    }
  });

  it('ignores directories and reports non-text files of a zip as unknown', async () => {
    const { feed, report } = await readFeed(writeZip({ ...(BASE as Files), 'docs/': '', 'docs/readme.md': '# hi', 'logo.png': Buffer.from([0x89, 0x50]) }));
    assert.ok(feed);
    assert.deepEqual(
      report.notices.map((n) => [n.code, n.file]),
      [['unknown_file', 'logo.png']],
    );
  });
});

describe('GTFS reader: feed ids, progress and report', () => {
  it('derives the feed id from the file or folder name', async () => {
    assert.equal(feedIdFromPath('/data/nyc/bus_m.gtfs.zip'), 'bus_m');
    assert.equal(feedIdFromPath('C:\\feeds\\Beijing-Subway.ZIP'.split('\\').join('/')), 'Beijing-Subway');
    assert.equal(feedIdFromPath('/data/sjz_bus/'), 'sjz_bus');
    assert.equal(feedIdFromPath('rail.gtfs.zip'), 'rail');
    const { feed } = await readFeed(writeZip(BASE as Files, 'jjj_rail.gtfs.zip'));
    assert.equal(feed?.feedId, 'jjj_rail');
    const bad = await readFeed(writeFolder(feedFiles(), 'my feed'));
    assert.equal(bad.feed, null);
    assert.equal(bad.report.feedId, 'my feed');
    assert.equal(bad.report.notices[0]?.code, 'invalid_feed_id');
    const named = await readFeed(writeFolder(feedFiles(), 'my feed'), { feedId: 'sjz' });
    assert.equal(named.feed?.feedId, 'sjz');
  });

  it('reports progress per file with rows and bytes', async () => {
    const seen: { file: string; rows: number; bytes?: number; totalBytes?: number }[] = [];
    await readFeed(writeZip(BASE as Files), { onProgress: (p) => seen.push(p) });
    const last = new Map(seen.map((p) => [p.file, p]));
    assert.deepEqual([...last.keys()].sort(), Object.keys(BASE).sort());
    const st = last.get('stop_times.txt')!;
    assert.equal(st.rows, 8);
    assert.equal(st.bytes, Buffer.byteLength(BASE['stop_times.txt'] as string));
    assert.equal(st.totalBytes, st.bytes);
  });

  it('formats a report as text grouped by code, and as JSON', async () => {
    const { report } = await readFeed(writeFolder(feedFiles({ ...edit('stop_times.txt', 3, 'stop_id', 'NOPE'), ...append('stops.txt', 'F,Far,38.1,114.6,0,,,,') })), { maxNotices: 1 });
    const text = formatReport(report, { json: false });
    assert.match(text, /^Feed feed: REJECTED — 1 error, 1 warning, 0 info/);
    assert.match(text, /ERROR foreign_key_violation \(1\)\n {2}stop_times\.txt:3 stop_id="NOPE" {2}stop_id "NOPE" is not in stops\.txt\./);
    assert.match(text, /WARNING stop_without_stop_time \(1\)\n {2}… and 1 more/);
    assert.deepEqual(JSON.parse(formatReport(report, { json: true })), report);
  });

  it('never throws, even for a path that is a device or a folder it cannot read', async () => {
    const { feed, report } = await readFeed('/dev/null');
    assert.equal(feed, null);
    assert.ok(report.errors > 0);
    const dir = path.join(tmpDir(), 'locked');
    fs.mkdirSync(dir);
    const res = await readFeed(path.join(dir, 'missing', 'feed.zip'));
    assert.equal(res.report.notices[0]?.code, 'source_not_found');
  });
});
