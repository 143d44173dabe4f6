import fs from 'node:fs';
import { CliError, EXIT } from '../platform/cli-error.ts';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { isoInZone } from '../platform/time.ts';
import type { ObservationRow } from './air.ingest.ts';
import { cnemcObservations, prsaObservations, prsaStationCodes, TZ, type AirService, type IngestResult } from './air.service.ts';

/** What the CLI shell gives the import: direct platform access, or the running server's API. */
export type AirImportContext = {
  withAir<T>(command: string, direct: (air: AirService) => Promise<T>, viaApi: (call: (method: string, path: string, body?: unknown) => Promise<unknown>) => Promise<T>): Promise<T>;
  ingestDirect(air: AirService, rows: ObservationRow[]): Promise<IngestResult>;
  print(json: boolean, data: unknown, text: () => string): void;
};

const API_CHUNK = 50_000;

/** `xietong air import`: national-platform snapshots and UCI files into the monitoring store. */
export function registerAirImport(program: Command, ctx: AirImportContext, defaultStationMap: string): void {
  const air = program.commands.find((c) => c.name() === 'air') ?? program.command('air').description('air-quality monitoring');
  air
    .command('import <file...>')
    .description('store the observations of national-platform snapshots (cnemc) or UCI Beijing files (prsa); stations must exist; bad rows are reported with file and line, good rows kept')
    .addOption(new Option('--format <format>', 'file format').choices(['cnemc', 'prsa']).makeOptionMandatory())
    .option('--stations <stations.json>', 'UCI station → national code mapping (prsa)', defaultStationMap)
    .option('--json', 'machine-readable summary')
    .action(async (files: string[], o: { format: 'cnemc' | 'prsa'; stations: string; json?: boolean }) => {
      const rows: ObservationRow[] = [];
      const problems: string[] = [];
      let codes: Record<string, string> = {};
      if (o.format === 'prsa') {
        try {
          codes = prsaStationCodes(o.stations);
        } catch (e) {
          throw new CliError(`--stations ${o.stations}: cannot read the UCI station map (${(e as Error).message})`, EXIT.invalid);
        }
      }
      for (const f of files) {
        const text = fs.readFileSync(f, 'utf8');
        const out = o.format === 'cnemc' ? cnemcObservations(text, f) : prsaObservations(text, f, codes);
        for (const r of out.rows) rows.push(r);
        problems.push(...out.errors);
      }
      const result = await ctx.withAir(
        'air import',
        (service) => ctx.ingestDirect(service, rows),
        async (call) => {
          // Through the running server: JSON batches of its own observation format.
          const total: IngestResult = { received: 0, accepted: 0, rejected: 0, inserted: 0, updated: 0, unchanged: 0, errors: [] };
          for (let i = 0; i < rows.length; i += API_CHUNK) {
            const batch = rows.slice(i, i + API_CHUNK).map((r) => ({
              station: r.station,
              time: isoInZone(r.time, TZ),
              pollutant: r.pollutant,
              period: r.period,
              value: r.flag === 'not_monitored' ? '/' : r.value === null ? 'NA' : r.value,
            }));
            const out = (await call('POST', '/api/air/observations', { observations: batch })) as IngestResult;
            for (const k of ['received', 'accepted', 'rejected', 'inserted', 'updated', 'unchanged'] as const) total[k] += out[k];
            total.errors.push(...out.errors);
          }
          return total;
        },
      );
      for (const e of result.errors.slice(0, 50)) problems.push(`row ${JSON.stringify(e)}`);
      for (const p of problems.slice(0, 100)) process.stderr.write(`${p}\n`);
      ctx.print(!!o.json, { ...result, fileErrors: problems.length - Math.min(50, result.errors.length) }, () =>
        `${result.accepted} observations stored (${result.inserted} new, ${result.updated} revised, ${result.unchanged} unchanged), ${result.rejected} refused, ${problems.length} problems reported`);
      if (problems.length || result.rejected) process.exitCode = EXIT.invalid;
    });
}
