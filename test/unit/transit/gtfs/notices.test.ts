/** One test per notice code: each feeds a small broken fixture and checks code, severity, file, line and field. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readFeed } from '../../../../src/transit/gtfs/reader.ts';
import { NOTICE_SEVERITY, type NoticeCode } from '../../../../src/transit/gtfs/validate.ts';
import type { Notice, ValidationReport } from '../../../../src/transit/gtfs/feed.ts';
import { BASE, append, edit, editText, feedFiles, tmpDir, writeFolder, writeZip } from '../../../support/gtfs-fixture.ts';

type Where = { file: string | null; line: number | null; field: string | null };
type Case = {
  code: NoticeCode;
  title?: string;
  /** Patch of the base feed, or a function returning the path (and options) to read. */
  patch?: Record<string, string | Buffer | null>;
  source?: () => string;
  feedId?: string;
  expect: Where;
};

const utf8Broken = Buffer.concat([
  Buffer.from((BASE['stops.txt'] as string).split('\n').slice(0, 2).join('\n') + '\n'),
  Buffer.from('ST1,Central Station Platform '),
  Buffer.from([0xff, 0xfe]),
  Buffer.from(',38.0401,114.5101,0,ST,0,1,Z1\n'),
  Buffer.from((BASE['stops.txt'] as string).split('\n').slice(3).join('\n')),
]);

const st = BASE['stop_times.txt'] as string;

