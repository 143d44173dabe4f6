import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestEnv, testDb, projectRoot, type TestEnv } from '../support/harness.ts';
import { BASE, edit, feedFiles, zipBuffer, type Files } from '../support/gtfs-fixture.ts';

type Json = Record<string, any>;

/** Plain CSV rows of a bundled feed file (no quoted commas in these files). */
function rows(feed: string, file: string): Record<string, string>[] {
  const [head, ...lines] = fs.readFileSync(path.join(projectRoot, 'data', 'jjj', feed, file), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}
const secs = (t: string) => {
  const [h, m, s] = t.split(':').map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
};

describe(`transit API on the bundled regional network (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  let transportEditor: string;
  let cityEditor: string;
  before(async () => {
    env = await startTestEnv();
    admin = await env.token('admin', {}, 'admin');
    transportEditor = await env.token('editor', { departmentId: 'transport' }, 'transport');
    cityEditor = await env.token('editor', { cityId: 'shijiazhuang' }, 'city');
  });
  after(async () => env.close());

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const r = await env.app.inject({ method: 'GET', url, headers });
    return { status: r.statusCode, type: String(r.headers['content-type']), body: JSON.parse(r.body) as Json };
  };
  const upload = async (id: string, body: Buffer, token?: string) => {
    const r = await env.app.inject({ method: 'POST', url: `/api/transit/feeds/${id}`, payload: body, headers: { 'content-type': 'application/zip', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    return { status: r.statusCode, body: JSON.parse(r.body) as Json };
  };

  it('loads the bundled feeds at first start, labelled illustrative', async () => {
    const feeds = (await get('/api/transit/feeds')).body.items as Json[];
    const dirs = fs.readdirSync(path.join(projectRoot, 'data', 'jjj'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    assert.deepEqual(feeds.map((f) => f.id), dirs);
    for (const f of feeds) {
      assert.equal(f.errors, 0);
      assert.equal(f.label.en, 'illustrative schedule built from published travel times');
      assert.equal(f.counts.trips, rows(f.id, 'trips.txt').length);
      assert.equal(f.counts.stopTimes, rows(f.id, 'stop_times.txt').length);
    }
  });

  it('finds stations by Chinese characters, pinyin, initials and English', async () => {
    for (const q of ['石家庄', 'shijiazhuang', 'sjz', 'Shijiazhuang']) {
      const hits = (await get(`/api/transit/stops?q=${encodeURIComponent(q)}`)).body.items as Json[];
      assert.ok(hits.length > 0, q);
      assert.equal(hits[0]!.name, '石家庄', q);
      assert.equal(hits[0]!.locationType, 1);
    }
    const bj = (await get(`/api/transit/stops?q=${encodeURIComponent('Beijing West')}`)).body.items as Json[];
    assert.ok(bj.every((h) => h.name === '北京西'));
    assert.equal((await get('/api/transit/stops?q=')).status, 400);
  });

  it('plans Shijiazhuang → Beijing West with the earliest arrival the timetable allows', async () => {
    const r = await get('/api/transit/plan?from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2026-10-14&time=07:00');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.notices, [{ zh: '示意时刻表，依据公开报道的运行时间编制', en: 'illustrative schedule built from published travel times' }]);
    // Independent reference: scan the feed's own stop_times for direct trips (every service runs daily).
    const st = rows('cr-hsr', 'stop_times.txt');
    const byTrip = new Map<string, Record<string, string>[]>();
    for (const s of st) byTrip.set(s.trip_id!, [...(byTrip.get(s.trip_id!) ?? []), s]);
    let best = Infinity;
    for (const list of byTrip.values()) {
      list.sort((a, b) => Number(a.stop_sequence) - Number(b.stop_sequence));
      const i = list.findIndex((s) => s.stop_id!.startsWith('shijiazhuang-') && secs(s.departure_time!) >= 7 * 3600);
      const j = list.findIndex((s, k) => k > i && s.stop_id!.startsWith('beijingxi-'));
      if (i >= 0 && j > i) best = Math.min(best, secs(list[j]!.arrival_time!));
    }
    const direct = (r.body.itineraries as Json[]).find((it) => it.transfers === 0)!;
    assert.ok(direct, 'a direct journey');
    assert.equal(secs(direct.arrival), best);
    assert.ok(secs(direct.departure) >= 7 * 3600);
    assert.match(direct.departureAt, /^2026-10-14T\d\d:\d\d:00\+08:00$/);
    const ride = (direct.legs as Json[]).find((l) => l.mode !== 'WALK')!;
    assert.equal(ride.from.name, '石家庄');
    assert.equal(ride.to.name, '北京西');
    assert.equal(ride.to.names.en, 'Beijing West', 'translations.txt names come with the legs');
    assert.ok(ride.route.shortNames.en);
    // GeoJSON of the same query.
    const g = await env.app.inject({ method: 'GET', url: '/api/transit/plan?from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2026-10-14&time=07:00&format=geojson' });
    assert.equal(g.headers['content-type'], 'application/geo+json');
    const fc = JSON.parse(g.body) as Json;
    assert.equal(fc.type, 'FeatureCollection');
    assert.ok(fc.features.every((f: Json) => f.geometry.type === 'LineString' && f.geometry.coordinates.length >= 2));
  });

  it('reports the size and build time of the network and of the timetable of a date', async () => {
    const r = await get('/api/transit/network?date=2026-10-14');
    assert.equal(r.status, 200);
    const trips = fs.readdirSync(path.join(projectRoot, 'data', 'jjj'), { withFileTypes: true }).filter((d) => d.isDirectory()).reduce((n, d) => n + rows(d.name, 'trips.txt').length, 0);
    assert.equal(r.body.network.trips, trips);
    assert.equal(r.body.timetable.date, '20261014');
    assert.ok(r.body.timetable.trips > 0 && r.body.timetable.bytes > 0);
  });

  it('arrive-by and window queries answer consistently with depart-after', async () => {
    const dep = (await get('/api/transit/plan?from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2026-10-14&time=07:00')).body.itineraries as Json[];
    const arrival = dep[0]!.arrival as string;
    const ab = (await get(`/api/transit/plan?from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2026-10-14&time=${arrival}&arriveBy=true`)).body.itineraries as Json[];
    assert.ok(ab.length > 0);
    assert.ok(secs(ab[0]!.arrival) <= secs(arrival));
    assert.ok(secs(ab[0]!.departure) >= secs(dep[0]!.departure), 'the latest departure is no earlier than the one depart-after found');
    const win = (await get('/api/transit/plan?from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2026-10-14&time=07:00&window=60')).body.itineraries as Json[];
    assert.ok(win.length >= 1);
    assert.ok(win.every((j) => secs(j.departure) >= 7 * 3600 && secs(j.departure) <= 8 * 3600));
    // Complete: every depart-after answer from a time in the window whose train leaves inside it is matched or
    // beaten by a window itinerary leaving no earlier.
    for (let t = 7 * 3600; t <= 8 * 3600; t += 600) {
      const hhmm = `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String((t / 60) % 60).padStart(2, '0')}`;
      const single = (await get(`/api/transit/plan?from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2026-10-14&time=${hhmm}`)).body.itineraries as Json[];
      for (const j of single.filter((x) => secs(x.departure) <= 8 * 3600))
        assert.ok(
          win.some((w) => secs(w.departure) >= secs(j.departure) && secs(w.arrival) <= secs(j.arrival) && w.transfers <= j.transfers),
          `from ${hhmm}: ${j.departure}→${j.arrival} is covered by the window answer`,
        );
    }
  });

  it('refuses bad planner input naming the field, never 500', async () => {
    const cases: [string, string][] = [
      ['from=nowhere:x&to=cr-hsr:beijingxi', 'from'],
      ['from=cr-hsr:shijiazhuang&to=91,200', 'to'],
      ['from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&time=7h', 'time'],
      ['from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&window=600', 'window'],
      ['from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&maxTransfers=99', 'maxTransfers'],
      ['from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2026-02-30', 'date'],
      ['to=cr-hsr:beijingxi', 'from'],
      ['from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&arriveBy=true&window=30', 'window'],
      ['from=cr-hsr:shijiazhuang&to=cr-hsr:shijiazhuang', 'to'],
    ];
    for (const [qs, field] of cases) {
      const r = await get(`/api/transit/plan?${qs}`, { 'accept-language': 'en' });
      assert.equal(r.status, 400, qs);
      assert.ok((r.body.errors as Json[]).some((e) => e.field === field && e.in === 'query'), `${qs}: ${JSON.stringify(r.body.errors)}`);
    }
    const outside = await get('/api/transit/plan?from=cr-hsr:shijiazhuang&to=cr-hsr:beijingxi&date=2027-03-01&time=07:00', { 'accept-language': 'en' });
    assert.equal(outside.status, 200);
    assert.equal(outside.body.itineraries.length, 0);
    assert.ok((outside.body.notices as Json[]).some((n) => /outside the service period/.test(n.en)));
  });

  it('imports an uploaded feed (admins and transport editors only), audited, and plans on it', async () => {
    const zip = zipBuffer(BASE as Files);
    assert.equal((await upload('fixture', zip)).status, 401);
    assert.equal((await upload('fixture', zip, cityEditor)).status, 403);
    const ok = await upload('fixture', zip, transportEditor);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.counts.trips, 3);
    const audit = (await get('/api/audit?entityType=transit.feed&entityId=fixture', { authorization: `Bearer ${admin}` })).body.items as Json[];
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor.label, 'transport');
    const plan = await get('/api/transit/plan?from=fixture:ST&to=fixture:B&date=2026-10-14&time=07:59');
    assert.equal(plan.status, 200);
    // The fixture's transfers.txt makes ST1 → B a walk of 25 min 18 s (type 0); leaving at 07:59, riding
    // T1 (ST1 08:00 → B 08:05) beats it.
    const rides = (plan.body.itineraries as Json[]).flatMap((it) => (it.legs as Json[]).filter((l) => l.trip));
    assert.ok(rides.some((l) => l.trip.id === 'fixture:T1' && l.arrival === '08:05:00'), JSON.stringify(plan.body.itineraries));
  });

  it('a malformed feed gets a clear report and changes nothing already imported', async () => {
    const before = (await get('/api/transit/feeds')).body.items as Json[];
    const plan = async () => (await get('/api/transit/plan?from=fixture:ST&to=fixture:B&date=2026-10-14&time=07:30')).body;
    const planBefore = await plan();
    const bad: [string, Buffer, string, string | null][] = [
      ['bad time', zipBuffer(feedFiles(edit('stop_times.txt', 2, 'arrival_time', '8h00'))), 'invalid_time', 'stop_times.txt'],
      ['dangling trip', zipBuffer(feedFiles(edit('stop_times.txt', 2, 'trip_id', 'NOPE'))), 'foreign_key_violation', 'stop_times.txt'],
      ['missing stops.txt', zipBuffer(feedFiles({ 'stops.txt': null })), 'missing_required_file', 'stops.txt'],
      ['garbage bytes', Buffer.from('PK\u0003\u0004 this is not a zip at all', 'latin1'), 'invalid_zip', null],
    ];
    for (const [what, body, code, file] of bad) {
      const r = await upload('fixture', body, admin);
      assert.equal(r.status, 422, what);
      assert.equal(r.body.imported, false);
      const n = (r.body.report.notices as Json[]).find((x) => x.code === code);
      assert.ok(n, `${what}: ${code} in ${JSON.stringify(r.body.report.notices.map((x: Json) => x.code))}`);
      assert.equal(n.severity, 'error');
      assert.equal(n.file, file);
      if (code === 'invalid_time' || code === 'foreign_key_violation') assert.equal(n.line, 2);
    }
    assert.deepEqual((await get('/api/transit/feeds')).body.items, before);
    assert.deepEqual(await plan(), planBefore);
    const audit = (await get('/api/audit?entityType=transit.feed&entityId=fixture', { authorization: `Bearer ${admin}` })).body.items as Json[];
    assert.equal(audit.length, 1, 'rejected imports write nothing');
  });

  it('deletes a feed (audited) and the planner forgets it', async () => {
    const del = await env.app.inject({ method: 'DELETE', url: '/api/transit/feeds/fixture', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(del.statusCode, 204);
    const r = await get('/api/transit/plan?from=fixture:ST&to=fixture:B&date=2026-10-14&time=07:30', { 'accept-language': 'en' });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].field, 'from');
  });
});
