import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/processes.ts';
import { freshDatabase, projectRoot, testDb } from '../support/harness.ts';

describe(`xietong air import (${testDb})`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xt-air-import-'));
  before(async () => {
    db = await freshDatabase();
    assert.equal(cli(['seed'], db.env).code, 0);
  });
  after(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores a national snapshot again without changes, and reports a bad row by file and line while keeping the others', () => {
    const snapshot = path.join(projectRoot, 'data', 'air', 'cnemc', '2026-03-15T08.csv');
    const again = cli(['air', 'import', '--format', 'cnemc', '--json', snapshot], db.env);
    assert.equal(again.code, 0, again.stderr);
    const summary = JSON.parse(again.stdout) as { accepted: number; inserted: number; unchanged: number };
    assert.ok(summary.accepted > 0);
    assert.equal(summary.inserted, 0, 'the bundled snapshot is already stored');
    assert.equal(summary.unchanged, summary.accepted);

    const lines = fs.readFileSync(snapshot, 'utf8').split('\n');
    const cols = lines[0]!.split(',');
    const cells = lines[2]!.split(',');
    cells[cols.indexOf('pm2_5')] = 'lots';
    lines[2] = cells.join(',');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, lines.join('\n'));
    const r = cli(['air', 'import', '--format', 'cnemc', '--json', bad], db.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /bad\.csv:3 pm2_5/);
    assert.ok((JSON.parse(r.stdout) as { accepted: number }).accepted > 0, 'the good rows are stored');
  });

  it('imports UCI files with the station map named by --stations (any file name), mapping UCI stations to national codes', () => {
    const meta = JSON.parse(fs.readFileSync(path.join(projectRoot, 'data', 'air', 'stations.json'), 'utf8')) as { prsaStations: Record<string, string> };
    const [uci, code] = Object.entries(meta.prsaStations)[0]!;
    // One UCI station, one hour, with a value that differs from the bundled one: a revision of a stored key.
    const csv = path.join(dir, 'uci.csv');
    fs.writeFileSync(csv, `year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,station\n2016,12,20,0,1,2,3,4,500,6,${uci}\n`);
    const map = path.join(dir, 'my-map.json');
    fs.writeFileSync(map, JSON.stringify({ prsaStations: { [uci]: code } }));
    const r = cli(['air', 'import', '--format', 'prsa', '--stations', map, '--json', csv], db.env);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { accepted: number; updated: number; inserted: number };
    assert.equal(summary.accepted, 6, 'six pollutants of one station-hour');
    assert.equal(summary.inserted + summary.updated, 6);
    const missing = cli(['air', 'import', '--format', 'prsa', '--stations', path.join(dir, 'nope.json'), csv], db.env);
    assert.equal(missing.code, 4, 'a missing map is an error, not a silent fallback');
    assert.match(missing.stderr, /--stations .*nope\.json: cannot read the UCI station map/);
  });
});