const cases: Case[] = [
  { code: 'source_not_found', source: () => path.join(tmpDir(), 'no-such-feed.zip'), expect: { file: null, line: null, field: null } },
  {
    code: 'invalid_zip',
    source: () => {
      const f = path.join(tmpDir(), 'garbage.zip');
      fs.writeFileSync(f, Buffer.from('this is not a zip archive at all, just text\n'.repeat(20)));
      return f;
    },
    expect: { file: null, line: null, field: null },
  },
  { code: 'not_a_gtfs_feed', source: () => writeFolder({ 'README.md': '# nothing here\n' }, 'empty'), expect: { file: null, line: null, field: null } },
  {
    code: 'invalid_input_files_in_subfolder',
    source: () => writeZip(Object.fromEntries(Object.entries(BASE).map(([k, v]) => [`gtfs/${k}`, v]))),
    expect: { file: 'gtfs/stops.txt', line: null, field: null },
  },
  { code: 'invalid_feed_id', feedId: 'not a valid id!', expect: { file: null, line: null, field: null } },
  { code: 'missing_required_file', patch: { 'stops.txt': null }, expect: { file: 'stops.txt', line: null, field: null } },
  {
    code: 'missing_calendar_and_calendar_date_files',
    patch: { 'calendar.txt': null, 'calendar_dates.txt': null },
    expect: { file: 'calendar.txt', line: null, field: null },
  },
  { code: 'empty_file', patch: { 'shapes.txt': '' }, expect: { file: 'shapes.txt', line: null, field: null } },
  { code: 'empty_file', title: 'required file with a header only', patch: { 'agency.txt': 'agency_name,agency_url,agency_timezone\n' }, expect: { file: 'agency.txt', line: null, field: null } },
  { code: 'invalid_utf8', patch: { 'stops.txt': utf8Broken }, expect: { file: 'stops.txt', line: 3, field: null } },
  {
    code: 'csv_parsing_failed',
    patch: { 'routes.txt': `${(BASE['routes.txt'] as string).split('\n')[0]}\nL1,SJZ,1,"Line 1"x,1,E60012,FFFFFF\nX9,SJZ,X9,Airport Express,109,,\n` },
    expect: { file: 'routes.txt', line: 2, field: null },
  },
  {
    code: 'csv_parsing_failed',
    title: 'unterminated quote',
    patch: { 'feed_info.txt': 'feed_publisher_name,feed_publisher_url,feed_lang\n"Xietong,https://example.org,zh\n' },
    expect: { file: 'feed_info.txt', line: 2, field: null },
  },
  {
    code: 'missing_required_column',
    patch: { 'stop_times.txt': st.replace('stop_sequence,', 'stop_seq,') },
    expect: { file: 'stop_times.txt', line: 1, field: 'stop_sequence' },
  },
  {
    code: 'duplicated_column',
    patch: { 'calendar_dates.txt': 'service_id,date,exception_type,date\nWK,20261001,2,20261001\n' },
    expect: { file: 'calendar_dates.txt', line: 1, field: 'date' },
  },
  {
    code: 'empty_column_name',
    patch: { 'calendar_dates.txt': 'service_id,date,,exception_type\nWK,20261001,,2\n' },
    expect: { file: 'calendar_dates.txt', line: 1, field: null },
  },
  { code: 'invalid_row_length', patch: append('routes.txt', 'Z1,SJZ,Z,Zed,3,,,extra'), expect: { file: 'routes.txt', line: 4, field: null } },
  {
    code: 'new_line_in_value',
    patch: { 'routes.txt': (BASE['routes.txt'] as string).replace('Line 1', '"Line\n1"') },
    expect: { file: 'routes.txt', line: 2, field: 'route_long_name' },
  },
  { code: 'missing_required_field', patch: edit('stops.txt', 5, 'stop_name', ''), expect: { file: 'stops.txt', line: 5, field: 'stop_name' } },
  {
    code: 'missing_required_field',
    title: 'from/to stop of a transfer_type 2 row',
    patch: append('transfers.txt', ',B,,,,,2,60'),
    expect: { file: 'transfers.txt', line: 8, field: 'from_stop_id' },
  },
  { code: 'duplicate_key', patch: append('stops.txt', 'B,Bei Road again,38.05,114.52,0,,,,'), expect: { file: 'stops.txt', line: 8, field: 'stop_id' } },
  {
    code: 'duplicate_key',
    title: 'stop_sequence twice in a trip',
    patch: append('stop_times.txt', 'T1,08:20:00,08:20:00,D,3,0,0,1'),
    expect: { file: 'stop_times.txt', line: 10, field: 'stop_sequence' },
  },
  { code: 'foreign_key_violation', title: 'unknown stop', patch: edit('stop_times.txt', 3, 'stop_id', 'NOPE'), expect: { file: 'stop_times.txt', line: 3, field: 'stop_id' } },
  { code: 'foreign_key_violation', title: 'unknown trip', patch: append('stop_times.txt', 'T9,10:00:00,10:00:00,B,1,0,0,1'), expect: { file: 'stop_times.txt', line: 10, field: 'trip_id' } },
  { code: 'foreign_key_violation', title: 'unknown route', patch: edit('trips.txt', 3, 'route_id', 'L7'), expect: { file: 'trips.txt', line: 3, field: 'route_id' } },
  { code: 'foreign_key_violation', title: 'unknown service', patch: edit('trips.txt', 3, 'service_id', 'SUNDAY'), expect: { file: 'trips.txt', line: 3, field: 'service_id' } },
  { code: 'foreign_key_violation', title: 'unknown shape', patch: edit('trips.txt', 2, 'shape_id', 'SH7'), expect: { file: 'trips.txt', line: 2, field: 'shape_id' } },
  { code: 'foreign_key_violation', title: 'unknown parent', patch: edit('stops.txt', 4, 'parent_station', 'NOWHERE'), expect: { file: 'stops.txt', line: 4, field: 'parent_station' } },
  { code: 'foreign_key_violation', title: 'unknown agency', patch: edit('routes.txt', 3, 'agency_id', 'BJ'), expect: { file: 'routes.txt', line: 3, field: 'agency_id' } },
  { code: 'foreign_key_violation', title: 'unknown transfer trip', patch: edit('transfers.txt', 5, 'from_trip_id', 'T8'), expect: { file: 'transfers.txt', line: 5, field: 'from_trip_id' } },
  { code: 'invalid_integer', patch: edit('stop_times.txt', 3, 'stop_sequence', 'two'), expect: { file: 'stop_times.txt', line: 3, field: 'stop_sequence' } },
  { code: 'invalid_float', patch: edit('stops.txt', 5, 'stop_lat', 'north'), expect: { file: 'stops.txt', line: 5, field: 'stop_lat' } },
  { code: 'invalid_time', patch: edit('stop_times.txt', 3, 'arrival_time', '8:5:00'), expect: { file: 'stop_times.txt', line: 3, field: 'arrival_time' } },
  { code: 'invalid_date', patch: edit('calendar.txt', 2, 'start_date', '20261301'), expect: { file: 'calendar.txt', line: 2, field: 'start_date' } },
  { code: 'invalid_color', patch: edit('routes.txt', 2, 'route_color', 'red'), expect: { file: 'routes.txt', line: 2, field: 'route_color' } },
  { code: 'invalid_timezone', patch: edit('agency.txt', 2, 'agency_timezone', 'Asia/Nowhere'), expect: { file: 'agency.txt', line: 2, field: 'agency_timezone' } },
  { code: 'number_out_of_range', patch: edit('stops.txt', 6, 'stop_lon', '214.53'), expect: { file: 'stops.txt', line: 6, field: 'stop_lon' } },
  { code: 'number_out_of_range', title: 'headway of 0', patch: edit('frequencies.txt', 3, 'headway_secs', '0'), expect: { file: 'frequencies.txt', line: 3, field: 'headway_secs' } },
  {
    code: 'inconsistent_agency_timezone',
    patch: append('agency.txt', 'BJ,Beijing Subway,https://example.org/bj,Asia/Tokyo,zh'),
    expect: { file: 'agency.txt', line: 3, field: 'agency_timezone' },
  },
  {
    code: 'route_both_short_and_long_name_missing',
    patch: { 'routes.txt': editText(editText(BASE['routes.txt'] as string, 3, 'route_short_name', ''), 3, 'route_long_name', '') },
    expect: { file: 'routes.txt', line: 3, field: 'route_short_name' },
  },
  { code: 'location_without_parent_station', patch: append('stops.txt', 'E1,Exit A,38.0403,114.5103,2,,,,'), expect: { file: 'stops.txt', line: 8, field: 'parent_station' } },
  { code: 'station_with_parent_station', patch: edit('stops.txt', 2, 'parent_station', 'B'), expect: { file: 'stops.txt', line: 2, field: 'parent_station' } },
  { code: 'wrong_parent_location_type', patch: edit('stops.txt', 6, 'parent_station', 'B'), expect: { file: 'stops.txt', line: 6, field: 'parent_station' } },
  { code: 'location_with_unexpected_stop_time', patch: edit('stop_times.txt', 2, 'stop_id', 'ST'), expect: { file: 'stop_times.txt', line: 2, field: 'stop_id' } },
  { code: 'start_and_end_range_out_of_order', patch: edit('calendar.txt', 2, 'end_date', '20251231'), expect: { file: 'calendar.txt', line: 2, field: 'end_date' } },
  { code: 'start_and_end_range_equal', patch: edit('frequencies.txt', 2, 'end_time', '06:00:00'), expect: { file: 'frequencies.txt', line: 2, field: 'end_time' } },
  { code: 'overlapping_frequency', patch: edit('frequencies.txt', 2, 'end_time', '09:30:00'), expect: { file: 'frequencies.txt', line: 3, field: 'start_time' } },
  {
    code: 'stop_time_with_arrival_before_previous_departure_time',
    patch: edit('stop_times.txt', 4, 'arrival_time', '08:05:30'),
    expect: { file: 'stop_times.txt', line: 4, field: 'arrival_time' },
  },
  {
    code: 'stop_time_with_departure_before_arrival_time',
    patch: edit('stop_times.txt', 3, 'departure_time', '08:04:00'),
    expect: { file: 'stop_times.txt', line: 3, field: 'departure_time' },
  },
  {
    code: 'missing_trip_edge',
    patch: { 'stop_times.txt': editText(editText(editText(st, 4, 'arrival_time', ''), 4, 'departure_time', ''), 4, 'timepoint', '0') },
    expect: { file: 'stop_times.txt', line: 4, field: 'arrival_time' },
  },
  { code: 'stop_time_timepoint_without_times', patch: edit('stop_times.txt', 6, 'timepoint', '1'), expect: { file: 'stop_times.txt', line: 6, field: 'arrival_time' } },
  {
    code: 'decreasing_or_equal_stop_time_distance',
    patch: {
      'stop_times.txt': 'trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n' +
        'T1,08:00:00,08:00:00,ST1,1,0\nT1,08:05:00,08:06:00,B,2,1.5\nT1,08:10:00,08:10:00,C,3,1.5\n' +
        'T2,24:50:00,24:50:00,ST2,1,\nT2,25:10:00,25:10:00,D,2,\nT3,09:00:00,09:00:00,D,1,\nT3,09:20:00,09:20:00,ST1,2,\n',
    },
    expect: { file: 'stop_times.txt', line: 4, field: 'shape_dist_traveled' },
  },
  {
    code: 'decreasing_shape_distance',
    patch: { 'shapes.txt': 'shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled\nSH1,38.04,114.51,1,0\nSH1,38.05,114.52,2,900\nSH1,38.06,114.53,3,800\n' },
    expect: { file: 'shapes.txt', line: 4, field: 'shape_dist_traveled' },
  },
  {
    code: 'transfer_with_invalid_stop_location_type',
    patch: { ...append('stops.txt', 'E1,Exit A,38.0403,114.5103,2,ST,,,'), ...append('transfers.txt', 'E1,B,,,,,2,300') },
    expect: { file: 'transfers.txt', line: 8, field: 'from_stop_id' },
  },
  { code: 'transfer_with_invalid_trip_and_route', patch: append('transfers.txt', 'C,C,X9,,T1,,0,'), expect: { file: 'transfers.txt', line: 8, field: 'from_trip_id' } },
  { code: 'transfer_with_invalid_trip_and_stop', patch: append('transfers.txt', 'ST1,D,,,T3,T1,1,'), expect: { file: 'transfers.txt', line: 8, field: 'to_trip_id' } },
  { code: 'leading_or_trailing_whitespaces', patch: edit('stops.txt', 5, 'stop_name', ' Bei Road'), expect: { file: 'stops.txt', line: 5, field: 'stop_name' } },
  { code: 'empty_row', patch: append('routes.txt', ',, ,,,,', 'Z1,SJZ,Z,Zed,3,,'), expect: { file: 'routes.txt', line: 4, field: null } },
  { code: 'unexpected_enum_value', patch: edit('stops.txt', 5, 'location_type', '9'), expect: { file: 'stops.txt', line: 5, field: 'location_type' } },
  { code: 'unexpected_enum_value', title: 'route_type 99', patch: edit('routes.txt', 3, 'route_type', '99'), expect: { file: 'routes.txt', line: 3, field: 'route_type' } },
  {
    code: 'stop_time_with_only_arrival_or_departure_time',
    patch: edit('stop_times.txt', 3, 'departure_time', ''),
    expect: { file: 'stop_times.txt', line: 3, field: 'departure_time' },
  },
  {
    code: 'unusable_trip',
    patch: { 'stop_times.txt': st.split('\n').filter((l) => !l.startsWith('T3,09:20')).join('\n') },
    expect: { file: 'stop_times.txt', line: 8, field: 'trip_id' },
  },
  { code: 'unused_trip', patch: append('trips.txt', 'L1,WK,T4,,0,,'), expect: { file: 'trips.txt', line: 5, field: 'trip_id' } },
  { code: 'unused_shape', patch: append('shapes.txt', 'SH2,38.07,114.54,1', 'SH2,38.08,114.55,2'), expect: { file: 'shapes.txt', line: 5, field: 'shape_id' } },
  { code: 'stop_without_stop_time', patch: append('stops.txt', 'F,Far Away,38.1,114.6,0,,,,'), expect: { file: 'stops.txt', line: 8, field: 'stop_id' } },
  { code: 'unused_route', patch: append('routes.txt', 'L9,SJZ,9,Line 9,1,,'), expect: { file: 'routes.txt', line: 4, field: 'route_id' } },
  { code: 'more_than_one_entity', patch: append('feed_info.txt', 'Someone else,https://example.com,en,,,'), expect: { file: 'feed_info.txt', line: 3, field: null } },
  { code: 'unused_station', patch: append('stops.txt', 'S9,Ghost Station,38.2,114.7,1,,,,'), expect: { file: 'stops.txt', line: 8, field: 'stop_id' } },
  {
    code: 'unknown_column',
    patch: { 'routes.txt': (BASE['routes.txt'] as string).replace('route_text_color', 'route_text_color,route_mood').replaceAll('\n', ',\n').replace('route_mood,\n', 'route_mood\n') },
    expect: { file: 'routes.txt', line: 1, field: 'route_mood' },
  },
  { code: 'unknown_file', patch: { 'notes.txt': 'note_id,text\nN1,hello\n' }, expect: { file: 'notes.txt', line: null, field: null } },
];

