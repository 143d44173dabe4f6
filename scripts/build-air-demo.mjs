#!/usr/bin/env node
// Builds data/air/ (the bundled air-quality demo slice, loaded at first start) from ../shared/data/air/:
//   - prsa-beijing-2016-12.csv: the 12 UCI Beijing multi-site stations, 2016-12-14 00:00 – 2016-12-23 23:00
//     (the December 2016 heavy-pollution episode and its red alert), only the columns the PRSA reader needs;
//   - cnemc/<snapshot>.csv: the two national-platform snapshots, rows of the platform's cities only, unchanged;
//   - stations.json: station metadata (national code, name, city, coordinates) from the snapshots, plus the
//     UCI station name → national code mapping (matched by name with the 2022 snapshot). HJ 633-2026 exemptions
//     (`exempt`, per-station history the snapshots do not carry) are kept from the existing stations.json when
//     a station has them; without `exempt` a station's exemptions are not known and DEFAULT_EXEMPT applies.
// The output is the same byte for byte on every run.
//
//   node scripts/build-air-demo.mjs [sharedAirDir] [outDir]
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'data', 'air'));
const out = path.resolve(process.argv[3] ?? path.join(root, 'data', 'air'));
const cities = JSON.parse(fs.readFileSync(path.join(root, 'data', 'geo', 'cities.json'), 'utf8'));
const cityByArea = new Map(cities.flatMap((c) => [[c.name_zh, c.id], [`${c.name_zh}市`, c.id]]));

// UCI station (file name) → national code; names of 2022-01-01T10.csv in brackets.
export const prsaStations = {
  Wanshouxigong: '1001A', // 万寿西宫
  Dingling: '1002A', // 定陵(对照点)
  Dongsi: '1003A', // 东四
  Tiantan: '1004A', // 天坛
  Nongzhanguan: '1005A', // 农展馆
  Guanyuan: '1006A', // 官园
  Wanliu: '1007A', // 海淀万柳
  Shunyi: '1008A', // 顺义新城
  Huairou: '1009A', // 怀柔镇
  Changping: '1010A', // 昌平镇
  Aotizhongxin: '1011A', // 奥体中心
  Gucheng: '1012A', // 古城
};

function splitCsv(line) {
  const f = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') f.push(cur), (cur = '');
    else cur += ch;
  }
  f.push(cur);
  return f;
}

fs.mkdirSync(path.join(out, 'cnemc'), { recursive: true });
const previous = fs.existsSync(path.join(out, 'stations.json')) ? JSON.parse(fs.readFileSync(path.join(out, 'stations.json'), 'utf8')).stations : [];
const keptExempt = new Map(previous.filter((s) => s.exempt !== undefined).map((s) => [s.code, s.exempt]));
const stations = new Map();
for (const file of ['2022-01-01T10.csv', '2026-03-15T08.csv']) {
  const lines = fs.readFileSync(path.join(src, 'cnemc', file), 'utf8').split('\n');
  const kept = [lines[0]];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const f = splitCsv(line);
    const cityId = cityByArea.get(f[4]);
    if (!cityId) continue;
    kept.push(line);
    const code = f[1];
    const s = { code, name: f[5], nameEn: null, cityId, cityName: f[4], lat: Number(f[3]), lon: Number(f[2]), type: 'national' };
    // The newer snapshot wins for names and coordinates.
    stations.set(code, s);
  }
  fs.writeFileSync(path.join(out, 'cnemc', file), kept.join('\n') + '\n');
}
const nameEn = Object.fromEntries(Object.entries(prsaStations).map(([n, c]) => [c, n]));
for (const [code, n] of Object.entries(nameEn)) {
  const s = stations.get(code);
  if (!s) throw new Error(`national code ${code} (${n}) not in the snapshots`);
  s.nameEn = n;
}
for (const [code, exempt] of keptExempt) {
  const s = stations.get(code);
  if (s) s.exempt = exempt;
}
const list = [...stations.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
fs.writeFileSync(path.join(out, 'stations.json'), JSON.stringify({ prsaStations, stations: list }, null, 1) + '\n');

const cols = ['year', 'month', 'day', 'hour', 'PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3', 'station'];
const rows = [cols.join(',')];
for (const name of Object.keys(prsaStations).sort()) {
  const file = fs.readdirSync(path.join(src, 'prsa')).find((f) => f.startsWith(`PRSA_Data_${name}_`));
  const lines = fs.readFileSync(path.join(src, 'prsa', file), 'utf8').split(/\r?\n/);
  const header = splitCsv(lines[0]);
  const idx = cols.map((c) => header.indexOf(c));
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const f = splitCsv(line);
    const [y, m, d] = [Number(f[idx[0]]), Number(f[idx[1]]), Number(f[idx[2]])];
    if (!(y === 2016 && m === 12 && d >= 14 && d <= 23)) continue;
    rows.push(idx.map((i) => f[i]).join(','));
  }
}
fs.writeFileSync(path.join(out, 'prsa-beijing-2016-12.csv'), rows.join('\n') + '\n');
console.log(`${out}: ${list.length} stations, ${rows.length - 1} PRSA rows`);
