/**
 * A tiny GTFS fixture builder for tests: a valid base feed as file texts, patched per test, written to
 * a temporary folder or packed into a zip by a minimal zip writer (deflateRaw + CRC-32), so tests never
 * depend on an external zip tool.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipBuffer } from '../../src/transit/gtfs/zip-writer.ts';
import { after } from 'node:test';

export type Files = Record<string, string | Buffer>;

/**
 * A small valid feed without a single notice: a station with a platform, an after-midnight trip, a
 * trip with a non-timepoint stop without times, shapes, frequencies and every kind of transfer row.
 */
export const BASE: Readonly<Files> = {
  'agency.txt': `agency_id,agency_name,agency_url,agency_timezone,agency_lang
SJZ,Shijiazhuang Metro,https://example.org/sjz,Asia/Shanghai,zh
`,
  'stops.txt': `stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,wheelchair_boarding,platform_code,zone_id
ST,Central Station,38.0400,114.5100,1,,1,,
ST1,Central Station Platform 1,38.0401,114.5101,0,ST,0,1,Z1
ST2,Central Station Platform 2,38.0402,114.5102,0,ST,2,2,Z1
B,Bei Road,38.0500,114.5200,0,,,,Z2
C,Chang'an Park,38.0600,114.5300,0,,,,Z2
D,Dong Gate,38.0700,114.5400,0,,,,Z3
`,
  'routes.txt': `route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color
L1,SJZ,1,Line 1,1,E60012,FFFFFF
X9,SJZ,X9,Airport Express,109,,
`,
  'calendar.txt': `service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
WK,1,1,1,1,1,0,0,20260101,20261231
`,
  'calendar_dates.txt': `service_id,date,exception_type
WK,20261001,2
HOL,20261003,1
`,
  'shapes.txt': `shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence
SH1,38.0600,114.5300,3
SH1,38.0400,114.5100,1
SH1,38.0500,114.5200,2
`,
  'trips.txt': `route_id,service_id,trip_id,trip_headsign,direction_id,shape_id,wheelchair_accessible
L1,WK,T1,Chang'an Park,0,SH1,1
L1,WK,T2,Dong Gate,0,,
X9,HOL,T3,Central Station,1,,
`,
  'stop_times.txt': `trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type,timepoint
T1,08:00:00,08:00:00,ST1,1,0,0,1
T1,08:05:00,08:06:00,B,2,0,0,1
T1,08:10:00,08:10:00,C,3,0,1,1
T2,24:50:00,24:50:00,ST2,10,0,0,1
T2,,,B,20,0,0,0
T2,25:10:00,25:10:00,D,30,1,0,1
T3,09:00:00,09:00:00,D,1,0,0,1
T3,09:20:00,09:20:00,ST1,2,0,0,1
`,
  'frequencies.txt': `trip_id,start_time,end_time,headway_secs,exact_times
T3,06:00:00,09:00:00,600,1
T3,09:00:00,22:00:00,900,0
`,
  'transfers.txt': `from_stop_id,to_stop_id,from_route_id,to_route_id,from_trip_id,to_trip_id,transfer_type,min_transfer_time
ST,ST,,,,,2,120
ST1,B,,,,,0,
B,B,L1,X9,,,3,
ST1,ST1,,,T3,T1,1,
C,D,,,T1,T2,4,
ST1,ST2,,,T3,T2,5,
`,
  'feed_info.txt': `feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,feed_version
Xietong tests,https://example.org,zh,20260101,20261231,v1
`,
};

/** Sets one value (by column name) on a 1-based line of a CSV text without quotes. */
export function editText(text: string, line: number, column: string, value: string): string {
  const lines = text.split('\n');
  const col = lines[0]!.split(',').indexOf(column);
  if (col < 0) throw new Error(`no column ${column}`);
  const cells = lines[line - 1]!.split(',');
  cells[col] = value;
  lines[line - 1] = cells.join(',');
  return lines.join('\n');
}

/** A patch for feedFiles() setting one value of a BASE file. */
export function edit(file: string, line: number, column: string, value: string): Record<string, string> {
  return { [file]: editText(BASE[file] as string, line, column, value) };
}

/** A patch appending lines to a BASE file. */
export function append(file: string, ...lines: string[]): Record<string, string> {
  return { [file]: `${BASE[file] as string}${lines.map((l) => `${l}\n`).join('')}` };
}

/** BASE with files replaced (a string or Buffer) or removed (null). */
export function feedFiles(patch: Record<string, string | Buffer | null> = {}): Files {
  const out: Files = { ...BASE };
  for (const [name, content] of Object.entries(patch)) {
    if (content === null) delete out[name];
    else out[name] = content;
  }
  return out;
}

const tmpRoots: string[] = [];
let cleanupRegistered = false;

export function tmpDir(prefix = 'xietong-gtfs-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpRoots.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    after(() => {
      for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** Writes the files into a new folder named `name` and returns its path. */
export function writeFolder(files: Files, name = 'feed'): string {
  const dir = path.join(tmpDir(), name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return dir;
}

export { zipBuffer };

/** Writes a zip of the files as `name` in a new temporary folder and returns its path. */
export function writeZip(files: Files, name = 'feed.gtfs.zip', opts: { store?: boolean } = {}): string {
  const file = path.join(tmpDir(), name);
  fs.writeFileSync(file, zipBuffer(files, opts));
  return file;
}
