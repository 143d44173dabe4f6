/**
 * Batch journey planning straight from GTFS files, without a database (issue 3, item 6):
 *
 *   xietong transit batch --gtfs subway.gtfs.zip [--gtfs lirr.gtfs.zip …] [--walk-radius 500] \
 *     --queries in.csv --out out.csv
 *
 * Input CSV columns `from,to,date,depart` (other columns are carried through): stop or station ids as in
 * the feed (namespaced `feedId:id` when several feeds are given; a station means all its child stops),
 * date YYYY-MM-DD (or YYYYMMDD), depart HH:MM[:SS] (may pass 24:00). Output: the input columns plus
 * `arrival` (HH:MM:SS, empty when unreachable), `transfers`, `itinerary` (compact JSON of the legs of the
 * earliest-arrival journey with the fewest transfers) and `error` (for rows that could not be read; the
 * other rows are still answered). The timetable is built once per distinct date.
 *
 * This is the shell around the pure engine: it reads files, measures time and memory, and writes the output.
 */
import fs from 'node:fs';
import { toCsvLine } from '../platform/csv.ts';
import { CliError, EXIT } from '../platform/cli-error.ts';
import { parse } from 'csv-parse/sync';
import type { Command } from 'commander';
import type { GtfsFeed } from './gtfs/feed.ts';
import { feedIdFromPath, formatReport, readFeed } from './gtfs/reader.ts';
import {
  buildNetwork,
  buildTimetable,
  departAfter,
  findStop,
  formatClock,
  normalizeDate,
  parseClock,
  type Journey,
  type Network,
  type NetworkStats,
  type TimetableStats,
} from './engine/index.ts';

export type BatchProgress = {
  phase: 'read' | 'network' | 'timetable' | 'query' | 'write';
  done: number;
  total: number;
  detail?: string;
};

export type BatchOptions = {
  /** GTFS zip files or folders; the feed id is the file name without `.gtfs.zip`/`.zip` (or `id=path`). */
  gtfs: string[];
  /** Generated footpath radius in metres (default 500; 0 = only transfers.txt). */
  walkRadius?: number;
  queriesCsv: string;
  outCsv: string;
  maxTransfers?: number;
  onProgress?: (p: BatchProgress) => void;
};

export type BatchRowError = { line: number; field: string; message: string };

export type BatchResult = {
  queries: number;
  answered: number;
  unreachable: number;
  errors: BatchRowError[];
  feeds: { feedId: string; warnings: number }[];
  network: NetworkStats;
  timetables: (TimetableStats & { buildMs: number })[];
  timings: { readMs: number; networkMs: number; timetableMs: number; queryMs: number; writeMs: number; totalMs: number };
  /** Peak resident set size observed at phase ends, MB. */
  peakRssMb: number;
};


type Row = { line: number; cells: string[]; from: number; to: number; date: string; depart: number; error: string | null };

