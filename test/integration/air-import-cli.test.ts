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
});