async function run(c: Case): Promise<ValidationReport> {
  const source = c.source ? c.source() : writeFolder(feedFiles(c.patch ?? {}));
  const { feed, report } = await readFeed(source, c.feedId ? { feedId: c.feedId } : {});
  assert.equal(feed === null, report.errors > 0, 'feed is null exactly when there are errors');
  return report;
}

function show(notices: Notice[]): string {
  return notices.map((n) => `${n.code} ${n.file}:${n.line} ${n.field} ${n.value} — ${n.message}`).join('\n');
}

describe('GTFS notices', () => {
  it('the base fixture is clean: no notice at all', async () => {
    const { feed, report } = await readFeed(writeFolder(feedFiles()));
    assert.deepEqual(report.notices, [], show(report.notices));
    assert.ok(feed);
  });

  for (const c of cases) {
    it(`${c.code}${c.title ? ` (${c.title})` : ''} → ${c.expect.file ?? '(feed)'}:${c.expect.line ?? '-'} ${c.expect.field ?? ''}`, async () => {
      const report = await run(c);
      const hits = report.notices.filter((n) => n.code === c.code);
      assert.ok(hits.length > 0, `no ${c.code}; got:\n${show(report.notices)}`);
      const match = hits.find((n) => n.file === c.expect.file && n.line === c.expect.line && n.field === c.expect.field);
      assert.ok(match, `no ${c.code} at ${JSON.stringify(c.expect)}; got:\n${show(hits)}`);
      assert.equal(match.severity, NOTICE_SEVERITY[c.code]);
      assert.ok(match.message.length > 10, 'a plain-English message');
      const counted = report.counts.find((x) => x.code === c.code);
      assert.equal(counted?.severity, NOTICE_SEVERITY[c.code]);
    });
  }

  it('has a case for every notice code but the internal-failure one', () => {
    const covered = new Set(cases.map((c) => c.code));
    const missing = Object.keys(NOTICE_SEVERITY).filter((c) => !covered.has(c as NoticeCode) && c !== 'runtime_exception_in_loader_error');
    assert.deepEqual(missing, []);
  });

  it('a line break inside a quoted value shifts the following line numbers', async () => {
    const routes = (BASE['routes.txt'] as string).replace('Line 1', '"Line\n1"').replace('X9,SJZ,X9,Airport Express,109', 'X9,SJZ,X9,Airport Express,1O9');
    const { report } = await readFeed(writeFolder(feedFiles({ 'routes.txt': routes })));
    const bad = report.notices.find((n) => n.code === 'invalid_integer');
    assert.equal(bad?.line, 4);
    assert.equal(bad?.field, 'route_type');
  });

  it('reads no rows of a file missing a required column (no cascade of notices from its rows)', async () => {
    const { report } = await readFeed(writeFolder(feedFiles({ 'stop_times.txt': st.replace('stop_sequence,', 'stop_seq,') })));
    assert.deepEqual(
      report.notices.map((n) => `${n.code} ${n.file}:${n.line}`),
      ['unknown_column stop_times.txt:1', 'missing_required_column stop_times.txt:1'],
    );
  });

  it('keeps maxNotices notices in full and counts all of them', async () => {
    const many = Array.from({ length: 30 }, (_, i) => `T1,08:0${i % 10}:00,08:00:00,NOPE${i},${100 + i},0,0,0`);
    const { report } = await readFeed(writeFolder(feedFiles(append('stop_times.txt', ...many))), { maxNotices: 5 });
    assert.equal(report.notices.length, 5);
    const fk = report.counts.find((c) => c.code === 'foreign_key_violation');
    assert.equal(fk?.count, 30);
    assert.ok(report.errors >= 30);
  });
});
