// Issue #4: daily city AQI for a year of 12 stations (UCI Beijing multi-site data, 2016), in-process:
// per station and day the 24-h means and the O3 daily maximum 8-h mean with GB 3095 validity rules
// (dailyFromHourly), then the city value as the mean of the stations' concentrations (cityDailyAqi).
//
//   node --import tsx bench/air-daily.ts        (npm run bench:air-daily)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cityDailyAqi, dailyFromHourly, type HourlyConcentrations } from '../src/air/engine/aqi.engine.ts';
import { parsePrsa } from '../src/air/engine/aqi.parse.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(root, '../shared/data/air/prsa');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();

const t0 = performance.now();
// station → day (YYYY-MM-DD) → 24 hourly rows (index = hour of the day, hour-end labels 01..24)
const byStation = new Map<string, Map<string, HourlyConcentrations[]>>();
for (const f of files) {
  const { rows } = parsePrsa(fs.readFileSync(path.join(dir, f), 'utf8'));
  const days = new Map<string, HourlyConcentrations[]>();
  for (const r of rows) {
    // The file labels hours by their start; the day of hour-end h+1 is the start's day (00:00–01:00 … 23:00–24:00).
    const day = r.time.slice(0, 10);
    if (!day.startsWith('2016')) continue;
    const h = Number(r.time.slice(11, 13));
    const list = days.get(day) ?? Array.from({ length: 24 }, () => ({}) as HourlyConcentrations);
    list[h] = { pm25: r.pm25, pm10: r.pm10, so2: r.so2, no2: r.no2, co: r.co, o3: r.o3 };
    days.set(day, list);
  }
  byStation.set(f, days);
}
const tRead = performance.now() - t0;

const dates = [...new Set([...byStation.values()].flatMap((m) => [...m.keys()]))].sort();
const runs: number[] = [];
let results: (number | null)[] = [];
for (let run = 0; run < 5; run++) {
  const t = performance.now();
  results = dates.map((d) => {
    const stations = [...byStation.values()].map((m) => dailyFromHourly(m.get(d) ?? Array.from({ length: 24 }, () => ({})), { standard: 'hj633-2012' }).means);
    return cityDailyAqi(stations, { standard: 'hj633-2012' }).aqi;
  });
  runs.push(performance.now() - t);
}
runs.sort((a, b) => a - b);
const median = runs[Math.floor(runs.length / 2)]!;
const valid = results.filter((x) => x !== null).length;
console.log(`machine: ${os.cpus()[0]?.model.trim()} × ${os.cpus().length}, Node ${process.version}`);
console.log(`read + parse 12 UCI files: ${(tRead / 1000).toFixed(2)} s`);
console.log(`daily city AQI, 2016 (${dates.length} days × ${byStation.size} stations): median ${median.toFixed(0)} ms of 5 runs (target ≤ 2,000 ms); ${valid} days with an AQI, ${results.filter((x) => x !== null && x > 200).length} above 200`);
console.log(JSON.stringify({ bench: 'air-daily', days: dates.length, stations: byStation.size, medianMs: Math.round(median), readMs: Math.round(tRead), validDays: valid, targetMs: 2000, met: median <= 2000 }));
