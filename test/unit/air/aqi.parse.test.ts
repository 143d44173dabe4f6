import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { cnemcHourly, detectO3HourColumn, parseCnemc, parsePrsa, splitCsvLine } from '../../../src/air/engine/aqi.parse.ts';
import { aqiCsv, registerAirCommands } from '../../../src/air/air.cli.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const shared = path.resolve(root, '../shared/data/air');
const header =
  'timepoint,stationcode,longitude,latitude,area,positionname,primarypollutant,aqi,pm10,pm10_24h,pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h';

describe('CSV splitting', () => {
  it('handles quoted commas and doubled quotes', () => {
    assert.deepEqual(splitCsvLine('a,"b,c",d'), ['a', 'b,c', 'd']);
    assert.deepEqual(splitCsvLine('"x""y",,'), ['x"y', '', '']);
  });
});

describe('national platform snapshot parser', () => {
  it('reads both timepoint formats, NA, / and empty fields, quoted primary pollutants', () => {
    const text = [
      header,
      '2022-01-01T10:00:00,1001A,116.3621,39.8784,北京市,万寿西宫,颗粒物(PM10),74,98,61,44,34,34,4,1,1,70,70,9,7,1.2,1',
      '2026-03-15T0800,4194A,1,2,某市,某站,"颗粒物(PM10),细颗粒物(PM2.5)",62,NA,50,/,40,10,10,10,10,10,10,,5,0.3,0.3',
    ].join('\n');
    const { rows, errors } = parseCnemc(text);
    assert.deepEqual(errors, []);
    assert.equal(rows[0]!.time, '2022-01-01T10:00:00+08:00');
    assert.equal(rows[1]!.time, '2026-03-15T08:00:00+08:00');
    assert.deepEqual(rows[1]!.publishedPrimary, ['pm10', 'pm25']);
    assert.equal(rows[1]!.conc.pm10.flag, 'missing');
    assert.equal(rows[1]!.conc.pm2_5.flag, 'not_monitored');
    assert.equal(rows[1]!.conc.so2.flag, 'missing');
    assert.equal(rows[1]!.conc.co.milli, 300);
    assert.deepEqual(cnemcHourly(rows[1]!).notMonitored, ['pm25']);
  });
  it('reports bad rows with line and field and keeps the good ones', () => {
    const text = [
      header,
      '2022-01-01T10:00:00,1001A,116.3,39.8,北京市,站,,74,98,61,44,34,34,4,1,1,70,70,9,7,1.2,1',
      '2022-01-01T10:00:00,1002A,116.3,39.8,北京市,站,,74,abc,61,44,34,34,4,1,1,70,70,9,7,1.2,1',
      'yesterday,1003A,116.3,39.8,北京市,站,,74,98,61,44,34,34,4,1,1,70,70,9,7,1.2,1',
      '2022-01-01T10:00:00,1004A,too,few',
      '2022-01-01T10:00:00,1005A,116.3,39.8,北京市,站,臭氧9小时,74,98,61,44,34,34,4,1,1,70,70,9,7,1.2,1',
    ].join('\n');
    const { rows, errors } = parseCnemc(text);
    assert.deepEqual(rows.map((r) => r.stationcode), ['1001A']);
    assert.deepEqual(
      errors.map((e) => [e.line, e.field]),
      [
        [3, 'pm10'],
        [4, 'timepoint'],
        [5, null],
        [6, 'primarypollutant'],
      ],
    );
    assert.equal(parseCnemc('a,b\n1,2').errors[0]!.line, 1);
  });
  it('detects the O3 column layout from the data', () => {
    const r22 = parseCnemc(fs.readFileSync(path.join(shared, 'cnemc/2022-01-01T10.csv'), 'utf8')).rows;
    const r26 = parseCnemc(fs.readFileSync(path.join(shared, 'cnemc/2026-03-15T08.csv'), 'utf8')).rows;
    assert.equal(detectO3HourColumn(r22), 'o3_24h');
    assert.equal(detectO3HourColumn(r26), 'o3');
  });
});

