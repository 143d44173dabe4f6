/**
 * In-process AQI throughput: real-time AQI of the national snapshot rows (../shared/data/air/cnemc/, both files,
 * 3,300 station-hours) repeated. Two figures:
 *  - packed: realtimeAqiPacked over an Int32Array of milli-units (the path for bulk recomputation) — the figure
 *    the target (≥ 5 million station-hours/s) applies to;
 *  - object: realtimeAqi with a full result object (IAQIs, primary, level, category, colour, notes) per row.
 * Prints machine facts and one JSON line. Run: node --import tsx bench/air-aqi.ts [seconds-per-figure]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realtimeAqi, realtimeAqiPacked, tableOrder, toMilli, type ChinaStandard, type HourlyConcentrations } from '../src/air/engine/aqi.engine.ts';
import { cnemcHourly, detectO3HourColumn, parseCnemc } from '../src/air/engine/aqi.parse.ts';
import { standardFor } from '../src/air/engine/aqi.engine.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = path.resolve(root, '../shared/data/air/cnemc');
const seconds = Number(process.argv[2] ?? 3);

const hourly: { h: HourlyConcentrations; std: ChinaStandard }[] = [];
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.csv')).sort()) {
  const { rows } = parseCnemc(fs.readFileSync(path.join(dir, f), 'utf8'));
  const col = detectO3HourColumn(rows);
  for (const r of rows) hourly.push({ h: cnemcHourly(r, col), std: standardFor(r.time) });
}
const n = hourly.length;
const packed = new Int32Array(n * 6);
const so2d = new Int32Array(n);
const std: ChinaStandard[] = [];
hourly.forEach(({ h, std: s }, i) => {
  tableOrder.forEach((p, j) => (packed[i * 6 + j] = h[p] === null || h[p] === undefined ? -1 : toMilli(h[p]!)));
  so2d[i] = h.so2_24h === null || h.so2_24h === undefined ? -1 : toMilli(h.so2_24h);
  std.push(s);
});

function run(label: string, body: () => number): { label: string; stationHoursPerSecond: number; checksum: number } {
  // warm-up, then timed passes over the rows until `seconds` elapse
  for (let i = 0; i < 20; i++) body();
  let passes = 0;
  let checksum = 0;
  const t0 = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let k = 0; k < 50; k++) checksum = (checksum + body()) | 0;
    passes += 50;
    elapsed = process.hrtime.bigint() - t0;
  }
  const rate = (passes * n) / (Number(elapsed) / 1e9);
  process.stdout.write(`${label.padEnd(8)} ${(rate / 1e6).toFixed(2)} million station-hours/s (${passes} passes × ${n} rows)\n`);
  return { label, stationHoursPerSecond: Math.round(rate), checksum };
}

process.stdout.write(
  `machine: ${os.cpus()[0]?.model ?? 'unknown cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, node ${process.version}\n`,
);
process.stdout.write(`rows: ${n} station-hours from ${dir}\n`);

const packedFig = run('packed', () => {
  let s = 0;
  for (let i = 0; i < n; i++) s += realtimeAqiPacked(packed, i * 6, std[i]!, so2d[i]!);
  return s;
});
const objectFig = run('object', () => {
  let s = 0;
  for (let i = 0; i < n; i++) s += realtimeAqi(hourly[i]!.h, { standard: hourly[i]!.std }).aqi ?? -1;
  return s;
});

process.stdout.write(
  `${JSON.stringify({
    bench: 'air-aqi',
    rows: n,
    packedStationHoursPerSecond: packedFig.stationHoursPerSecond,
    objectStationHoursPerSecond: objectFig.stationHoursPerSecond,
    target: 5_000_000,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? null,
    node: process.version,
  })}\n`,
);
