import fs from 'node:fs';
import { CliError, EXIT } from '../platform/cli-error.ts';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { formatReport, feedIdFromPath } from './gtfs/reader.ts';
import { zipBuffer, type ZipFiles } from './gtfs/zip-writer.ts';
import type { ImportResult, TransitService } from './transit.service.ts';
import type { PlanQuery, PlanResult, TransitPlanner } from './transit.planner.ts';
import type { Principal } from '../platform/auth.ts';
import { registerTransitBatch } from './batch.ts';

/** What the CLI shell gives the transit commands: direct platform access, or the running server's API. */
export type TransitCliContext = {
  principal: Principal;
  withTransit<T>(command: string, direct: (t: { transit: TransitService; planner: TransitPlanner }) => Promise<T>, viaApi: (call: (method: string, path: string, body?: unknown, contentType?: string) => Promise<unknown>) => Promise<T>): Promise<T>;
  print(json: boolean, data: unknown, text: () => string): void;
};

/** A feed folder zipped in memory, to upload it to a running server. */
function zipFolder(dir: string): Buffer {
  const files: ZipFiles = {};
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isFile() && name.endsWith('.txt')) files[name] = fs.readFileSync(p);
  }
  return zipBuffer(files);
}

function progressPrinter() {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p: { file: string; rows: number; bytes?: number; totalBytes?: number }) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    const pct = p.totalBytes ? ` ${Math.floor(((p.bytes ?? 0) * 100) / p.totalBytes)}%` : '';
    const width = 30;
    const filled = p.totalBytes ? Math.round(((p.bytes ?? 0) / p.totalBytes) * width) : 0;
    const bar = p.totalBytes ? ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]` : '';
    process.stderr.write(`\r\x1b[K${p.file}${bar}${pct} ${p.rows.toLocaleString('en')} rows`);
  };
}

export function registerTransitCommands(program: Command, ctx: TransitCliContext): void {
  const transit = program.command('transit').description('regional transit network: GTFS feeds and journey planning');

  transit
    .command('import <feed...>')
    .description('validate and import GTFS feeds (zip or folder); errors reject a feed with the full report and change nothing')
    .option('--feed-id <id>', 'feed id (only with one feed; default: file name without .gtfs.zip/.zip)')
    .option('--json', 'machine-readable reports')
    .action(async (sources: string[], o: { feedId?: string; json?: boolean }) => {
      if (o.feedId && sources.length > 1) throw new CliError('--feed-id goes with a single feed', EXIT.usage);
      const results: ImportResult[] = [];
      for (const source of sources) {
        if (!fs.existsSync(source)) throw new CliError(`${source}: no such file or folder`, EXIT.invalid);
        const feedId = o.feedId ?? feedIdFromPath(source);
        const onProgress = progressPrinter();
        const r = await ctx.withTransit(
          'transit import',
          ({ transit: t }) => t.importFeed(ctx.principal, source, { feedId, ...(onProgress ? { onProgress } : {}), sourceName: path.basename(source) }),
          async (call) => {
            const body = fs.statSync(source).isDirectory() ? zipFolder(source) : fs.readFileSync(source);
            return (await call('POST', `/api/transit/feeds/${encodeURIComponent(feedId)}`, body, 'application/zip')) as ImportResult;
          },
        );
        if (onProgress) process.stderr.write('\r\x1b[K');
        results.push(r);
        if (!o.json) {
          process.stdout.write(`${formatReport(r.report, { json: false })}\n`);
          process.stdout.write(r.imported ? `Imported ${r.feedId}: ${Object.entries(r.counts ?? {}).map(([k, v]) => `${v} ${k}`).join(', ')}\n` : `Rejected ${r.feedId}: nothing was changed.\n`);
        }
      }
      if (o.json) process.stdout.write(`${JSON.stringify(results.map((r) => ({ feedId: r.feedId, imported: r.imported, counts: r.counts, report: r.report })), null, 2)}\n`);
      if (results.some((r) => !r.imported)) process.exitCode = EXIT.invalid;
    });

  transit
    .command('feeds')
    .description('list imported feeds')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const feeds = await ctx.withTransit(
        'transit feeds',
        ({ transit: t }) => t.listFeeds(),
        async (call) => ((await call('GET', '/api/transit/feeds')) as { items: Awaited<ReturnType<TransitService['listFeeds']>> }).items,
      );
      ctx.print(!!o.json, feeds, () => feeds.map((f) => `${f.id}\t${f.counts.stops} stops\t${f.counts.trips} trips\t${f.warnings} warnings\t${f.source}${f.label ? `\t${f.label.en}` : ''}`).join('\n') || '(no feeds)');
    });

  transit
    .command('plan')
    .description('plan a journey on the imported network (Pareto front over arrival time and transfers)')
    .requiredOption('--from <id>', 'feedId:stopId (a station means all its platforms) or "lat,lon"')
    .requiredOption('--to <id>', 'feedId:stopId or "lat,lon"')
    .option('--date <YYYY-MM-DD>', 'service date (default today, Asia/Shanghai)')
    .option('--time <HH:MM[:SS]>', 'departure (or arrival with --arrive-by) time (default now)')
    .option('--arrive-by', 'latest departures arriving by --time')
    .option('--window <minutes>', 'every Pareto-optimal journey departing within this window')
    .option('--max-transfers <n>', 'maximum number of transfers (0–8)')
    .option('--modes <list>', 'comma-separated route types or mode names')
    .option('--wheelchair', 'wheelchair-accessible trips and stops only')
    .addOption(new Option('--json', 'machine-readable output'))
    .action(async (o: { from: string; to: string; date?: string; time?: string; arriveBy?: boolean; window?: string; maxTransfers?: string; modes?: string; wheelchair?: boolean; json?: boolean }) => {
      const q: PlanQuery = {
        from: o.from,
        to: o.to,
        date: o.date,
        time: o.time,
        arriveBy: o.arriveBy,
        window: o.window !== undefined ? Number(o.window) : undefined,
        maxTransfers: o.maxTransfers !== undefined ? Number(o.maxTransfers) : undefined,
        modes: o.modes,
        wheelchair: o.wheelchair,
      };
      if (q.date && !/^\d{4}-\d{2}-\d{2}$/.test(q.date)) throw new CliError(`--date must be YYYY-MM-DD, got "${q.date}"`, EXIT.invalid);
      if (q.window !== undefined && !(Number.isInteger(q.window) && q.window >= 1 && q.window <= 180)) throw new CliError('--window must be 1–180 minutes', EXIT.invalid);
      if (q.maxTransfers !== undefined && !(Number.isInteger(q.maxTransfers) && q.maxTransfers >= 0 && q.maxTransfers <= 8)) throw new CliError('--max-transfers must be 0–8', EXIT.invalid);
      const r = await ctx.withTransit(
        'transit plan',
        ({ planner }) => planner.plan(q),
        async (call) => {
          const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== false).map(([k, v]): [string, string] => [k, String(v)])).toString();
          return (await call('GET', `/api/transit/plan?${qs}`)) as PlanResult;
        },
      );
      ctx.print(!!o.json, r, () => {
        if (!r.itineraries.length) return 'No journey found.';
        const lines: string[] = [];
        for (const it of r.itineraries) {
          lines.push(`${it.departure} → ${it.arrival}  ${Math.round(it.duration / 60)} min, ${it.transfers} transfer(s)`);
          for (const l of it.legs) {
            lines.push(l.mode === 'WALK' ? `    walk ${Math.round(l.duration / 60)} min ${l.distance ?? 0} m  ${l.from.name ?? ''} → ${l.to.name ?? ''}` : `    ${l.departure} ${l.from.name} → ${l.arrival} ${l.to.name}  ${l.mode} ${l.route?.shortName || l.route?.longName || ''}${l.trip?.headsign ? ` (${l.trip.headsign})` : ''}`);
          }
        }
        for (const n of r.notices) lines.push(`* ${n.zh} / ${n.en}`);
        return lines.join('\n');
      });
    });

  registerTransitBatch(transit);
}