describe('UCI PRSA parser', () => {
  it('reads the real file: CRLF, quoted text, NA, CO µg/m³ → mg/m³', () => {
    const text = fs.readFileSync(path.join(shared, 'prsa/PRSA_Data_Dongsi_20130301-20170228.csv'), 'utf8');
    const { rows, errors } = parsePrsa(text);
    assert.deepEqual(errors, []);
    assert.equal(rows.length, 35064);
    assert.equal(rows[0]!.time, '2013-03-01T00:00:00+08:00');
    assert.equal(rows[0]!.station, 'Dongsi');
    assert.equal(rows[0]!.co, 0.3);
    assert.ok(rows.some((r) => r.pm25 === null));
  });
  it('per-row errors', () => {
    const h = '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","TEMP","PRES","DEWP","RAIN","wd","WSPM","station"';
    const { rows, errors } = parsePrsa(
      [h, '1,2013,3,1,0,4,4,4,7,300,77,-0.7,1023,-18.8,0,"NNW",4.4,"X"', '2,2013,3,1,1,x,4,4,7,300,77,-0.7,1023,-18.8,0,"NNW",4.4,"X"', '3,2013,13,1,1,4,4,4,7,300,77,-0.7,1023,-18.8,0,"NNW",4.4,"X"'].join('\r\n'),
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(errors.map((e) => [e.line, e.field]), [
      [3, 'PM2.5'],
      [4, 'month/day/hour'],
    ]);
  });
});

describe('xietong air aqi', () => {
  it('cnemc: one row per input row, published AQI and primary reproduced', () => {
    const text = fs.readFileSync(path.join(shared, 'cnemc/2022-01-01T10.csv'), 'utf8');
    const out = aqiCsv(text, 'cnemc', 'auto');
    const lines = out.csv.trim().split('\n');
    assert.equal(lines[0], 'stationcode,timepoint,aqi,primary,level');
    assert.equal(lines.length, 1700);
    const input = text.trim().split('\n').slice(1).map(splitCsvLine);
    const output = lines.slice(1).map(splitCsvLine);
    input.forEach((f, i) => {
      assert.equal(output[i]![0], f[1]);
      assert.equal(output[i]![1], f[0]);
      assert.equal(output[i]![2], f[7] === '' ? 'NA' : f[7]);
      assert.equal(output[i]![3], f[6]);
    });
  });
  it('prsa and epa formats', () => {
    const h = '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","TEMP","PRES","DEWP","RAIN","wd","WSPM","station"';
    const rows = [h, ...[0, 1, 2].map((i) => `${i + 1},2016,1,1,${i},80,120,10,40,2200,10,0,1020,-10,0,"N",1,"Dongsi"`)].join('\r\n');
    const cn = aqiCsv(rows, 'prsa', 'auto').csv.trim().split('\n');
    assert.equal(cn[0], 'station,time,pm25,pm10,so2,no2,co,o3,aqi,primary,level');
    assert.equal(cn[1], 'Dongsi,2016-01-01T00:00:00+08:00,80,120,10,40,2.2,10,107,细颗粒物(PM2.5),3');
    const epa = aqiCsv(rows, 'prsa', 'epa').csv.trim().split('\n');
    assert.match(epa[1]!, /,NA,,NA$/); // NowCast needs two hours
    // 80.0 µg/m³ in 55.5–125.4 → 151 + 49·24.5/69.9 = 168.17 → 168
    assert.match(epa[2]!, /,168,细颗粒物\(PM2\.5\),4$/);
  });
  it('exit codes: 2 for usage (commander), 4 for invalid input', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerAirCommands(program);
    await assert.rejects(program.parseAsync(['node', 'x', 'air', 'aqi', '--in', 'a', '--format', 'foo', '--out', 'b']), CommanderError);
    const saved = process.exitCode;
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'x', 'air', 'aqi', '--in', '/nonexistent.csv', '--format', 'cnemc', '--out', '/tmp/never.csv']);
      assert.equal(process.exitCode, 4);
    } finally {
      process.stderr.write = write;
      process.exitCode = saved;
    }
  });
});
