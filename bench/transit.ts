// Issue #3: journey-planner benchmarks on the NYC MTA feeds (../shared/data/nyc).
//
//   npm run bench:transit        (node --import tsx bench/transit.ts)
//
// Measures, in one run and on the same random queries:
//   (a) NYC subway alone (transfers.txt only: station transfers expanded to platform pairs):
//       depart-after latest p50/p95, this engine and raptor-journey-planner;
//   (b) the four feeds merged with generated 500 m footpaths: the same;
//   range queries over a 60-minute window against single queries;
//   building (b): parsing, network and timetable time, and the process's peak RSS at that point.
// raptor-journey-planner (npm, GPL-3.0) is installed into a temporary folder at bench time
// (`npm install --prefix <dir>`), never as a dependency of the project. It takes stop-level transfers
// only, so it gets exactly this engine's footpaths (station rows expanded to platform pairs, plus the
// generated ones in (b)) and change times as its "interchange"; both plan from the same stop sets.
// Differences it cannot share: it has no trips of the previous service day after midnight, no
// trip-to-trip rules, and counts a footpath as a change.
//
// Environment (optional): BENCH_QUERIES=400 queries per network, BENCH_RANGE_QUERIES=100,
// BENCH_RJP=0 to skip raptor-journey-planner, BENCH_RJP_VERSION=2.2.3, BENCH_RJP_DIR=<dir with
// node_modules/raptor-journey-planner already installed>, BENCH_SEED=1.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFeed } from '../src/transit/gtfs/reader.ts';
import type { GtfsFeed } from '../src/transit/gtfs/feed.ts';
import { buildNetwork, buildTimetable, departAfter, departureRange, stopsOf, activeServices, type Network, type Timetable } from '../src/transit/engine/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NYC = path.resolve(root, '../shared/data/nyc');
const DATE = '20261014';
const N = intEnv('BENCH_QUERIES', 400);
const NR = intEnv('BENCH_RANGE_QUERIES', 100);
const SEED = intEnv('BENCH_SEED', 1);
const RJP_VERSION = process.env.BENCH_RJP_VERSION ?? '2.2.3';
const WITH_RJP = process.env.BENCH_RJP !== '0';
const TARGET = { aP50: 1.5, bP50: 15, bP95: 50, rangeRatio: 5, speedup: 10, buildS: 20, buildMb: 1536 };