export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  const t0 = performance.now();
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const progress = o.onProgress ?? (() => {});
  const walkRadius = o.walkRadius ?? 500;
  if (!(walkRadius >= 0) || !Number.isFinite(walkRadius)) throw new CliError(`--walk-radius must be a number ≥ 0, got ${walkRadius}`, EXIT.invalid);
  if (o.gtfs.length === 0) throw new CliError('at least one --gtfs feed is needed', EXIT.invalid);

  // ---- queries first: a bad file fails fast, before the feeds are read
  let text: string;
  try {
    text = await fs.promises.readFile(o.queriesCsv, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${o.queriesCsv}: ${(e as Error).message}`, EXIT.invalid);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: false }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new CliError(`${o.queriesCsv}: not a readable CSV file: ${(e as Error).message}`, EXIT.invalid);
  }
  const header = records.shift()?.record.map((h) => h.trim()) ?? [];
  const col = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  const cols = { from: col('from'), to: col('to'), date: col('date'), depart: col('depart') };
  const missing = Object.entries(cols).filter(([, i]) => i < 0).map(([k]) => k);
  if (missing.length) throw new CliError(`${o.queriesCsv}, line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected from,to,date,depart)`, EXIT.invalid);

  // ---- feeds
  const feeds: GtfsFeed[] = [];
  const feedInfo: BatchResult['feeds'] = [];
  const tRead = performance.now();
  for (const [i, spec] of o.gtfs.entries()) {
    const eq = spec.indexOf('=');
    const [feedId, source] = eq > 0 && !fs.existsSync(spec) ? [spec.slice(0, eq), spec.slice(eq + 1)] : [feedIdFromPath(spec), spec];
    progress({ phase: 'read', done: i, total: o.gtfs.length, detail: feedId });
    const { feed, report } = await readFeed(source, { feedId, onProgress: (p) => progress({ phase: 'read', done: i, total: o.gtfs.length, detail: `${feedId} ${p.file} ${p.rows}` }) });
    if (!feed) throw new CliError(formatReport(report, { json: false }), EXIT.invalid);
    if (feeds.some((f) => f.feedId === feed.feedId)) throw new CliError(`two feeds with the id ${feed.feedId}: name one of them with id=path`, EXIT.invalid);
    feeds.push(feed);
    feedInfo.push({ feedId: feed.feedId, warnings: report.warnings });
    sample();
  }
  progress({ phase: 'read', done: o.gtfs.length, total: o.gtfs.length });
  const readMs = performance.now() - tRead;

  const tNet = performance.now();
  progress({ phase: 'network', done: 0, total: 1 });
  const net = buildNetwork(feeds, { walkRadius });
  progress({ phase: 'network', done: 1, total: 1 });
  feeds.length = 0; // the network holds what routing needs; let the parsed feeds go
  sample();
  const networkMs = performance.now() - tNet;

  // ---- validate rows
  const errors: BatchRowError[] = [];
  const rows: Row[] = records.map(({ record, info }) => {
    const line = info.lines;
    const cell = (i: number) => (record[i] ?? '').trim();
    const rowErrors: BatchRowError[] = [];
    const place = (field: 'from' | 'to') => {
      const id = cell(cols[field]);
      if (!id) {
        rowErrors.push({ line, field, message: 'empty; expected a stop or station id' });
        return -1;
      }
      const s = findStop(net, id);
      if (s === null) {
        const hint = net.feedIds.length > 1 && !id.includes(':') ? ` (with several feeds, write feedId:id, e.g. ${net.feedIds[0]}:${id})` : '';
        rowErrors.push({ line, field, message: `unknown stop or station "${id}"${hint}` });
        return -1;
      }
      // A stop no trip calls at is a valid place that nothing reaches: answered as unreachable.
      return s;
    };
    const from = place('from');
    const to = place('to');
    const date = normalizeDate(cell(cols.date));
    if (!date) rowErrors.push({ line, field: 'date', message: `"${cell(cols.date)}" is not a date (YYYY-MM-DD)` });
    const depart = parseClock(cell(cols.depart));
    if (depart === null) rowErrors.push({ line, field: 'depart', message: `"${cell(cols.depart)}" is not a time (HH:MM[:SS])` });
    errors.push(...rowErrors);
    return {
      line,
      cells: record,
      from,
      to,
      date: date ?? '',
      depart: depart ?? 0,
      error: rowErrors.length ? rowErrors.map((e) => `line ${e.line}, ${e.field}: ${e.message}`).join('; ') : null,
    };
  });

  // ---- answer, one timetable per date
  const answers = new Map<Row, Journey | null>();
  const byDate = new Map<string, Row[]>();
  for (const r of rows) if (!r.error) (byDate.get(r.date) ?? (byDate.set(r.date, []), byDate.get(r.date)!)).push(r);
  const timetables: BatchResult['timetables'] = [];
  let timetableMs = 0;
  let queryMs = 0;
  let done = 0;
  const total = rows.filter((r) => !r.error).length;
  for (const date of [...byDate.keys()].sort()) {
    const tb = performance.now();
    progress({ phase: 'timetable', done: timetables.length, total: byDate.size, detail: date });
    const tt = buildTimetable(net, date);
    const buildMs = performance.now() - tb;
    timetableMs += buildMs;
    timetables.push({ ...tt.stats, buildMs });
    sample();
    const tq = performance.now();
    for (const r of byDate.get(date)!) {
      const js = departAfter(tt, { stop: r.from }, { stop: r.to }, r.depart, o.maxTransfers === undefined ? {} : { maxTransfers: o.maxTransfers });
      answers.set(r, best(js));
      if (++done % 250 === 0) progress({ phase: 'query', done, total });
    }
    queryMs += performance.now() - tq;
    sample();
  }
  progress({ phase: 'query', done, total });

  // ---- write
  const tw = performance.now();
  const outHeader = [...header, 'arrival', 'transfers', 'itinerary', 'error'];
  const lines = [toCsvLine(outHeader)];
  let answered = 0;
  let unreachable = 0;
  for (const r of rows) {
    const cells = header.map((_, i) => r.cells[i] ?? '');
    if (r.error) {
      lines.push(toCsvLine([...cells, '', '', '', r.error]));
      continue;
    }
    answered++;
    const j = answers.get(r) ?? null;
    if (!j) {
      unreachable++;
      lines.push(toCsvLine([...cells, '', '', '', '']));
    } else lines.push(toCsvLine([...cells, formatClock(j.arrival), String(j.transfers), JSON.stringify(compactLegs(j)), '']));
  }
  try {
    await fs.promises.writeFile(o.outCsv, `${lines.join('\n')}\n`);
  } catch (e) {
    throw new CliError(`cannot write ${o.outCsv}: ${(e as Error).message}`, EXIT.failure);
  }
  progress({ phase: 'write', done: 1, total: 1 });
  sample();
  const writeMs = performance.now() - tw;
  return {
    queries: rows.length,
    answered,
    unreachable,
    errors,
    feeds: feedInfo,
    network: net.stats,
    timetables,
    timings: { readMs, networkMs, timetableMs, queryMs, writeMs, totalMs: performance.now() - t0 },
    peakRssMb: Math.round(peak / 1e6),
  };
}

/** The earliest-arrival journey with the fewest transfers. */
function best(js: Journey[]): Journey | null {
  let b: Journey | null = null;
  for (const j of js) if (!b || j.arrival < b.arrival || (j.arrival === b.arrival && j.transfers < b.transfers)) b = j;
  return b;
}

/** Legs in a compact form for a CSV cell. */
export function compactLegs(j: Journey): unknown[] {
  return j.legs.map((l) =>
    l.kind === 'transit'
      ? {
          mode: l.mode,
          route: l.route.id,
          name: l.route.shortName || l.route.longName,
          trip: l.trip.id,
          headsign: l.trip.headsign,
          from: l.from.id,
          to: l.to.id,
          dep: formatClock(l.departure),
          arr: formatClock(l.arrival),
          stops: l.intermediateStops.length,
          ...(l.entry !== 'board' ? { entry: l.entry } : {}),
        }
      : { mode: 'walk', from: l.from.id, to: l.to.id, dep: formatClock(l.departure), arr: formatClock(l.arrival), m: Math.round(l.distance) },
  );
}

/**
 * Adds `transit batch` to a commander program (or to its `transit` command when given that).
 * Failures of the whole batch throw CliError (message for the user, `exitCode`); rows with bad fields
 * are reported on stderr and in the output's `error` column, and the command then fails with exit code 4
 * after writing every other answer.
 */
export function registerTransitBatch(cmd: Command): Command {
  const transit = cmd.name() === 'transit' ? cmd : (cmd.commands.find((c) => c.name() === 'transit') ?? cmd.command('transit').description('regional transit network and journey planning'));
  transit
    .command('batch')
    .description('plan many journeys from GTFS files, without a database: --queries CSV (from,to,date,depart) → --out CSV (+ arrival,transfers,itinerary)')
    .requiredOption('--gtfs <feed>', 'GTFS zip or folder; repeat for several feeds (ids then namespaced feedId:id; feed id = file name, or id=path)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--walk-radius <m>', 'radius of generated walking footpaths in metres (0 = only transfers.txt)', '500')
    .option('--max-transfers <n>', 'maximum number of transfers', '8')
    .requiredOption('--queries <in.csv>', 'CSV with columns from,to,date,depart')
    .requiredOption('--out <out.csv>', 'where to write the answers')
    .option('--json', 'print the summary as JSON')
    .action(async (o: { gtfs: string[]; walkRadius: string; maxTransfers: string; queries: string; out: string; json?: boolean }) => {
      const walkRadius = Number(o.walkRadius);
      if (!Number.isFinite(walkRadius) || walkRadius < 0) throw new CliError(`--walk-radius must be a number ≥ 0, got "${o.walkRadius}"`, EXIT.invalid);
      const maxTransfers = Number(o.maxTransfers);
      if (!Number.isInteger(maxTransfers) || maxTransfers < 0 || maxTransfers > 30) throw new CliError(`--max-transfers must be an integer 0–30, got "${o.maxTransfers}"`, EXIT.invalid);
      const tty = process.stderr.isTTY;
      let last = '';
      const r = await runBatch({
        gtfs: o.gtfs,
        walkRadius,
        maxTransfers,
        queriesCsv: o.queries,
        outCsv: o.out,
        onProgress: (p) => {
          if (!tty) return;
          const line = `${p.phase} ${p.done}/${p.total}${p.detail ? ` ${p.detail}` : ''}`;
          if (line !== last) process.stderr.write(`\r\x1b[K${line}`);
          last = line;
        },
      });
      if (tty) process.stderr.write('\r\x1b[K');
      for (const e of r.errors) process.stderr.write(`${o.queries}, line ${e.line}, ${e.field}: ${e.message}\n`);
      const summary = {
        queries: r.queries,
        answered: r.answered,
        unreachable: r.unreachable,
        rowErrors: r.errors.length,
        timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)])),
        perQueryMs: r.answered ? Math.round((r.timings.queryMs / r.answered) * 1000) / 1000 : null,
        timetables: r.timetables.map((t) => ({ date: t.date, trips: t.trips, patterns: t.patterns, buildMs: Math.round(t.buildMs), mb: Math.round(t.bytes / 1e5) / 10 })),
        network: r.network,
        peakRssMb: r.peakRssMb,
      };
      process.stdout.write(
        o.json
          ? `${JSON.stringify(summary)}\n`
          : `${r.answered} of ${r.queries} queries answered (${r.unreachable} unreachable, ${r.queries - r.answered} with errors) → ${o.out}\n` +
              `read ${summary.timings.readMs} ms, network ${summary.timings.networkMs} ms (${r.network.footpaths} footpaths), ` +
              `timetables ${summary.timings.timetableMs} ms for ${r.timetables.length} date(s), queries ${summary.timings.queryMs} ms (${summary.perQueryMs} ms each), ` +
              `total ${summary.timings.totalMs} ms, peak RSS ${r.peakRssMb} MB\n`,
      );
      if (r.errors.length) throw new CliError(`${new Set(r.errors.map((e) => e.line)).size} row(s) of ${o.queries} had errors (listed above; the other rows were answered)`, EXIT.invalid);
    });
  return transit;
}
