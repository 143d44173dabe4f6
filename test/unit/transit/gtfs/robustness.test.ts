/** Malformed input of every kind yields a report and never an exception escaping readFeed. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readFeed } from '../../../../src/transit/gtfs/reader.ts';
import { BASE, feedFiles, tmpDir, writeFolder, zipBuffer, type Files } from '../../../support/gtfs-fixture.ts';

const names = Object.keys(BASE);

async function mustReport(source: string): Promise<void> {
  const { feed, report } = await readFeed(source);
  assert.equal(feed === null, report.errors > 0);
  assert.equal(report.counts.reduce((s, c) => s + c.count, 0) >= report.notices.length, true);
}

describe('GTFS reader on garbage', () => {
  it('random bytes as a zip file: a clear error, never an exception', async () => {
    const dir = tmpDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), async (bytes) => {
        const file = path.join(dir, `g${n++}.zip`);
        fs.writeFileSync(file, bytes);
        const { feed, report } = await readFeed(file);
        assert.equal(feed, null);
        assert.ok(report.errors > 0);
        assert.ok(report.notices.some((x) => x.code === 'invalid_zip' || x.code === 'not_a_gtfs_feed' || x.code === 'missing_required_file'));
      }),
      { numRuns: 60 },
    );
  });

  it('a valid zip with corrupted bytes: a report, never an exception', async () => {
    const good = zipBuffer(BASE as Files);
    const dir = tmpDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(good.length), async (flips, cut) => {
        const bad = Buffer.from(good);
        for (const [i, v] of flips) bad[i] = v;
        const file = path.join(dir, `c${n++}.zip`);
        fs.writeFileSync(file, n % 3 === 0 ? bad.subarray(0, cut) : bad);
        await mustReport(file);
      }),
      { numRuns: 80 },
    );
  });

  it('random bytes or CSV-like noise in place of any GTFS file: a report, never an exception', async () => {
    const noise = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
      fc
        .string({ unit: fc.constantFrom('a', 'T1', 'ST1', '"', ',', '\n', '\r\n', '0', '1', '25:', ':00', '-', '.', ' ', '\uFEFF', '\uFFFD'), maxLength: 300 })
        .map((s) => Buffer.from(s)),
      // A real header with noisy rows reaches the field parsers.
      fc.tuple(fc.constantFrom(...names), fc.string({ unit: fc.constantFrom('x', '1', '9', ',', '\n', ':', '"', '-', '.', 'T1', 'ST', 'B'), maxLength: 200 })).map(([n, s]) =>
        Buffer.from(`${(BASE[n] as string).split('\n')[0]}\n${s}`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), noise, async (name, content) => {
        await mustReport(writeFolder(feedFiles({ [name]: content })));
      }),
      { numRuns: 150 },
    );
  });

  it('garbage stop_times.txt: errors naming the file, never an exception', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256));
    const { feed, report } = await readFeed(writeFolder(feedFiles({ 'stop_times.txt': bytes })));
    assert.equal(feed, null);
    assert.ok(report.notices.some((n) => n.file === 'stop_times.txt' && n.severity === 'error'));
  });

  it('missing stops.txt, a bad time and a dangling trip reference are all reported together', async () => {
    const { feed, report } = await readFeed(
      writeFolder(
        feedFiles({
          'stops.txt': null,
          'stop_times.txt': (BASE['stop_times.txt'] as string).replace('08:05:00', '8h05').replace('T3,09:20:00', 'T7,09:20:00'),
        }),
      ),
    );
    assert.equal(feed, null);
    const codes = new Set(report.notices.map((n) => `${n.code}@${n.file}`));
    assert.ok(codes.has('missing_required_file@stops.txt'));
    assert.ok(codes.has('invalid_time@stop_times.txt'));
    assert.ok(report.notices.some((n) => n.code === 'foreign_key_violation' && n.field === 'trip_id' && n.value === 'T7' && n.line === 9));
  });
});