function intEnv(name: string, def: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => Math.round(x * 1000) / 1000;
const log = (s: string) => process.stderr.write(`${s}\n`);

function sampler(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

async function load(name: string): Promise<GtfsFeed> {
  const { feed, report } = await readFeed(path.join(NYC, `${name}.gtfs.zip`), { feedId: name });
  if (!feed) throw new Error(`${name} rejected: ${report.errors} errors`);
  return feed;
}

type Query = { from: number; to: number; time: number };

/** Random queries between places (stations, and stops that have no station), 06:00–22:00. */
function queries(net: Network, n: number, seed: number): Query[] {
  const places: number[] = [];
  for (let s = 0; s < net.stopCount; s++) {
    if (net.stopLocationType[s] === 1 && stopsOf(net, s).length > 0) places.push(s);
    else if (net.stopServed[s] && net.stopParent[s]! < 0) places.push(s);
  }
  const r = sampler(seed);
  return Array.from({ length: n }, () => ({ from: r.pick(places), to: r.pick(places), time: 6 * 3600 + Math.floor(r.next() * 16 * 3600) }));
}

function timeOurs(tt: Timetable, qs: Query[]): { lat: number[]; arrivals: (number | null)[] } {
  for (const q of qs.slice(0, 50)) departAfter(tt, { stop: q.from }, { stop: q.to }, q.time); // warm-up
  const lat: number[] = [];
  const arrivals: (number | null)[] = [];
  for (const q of qs) {
    const t = performance.now();
    const js = departAfter(tt, { stop: q.from }, { stop: q.to }, q.time);
    lat.push(performance.now() - t);
    arrivals.push(js.length ? Math.min(...js.map((j) => j.arrival)) : null);
  }
  return { lat, arrivals };
}

// ---------------------------------------------------------------------------------------------------
// raptor-journey-planner

type Rjp = {
  RaptorAlgorithmFactory: { create(trips: unknown[], transfers: unknown, interchange: unknown, date?: Date): unknown };
  GroupStationDepartAfterQuery: new (raptor: unknown, results: unknown, maxSearchDays?: number) => { plan(o: string[], d: string[], date: Date, time: number): { arrivalTime: number }[] };
  JourneyFactory: new () => unknown;
  Service: new (start: number, end: number, days: Record<number, boolean>, dates: Record<number, boolean>) => unknown;
};

function installRjp(): Rjp {
  const dir = process.env.BENCH_RJP_DIR ?? path.join(os.tmpdir(), `xietong-bench-raptor-journey-planner-${RJP_VERSION}`);
  const pkg = path.join(dir, 'node_modules', 'raptor-journey-planner', 'package.json');
  if (!fs.existsSync(pkg)) {
    log(`installing raptor-journey-planner@${RJP_VERSION} into ${dir} (temporary, not a project dependency)…`);
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', `raptor-journey-planner@${RJP_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return createRequire(pkg)('raptor-journey-planner') as Rjp;
}

/** The same trips, footpaths and change times in raptor-journey-planner's input shape. */
function rjpInput(rjp: Rjp, net: Network, feeds: GtfsFeed[]) {
  const services = new Map<string, unknown>();
  for (const f of feeds) {
    const dates = new Map<string, Record<number, boolean>>();
    for (const c of f.calendarDates) {
      const d = dates.get(c.serviceId) ?? {};
      d[Number(c.date)] = c.exceptionType === 1;
      dates.set(c.serviceId, d);
    }
    const seen = new Set<string>();
    for (const c of f.calendars) {
      seen.add(c.serviceId);
      // calendar.txt is Monday-first, JavaScript's getDay() Sunday-first
      const days = { 0: c.days[6], 1: c.days[0], 2: c.days[1], 3: c.days[2], 4: c.days[3], 5: c.days[4], 6: c.days[5] };
      services.set(`${f.feedId}:${c.serviceId}`, new rjp.Service(Number(c.startDate), Number(c.endDate), days, dates.get(c.serviceId) ?? {}));
    }
    for (const [id, d] of dates) if (!seen.has(id)) services.set(`${f.feedId}:${id}`, new rjp.Service(0, 0, { 0: false, 1: false, 2: false, 3: false, 4: false, 5: false, 6: false }, d));
  }
  const trips: unknown[] = [];
  for (let t = 0; t < net.tripCount; t++) {
    if (!net.tripValid[t]) continue;
    const stopTimes = [];
    const flagsStart = net.patStart[net.tripPattern[t]!]!;
    for (let r = net.stStart[t]!, i = 0; r < net.stStart[t + 1]!; r++, i++) {
      const fl = net.patFlags[flagsStart + i]!;
      stopTimes.push({ stop: net.stopId[net.stStop[r]!]!, arrivalTime: net.stArr[r]!, departureTime: net.stDep[r]!, pickUp: (fl & 1) === 1, dropOff: (fl & 2) === 2 });
    }
    const serviceId = net.serviceId[net.tripService[t]!]!;
    trips.push({ tripId: net.tripId[t]!, stopTimes, serviceId, service: services.get(serviceId) ?? new rjp.Service(0, 0, {}, {}) });
  }
  const transfers: Record<string, unknown[]> = {};
  const interchange: Record<string, number> = {};
  for (let s = 0; s < net.stopCount; s++) {
    const id = net.stopId[s]!;
    if (net.changeTime[s]! > 0) interchange[id] = net.changeTime[s]!;
    for (let e = net.fpStart[s]!; e < net.fpStart[s + 1]!; e++)
      (transfers[id] ??= []).push({ origin: id, destination: net.stopId[net.fpTo[e]!]!, duration: net.fpDur[e]!, startTime: 0, endTime: Number.MAX_SAFE_INTEGER });
  }
  return { trips, transfers, interchange };
}

function timeRjp(rjp: Rjp, net: Network, feeds: GtfsFeed[], qs: Query[]): { lat: number[]; arrivals: (number | null)[]; buildMs: number } {
  const t0 = performance.now();
  const { trips, transfers, interchange } = rjpInput(rjp, net, feeds);
  const date = new Date(Date.UTC(2026, 9, 14, 12));
  const raptor = rjp.RaptorAlgorithmFactory.create(trips, transfers, interchange, date);
  const query = new rjp.GroupStationDepartAfterQuery(raptor, new rjp.JourneyFactory(), 1);
  const buildMs = performance.now() - t0;
  // It fails on stops that no trip of the date serves: keep those out of its stop sets.
  const known = new Set<string>();
  for (const t of trips as { service: { runsOn(d: number, dow: number): boolean }; stopTimes: { stop: string }[] }[])
    if (t.service.runsOn(20261014, date.getDay())) for (const st of t.stopTimes) known.add(st.stop);
  const ids = (s: number) => stopsOf(net, s).map((x) => net.stopId[x]!).filter((id) => known.has(id));
  const plan = (q: Query) => {
    const o = ids(q.from);
    const d = ids(q.to);
    return o.length && d.length ? query.plan(o, d, new Date(date), q.time) : [];
  };
  for (const q of qs.slice(0, 20)) plan(q); // warm-up
  const lat: number[] = [];
  const arrivals: (number | null)[] = [];
  for (const q of qs) {
    const t = performance.now();
    const js = plan(q);
    lat.push(performance.now() - t);
    arrivals.push(js.length ? Math.min(...js.map((j) => j.arrivalTime)) : null);
  }
  return { lat, arrivals, buildMs };
}

// ---------------------------------------------------------------------------------------------------

type NetResult = {
  network: string;
  stops: number;
  patterns: number;
  trips: number;
  footpaths: number;
  queries: number;
  p50: number;
  p95: number;
  mean: number;
  rjp: { p50: number; p95: number; mean: number; buildMs: number; sameArrival: number } | null;
  speedupP50: number | null;
};

function runNetwork(label: string, net: Network, tt: Timetable, feeds: GtfsFeed[], rjp: Rjp | null, seed: number): NetResult {
  const qs = queries(net, N, seed);
  log(`${label}: ${N} depart-after queries…`);
  const ours = timeOurs(tt, qs);
  let other: NetResult['rjp'] = null;
  if (rjp) {
    log(`${label}: the same queries on raptor-journey-planner…`);
    const r = timeRjp(rjp, net, feeds, qs);
    const same = r.arrivals.filter((a, i) => a === ours.arrivals[i]).length;
    other = { p50: ms(pct(r.lat, 50)), p95: ms(pct(r.lat, 95)), mean: ms(r.lat.reduce((a, b) => a + b, 0) / r.lat.length), buildMs: Math.round(r.buildMs), sameArrival: same / qs.length };
  }
  const p50 = ms(pct(ours.lat, 50));
  return {
    network: label,
    stops: net.stats.servedStops,
    patterns: tt.stats.patterns,
    trips: tt.stats.trips,
    footpaths: net.stats.footpaths,
    queries: qs.length,
    p50,
    p95: ms(pct(ours.lat, 95)),
    mean: ms(ours.lat.reduce((a, b) => a + b, 0) / ours.lat.length),
    rjp: other,
    speedupP50: other ? Math.round((other.p50 / p50) * 10) / 10 : null,
  };
}

function runRange(net: Network, tt: Timetable, seed: number) {
  const qs = queries(net, NR, seed + 1);
  for (const q of qs.slice(0, 10)) departureRange(tt, { stop: q.from }, { stop: q.to }, q.time, q.time + 3600);
  const single: number[] = [];
  const range: number[] = [];
  const ratios: number[] = [];
  let journeys = 0;
  for (const q of qs) {
    let t = performance.now();
    departAfter(tt, { stop: q.from }, { stop: q.to }, q.time);
    const a = performance.now() - t;
    t = performance.now();
    journeys += departureRange(tt, { stop: q.from }, { stop: q.to }, q.time, q.time + 3600).length;
    const b = performance.now() - t;
    single.push(a);
    range.push(b);
    ratios.push(b / Math.max(a, 1e-3));
  }
  return {
    queries: qs.length,
    singleP50: ms(pct(single, 50)),
    rangeP50: ms(pct(range, 50)),
    rangeP95: ms(pct(range, 95)),
    ratioOfP50: Math.round((pct(range, 50) / pct(single, 50)) * 100) / 100,
    ratioMedian: Math.round(pct(ratios, 50) * 100) / 100,
    journeysPerQuery: Math.round((journeys / qs.length) * 10) / 10,
  };
}

async function main() {
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGb: Math.round(os.totalmem() / 1e8) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: DATE,
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB, Node ${machine.node}`);

  // (b) build first, so the peak RSS is the build's own (parsing included).
  const t0 = performance.now();
  const feeds: GtfsFeed[] = [];
  for (const name of ['subway', 'lirr', 'mnr', 'bus_m']) feeds.push(await load(name));
  const tParse = performance.now();
  const netB = buildNetwork(feeds, { walkRadius: 500 });
  const tNet = performance.now();
  const ttB = buildTimetable(netB, DATE);
  const tTt = performance.now();
  const build = {
    parseS: Math.round(tParse - t0) / 1000,
    networkS: Math.round(tNet - tParse) / 1000,
    timetableS: Math.round(tTt - tNet) / 1000,
    totalS: Math.round(tTt - t0) / 1000,
    peakRssMb: peakRssMb(),
    rssMb: rssMb(),
    networkMb: Math.round(netB.stats.bytes / 1e5) / 10,
    timetableMb: Math.round(ttB.stats.bytes / 1e5) / 10,
    footpaths: netB.stats.footpaths,
    generatedFootpaths: netB.stats.generatedFootpaths,
  };
  log(`build (b): parse ${build.parseS} s, network ${build.networkS} s, timetable ${build.timetableS} s, peak RSS ${build.peakRssMb} MB`);

  const rjp = WITH_RJP ? installRjp() : null;

  const subway = feeds[0]!;
  const netA = buildNetwork([subway], { walkRadius: 0 });
  const tA = performance.now();
  const ttA = buildTimetable(netA, DATE);
  const ttABuildMs = performance.now() - tA;
  const a = runNetwork('(a) NYC subway', netA, ttA, [subway], rjp, SEED);
  const b = runNetwork('(b) 4 NYC feeds + 500 m footpaths', netB, ttB, feeds, rjp, SEED + 100);
  log('range queries (60 min) on (b)…');
  const range = runRange(netB, ttB, SEED + 200);
  const rangeA = runRange(netA, ttA, SEED + 300);

  // ---- report
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const rows: [string, string, string, string][] = [
    ['measure', 'this engine', 'raptor-journey-planner', 'target met'],
    ['(a) subway p50 / p95 ms', `${a.p50} / ${a.p95}`, a.rjp ? `${a.rjp.p50} / ${a.rjp.p95}` : '-', yes(a.p50 <= TARGET.aP50)],
    ['(a) speed-up at p50', a.speedupP50 === null ? '-' : `${a.speedupP50}×`, '', a.speedupP50 === null ? '-' : yes(a.speedupP50 >= TARGET.speedup)],
    ['(b) merged p50 / p95 ms', `${b.p50} / ${b.p95}`, b.rjp ? `${b.rjp.p50} / ${b.rjp.p95}` : '-', yes(b.p50 <= TARGET.bP50 && b.p95 <= TARGET.bP95)],
    ['(b) speed-up at p50', b.speedupP50 === null ? '-' : `${b.speedupP50}×`, '', b.speedupP50 === null ? '-' : yes(b.speedupP50 >= TARGET.speedup)],
    ['range 60 min (b) p50 ms, × single', `${range.rangeP50} (${range.ratioOfP50}×)`, '', yes(range.ratioOfP50 <= TARGET.rangeRatio)],
    ['range 60 min (a) p50 ms, × single', `${rangeA.rangeP50} (${rangeA.ratioOfP50}×)`, '', yes(rangeA.ratioOfP50 <= TARGET.rangeRatio)],
    ['build (b) s, peak RSS MB', `${build.totalS} s, ${build.peakRssMb} MB`, '', yes(build.totalS <= TARGET.buildS && build.peakRssMb <= TARGET.buildMb)],
    ['timetable (a) build ms', `${Math.round(ttABuildMs)}`, a.rjp ? `${a.rjp.buildMs} (its index)` : '-', ''],
    ['same earliest arrival as RJP (a) / (b)', '', a.rjp && b.rjp ? `${Math.round(a.rjp.sameArrival * 100)} % / ${Math.round(b.rjp.sameArrival * 100)} %` : '-', ''],
  ];
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => x.padEnd(w[c]!)).join('  ');
  console.log(`\nTransit benchmark — ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB RAM, Node ${machine.node}, ${machine.platform}`);
  console.log(`queries: ${N} depart-after per network (same for both planners), ${NR} range; service date ${DATE}\n`);
  console.log(line(rows[0]!));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    `\n(a) ${a.stops} served stops, ${a.patterns} patterns, ${a.trips} trips, ${a.footpaths} footpaths; ` +
      `(b) ${b.stops} served stops, ${b.patterns} patterns, ${b.trips} trips, ${b.footpaths} footpaths (${build.generatedFootpaths} generated)`,
  );
  console.log(`build (b): parse ${build.parseS} s + network ${build.networkS} s + timetable ${build.timetableS} s; network ${build.networkMb} MB, timetable ${build.timetableMb} MB of typed arrays\n`);
  console.log(JSON.stringify({ bench: 'transit', machine, targets: TARGET, a, b, range: { b: range, a: rangeA }, build, ttABuildMs: Math.round(ttABuildMs) }));
}

await main();
