/**
 * GTFS reader: a zip or a folder of .txt files → `GtfsFeed` (see feed.ts) plus a validation report in
 * the style of the MobilityData validator (codes and severities in validate.ts). Files are streamed and
 * parsed incrementally; errors reject the feed (`feed: null`), warnings import. `readFeed` never throws.
 */
import path from 'node:path';
import { CsvTokenizer, type CsvRow } from './csv.ts';
import {
  NONE,
  type Agency,
  type Calendar,
  type CalendarDate,
  type FeedInfo,
  type Frequency,
  type GtfsFeed,
  type Route,
  type Stop,
  type StopTimes,
  type Transfer,
  type Trip,
  type ValidationReport,
} from './feed.ts';
import { FileReader, formatTime } from './fields.ts';
import { openSource, type Source, type SourceFile } from './source.ts';
import { StopTimesBuilder } from './stop-times.ts';
import { DAYS, MODELLED, MODELLED_BY_NAME, isGtfsFileName, isKnownRouteType, type FileSpec } from './tables.ts';
import { NoticeSink } from './validate.ts';

export { formatReport } from './report.ts';

export type ReadProgress = { file: string; rows: number; bytes?: number; totalBytes?: number };

export type ReadFeedOptions = {
  feedId?: string;
  onProgress?: (p: ReadProgress) => void;
  /** Notices kept in full (all are counted); default 1000. */
  maxNotices?: number;
};

export const FEED_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/** `…/bus_m.gtfs.zip` → `bus_m`; `…/subway.zip` → `subway`; a folder → its name. */
export function feedIdFromPath(source: string): string {
  const base = path.basename(source.replace(/[\\/]+$/, ''));
  return base.replace(/\.gtfs\.zip$/i, '').replace(/\.zip$/i, '');
}

export async function readFeed(source: string, opts: ReadFeedOptions = {}): Promise<{ feed: GtfsFeed | null; report: ValidationReport }> {
  const sink = new NoticeSink(opts.maxNotices ?? 1000);
  let feedId = opts.feedId ?? '';
  let feed: GtfsFeed | null = null;
  try {
    if (opts.feedId === undefined) feedId = feedIdFromPath(source);
    if (!FEED_ID_PATTERN.test(feedId)) {
      sink.add('invalid_feed_id', null, null, null, feedId, `The feed id "${feedId}" must be 1–40 letters, digits, "_" or "-"; pass another id.`);
    }
    const src = await openSource(source, sink, isGtfsFileName);
    if (src) {
      try {
        feed = await new FeedLoader(src, feedId, sink, opts.onProgress).load();
      } finally {
        await src.close();
      }
    }
  } catch (e) {
    sink.add('runtime_exception_in_loader_error', null, null, null, null, `The reader failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  const report = sink.report(feedId);
  return { feed: report.errors > 0 ? null : feed, report };
}

type FileStatus = 'absent' | 'ok' | 'broken';

class FeedLoader {
  private readonly files = new Map<string, SourceFile>();
  private readonly status = new Map<string, FileStatus>();
  private readonly strings = new Map<string, string>();

  private readonly agencies: Agency[] = [];
  private readonly agencyIds = new Set<string>();
  private readonly stops: Stop[] = [];
  private readonly stopIndex = new Map<string, number>();
  private readonly routes: Route[] = [];
  private readonly routeIndex = new Map<string, number>();
  private readonly trips: Trip[] = [];
  private readonly tripIndex = new Map<string, number>();
  private readonly tripLines: number[] = [];
  private readonly routeLines: number[] = [];
  private readonly stopLines: number[] = [];
  private readonly calendars: Calendar[] = [];
  private readonly calendarDates: CalendarDate[] = [];
  private readonly serviceIds = new Set<string>();
  private readonly shapes = new Map<string, Float64Array>();
  private readonly shapeLines = new Map<string, number>();
  private readonly usedShapes = new Set<string>();
  private stopTimes: StopTimes | null = null;
  private usedStops: Uint8Array | null = null;
  private readonly frequencies: Frequency[] = [];
  private readonly transfers: Transfer[] = [];
  private feedInfo: FeedInfo | null = null;
  private readonly extraFiles = new Map<string, Record<string, string>[]>();

  constructor(
    private readonly src: Source,
    private readonly feedId: string,
    private readonly sink: NoticeSink,
    private readonly onProgress: ReadFeedOptions['onProgress'],
  ) {
    for (const f of src.files) this.files.set(f.name, f);
  }

  private intern(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }

  async load(): Promise<GtfsFeed> {
    const { sink, src } = this;
    for (const nested of src.nestedGtfsFiles) {
      sink.add('invalid_input_files_in_subfolder', nested, null, null, nested, `${nested} is inside a sub-folder; GTFS files must be at the top level of the ${src.kind}.`);
    }
    if (src.files.length === 0) {
      sink.add('not_a_gtfs_feed', null, null, null, null, `No .txt file at the top level of the ${src.kind}: this is not a GTFS feed.`);
    }
    for (const name of src.otherFiles) {
      if (!isGtfsFileName(name)) sink.add('unknown_file', name, null, null, null, `${name} is not a GTFS file; ignored.`);
    }
    for (const spec of MODELLED) {
      if (spec.required && !this.files.has(spec.name)) {
        sink.add('missing_required_file', spec.name, null, null, null, `${spec.name} is required but missing.`);
      }
    }
    if (!this.files.has('calendar.txt') && !this.files.has('calendar_dates.txt')) {
      sink.add('missing_calendar_and_calendar_date_files', 'calendar.txt', null, null, null, 'Either calendar.txt or calendar_dates.txt (or both) is required; neither is present.');
    }

    await this.parse('agency.txt', (f) => this.agencyRows(f), () => this.agencyDone());
    await this.parse('stops.txt', (f) => this.stopRows(f), () => this.stopsDone());
    await this.parse('routes.txt', (f) => this.routeRows(f));
    await this.parse('calendar.txt', (f) => this.calendarRows(f));
    await this.parse('calendar_dates.txt', (f) => this.calendarDateRows(f));
    await this.parseShapes();
    await this.parse('trips.txt', (f) => this.tripRows(f));
    await this.parseStopTimes();
    await this.parse('frequencies.txt', (f) => this.frequencyRows(f), () => this.frequenciesDone());
    await this.parse('transfers.txt', (f) => this.transferRows(f));
    await this.parse('feed_info.txt', (f) => this.feedInfoRows(f));
    for (const file of this.src.files) {
      if (MODELLED_BY_NAME.has(file.name)) continue;
      await this.parseVerbatim(file);
    }
    this.checkUnused();

    const stopTimes = this.stopTimes ?? emptyStopTimes(this.trips.length);
    return {
      feedId: this.feedId,
      agencies: this.agencies,
      stops: this.stops,
      routes: this.routes,
      trips: this.trips,
      stopTimes,
      calendars: this.calendars,
      calendarDates: this.calendarDates,
      frequencies: this.frequencies,
      transfers: this.transfers,
      shapes: this.shapes,
      feedInfo: this.feedInfo,
      extraFiles: this.extraFiles,
      stopIndex: this.stopIndex,
      routeIndex: this.routeIndex,
      tripIndex: this.tripIndex,
    };
  }

  // ---------------------------------------------------------------- streaming

  /**
   * Streams one file through the CSV tokenizer: checks the header against `spec`, row lengths and empty
   * rows, then hands each data row to `onRow`. Returns the file's status.
   */
  private async stream(
    file: SourceFile,
    spec: FileSpec | null,
    begin: (f: FileReader) => void,
    onRow: (f: FileReader) => void,
    mode: 'modelled' | 'verbatim' | 'unknown',
  ): Promise<FileStatus> {
    const { sink } = this;
    const name = file.name;
    const report = mode !== 'unknown';
    let reader: FileReader | null = null;
    let rows = 0;
    let bytes = 0;
    let skipRows = false;
    let failed = false;
    const tokenizer = new CsvTokenizer({
      error: (kind, line, message) => {
        if (!report) return;
        sink.add(kind, name, line, null, null, message);
        failed = true;
      },
      row: (row: CsvRow) => {
        if (skipRows) return;
        if (!reader) {
          reader = this.header(name, row, spec, mode);
          if (reader === null) skipRows = true;
          else {
            reader.row = row;
            begin(reader);
          }
          return;
        }
        const f: FileReader = reader;
        f.row = row;
        if (row.count !== f.header.length) {
          if (report) sink.add('invalid_row_length', name, row.line, null, null, `The row has ${row.count} fields but the header has ${f.header.length}; row skipped.`);
          failed = true;
          return;
        }
        if (isEmptyRow(row)) {
          if (report) sink.add('empty_row', name, row.line, null, null, 'The row has only empty values; skipped.');
          return;
        }
        rows++;
        onRow(f);
      },
    });
    let stream: AsyncIterable<Buffer>;
    try {
      stream = await file.open();
    } catch (e) {
      this.ioError(name, e);
      return 'broken';
    }
    let inParser = false;
    try {
      for await (const chunk of stream) {
        bytes += chunk.length;
        inParser = true;
        tokenizer.push(chunk);
        inParser = false;
        this.progress({ file: name, rows, bytes, totalBytes: file.size });
      }
      inParser = true;
      tokenizer.end();
      inParser = false;
    } catch (e) {
      if (inParser) throw e;
      this.ioError(name, e);
      return 'broken';
    }
    this.progress({ file: name, rows, bytes, totalBytes: file.size });
    if (reader === null && !skipRows) {
      if (report) sink.add('empty_file', name, null, null, null, `${name} is empty; every GTFS file starts with a header line.`);
      return 'broken';
    }
    if (skipRows) return 'broken';
    if (rows === 0 && spec?.required) {
      sink.add('empty_file', name, null, null, null, `${name} has a header but no data rows; the file is required to have data.`);
      return 'broken';
    }
    return failed ? 'broken' : 'ok';
  }

  /** A failing progress callback must not fail the import. */
  private progress(p: ReadProgress): void {
    try {
      this.onProgress?.(p);
    } catch {
      // ignored on purpose
    }
  }

  private ioError(name: string, e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    if (this.src.kind === 'zip') this.sink.add('invalid_zip', name, null, null, null, `Cannot read ${name} from the zip archive: ${msg}.`);
    else this.sink.add('source_not_found', name, null, null, null, `Cannot read ${name}: ${msg}.`);
  }

  /** Validates a header row; returns null when the rows cannot be read (a required column is missing). */
  private header(name: string, row: CsvRow, spec: FileSpec | null, mode: 'modelled' | 'verbatim' | 'unknown'): FileReader | null {
    const { sink } = this;
    const cols: string[] = [];
    for (let i = 0; i < row.count; i++) cols.push(row.text(i).trim());
    if (mode === 'unknown') return new FileReader(name, cols, sink, false);
    const seen = new Set<string>();
    cols.forEach((c, i) => {
      if (c === '') sink.add('empty_column_name', name, row.line, null, null, `Column ${i + 1} of the header has no name.`);
      else if (seen.has(c)) sink.add('duplicated_column', name, row.line, c, c, `The column ${c} appears twice in the header.`);
      else if (spec && !spec.columns.includes(c)) sink.add('unknown_column', name, row.line, c, c, `${c} is not a column of ${name} in the GTFS reference; ignored.`);
      seen.add(c);
    });
    let ok = true;
    for (const c of spec?.requiredColumns ?? []) {
      if (!seen.has(c)) {
        sink.add('missing_required_column', name, row.line, c, null, `${name} must have a ${c} column.`);
        ok = false;
      }
    }
    return ok ? new FileReader(name, cols, sink, mode === 'modelled') : null;
  }

  private async parse(name: string, onRow: (f: FileReader) => void, done?: () => void, begin?: (f: FileReader) => void): Promise<void> {
    const file = this.files.get(name);
    if (!file) {
      this.status.set(name, 'absent');
      done?.();
      return;
    }
    const spec = MODELLED_BY_NAME.get(name)!;
    this.status.set(name, await this.stream(file, spec, begin ?? (() => {}), onRow, 'modelled'));
    done?.();
  }

  private async parseVerbatim(file: SourceFile): Promise<void> {
    const known = isGtfsFileName(file.name);
    if (!known) this.sink.add('unknown_file', file.name, null, null, null, `${file.name} is not a GTFS file; kept as it is.`);
    const rows: Record<string, string>[] = [];
    await this.stream(
      file,
      null,
      () => {},
      // fromEntries defines own properties, so a column named __proto__ stays plain data.
      (f) => rows.push(Object.fromEntries(f.header.map((h, i) => [h, f.row.text(i)]))),
      known ? 'verbatim' : 'unknown',
    );
    this.extraFiles.set(file.name, rows);
  }

  private ok(name: string): boolean {
    return this.status.get(name) === 'ok';
  }

  // ---------------------------------------------------------------- agency

  private agencyLines: number[] = [];

  private agencyRows(f: FileReader): void {
    const id = f.str(f.col('agency_id'));
    const name = f.req(f.col('agency_name'), 'agency_name');
    const url = f.req(f.col('agency_url'), 'agency_url');
    const tz = f.req(f.col('agency_timezone'), 'agency_timezone');
    if (tz !== '' && !isTimeZone(tz)) f.note('invalid_timezone', 'agency_timezone', tz, `agency_timezone "${tz}" is not an IANA time zone such as Asia/Shanghai.`);
    if (this.agencyIds.has(id)) {
      f.note('duplicate_key', 'agency_id', id, `agency_id "${id}" appears more than once.`);
      return;
    }
    this.agencyIds.add(id);
    this.agencies.push({ id, name, url, timezone: tz, lang: f.opt(f.col('agency_lang')), phone: f.opt(f.col('agency_phone')) });
    this.agencyLines.push(f.line);
  }

  private agencyDone(): void {
    if (this.agencies.length < 2) return;
    const first = this.agencies[0]!;
    this.agencies.forEach((a, i) => {
      const line = this.agencyLines[i]!;
      if (a.id === '') this.sink.add('missing_required_field', 'agency.txt', line, 'agency_id', null, 'agency_id is required when the feed has more than one agency.');
      if (a.timezone !== '' && first.timezone !== '' && a.timezone !== first.timezone) {
        this.sink.add('inconsistent_agency_timezone', 'agency.txt', line, 'agency_timezone', a.timezone, `Every agency must use the same agency_timezone: "${a.timezone}" differs from "${first.timezone}".`);
      }
    });
  }

  // ---------------------------------------------------------------- stops

  private parentIds: string[] = [];

  private stopRows(f: FileReader): void {
    const id = f.req(f.col('stop_id'), 'stop_id');
    if (id === '') return;
    const locationType = f.enumInt(f.col('location_type'), 'location_type', (v) => v >= 0 && v <= 4, 0);
    const needsPlace = locationType <= 2;
    const name = f.str(f.col('stop_name'));
    if (name === '' && needsPlace) f.missing('stop_name', ` for location_type ${locationType}`);
    const latText = f.str(f.col('stop_lat'));
    const lonText = f.str(f.col('stop_lon'));
    const lat = f.floatOf(latText, 'stop_lat', { min: -90, max: 90 });
    const lon = f.floatOf(lonText, 'stop_lon', { min: -180, max: 180 });
    if (needsPlace && latText === '') f.missing('stop_lat', ` for location_type ${locationType}`);
    if (needsPlace && lonText === '') f.missing('stop_lon', ` for location_type ${locationType}`);
    if (this.stopIndex.has(id)) {
      f.note('duplicate_key', 'stop_id', id, `stop_id "${id}" appears more than once (first on line ${this.stopLines[this.stopIndex.get(id)!]}).`);
      return;
    }
    this.stopIndex.set(id, this.stops.length);
    this.stops.push({
      id,
      code: f.opt(f.col('stop_code')),
      name,
      lat: lat ?? Number.NaN,
      lon: lon ?? Number.NaN,
      locationType,
      parent: NONE,
      wheelchairBoarding: f.enumInt(f.col('wheelchair_boarding'), 'wheelchair_boarding', (v) => v >= 0 && v <= 2, 0),
      platformCode: f.opt(f.col('platform_code')),
      zoneId: this.internOpt(f.opt(f.col('zone_id'))),
    });
    this.parentIds.push(this.intern(f.str(f.col('parent_station'))));
    this.stopLines.push(f.line);
  }

  private internOpt(s: string | null): string | null {
    return s === null ? null : this.intern(s);
  }

  private stopsDone(): void {
    const { stops, sink } = this;
    const file = 'stops.txt';
    stops.forEach((s, i) => {
      const pid = this.parentIds[i]!;
      const line = this.stopLines[i]!;
      const lt = s.locationType;
      if (pid === '') {
        if (lt >= 2) sink.add('location_without_parent_station', file, line, 'parent_station', null, `stop_id "${s.id}" has location_type ${lt} and must have a parent_station.`);
        return;
      }
      const p = this.stopIndex.get(pid);
      if (p === undefined) {
        sink.add('foreign_key_violation', file, line, 'parent_station', pid, `parent_station "${pid}" of stop_id "${s.id}" is not in stops.txt.`);
        return;
      }
      if (lt === 1) {
        sink.add('station_with_parent_station', file, line, 'parent_station', pid, `stop_id "${s.id}" is a station (location_type 1) and cannot have a parent_station.`);
        return;
      }
      const expected = lt === 4 ? 0 : 1;
      const actual = stops[p]!.locationType;
      if (actual !== expected) {
        sink.add(
          'wrong_parent_location_type',
          file,
          line,
          'parent_station',
          pid,
          `The parent_station of a location_type ${lt} must have location_type ${expected}; "${pid}" has ${actual}.`,
        );
      }
      s.parent = p;
    });
    // Generic nodes and boarding areas may have no coordinates: they take their parent's.
    for (const s of stops) {
      if (Number.isNaN(s.lat) && s.parent !== NONE) {
        let p = stops[s.parent]!;
        if (Number.isNaN(p.lat) && p.parent !== NONE) p = stops[p.parent]!;
        s.lat = p.lat;
        s.lon = p.lon;
      }
    }
  }

  // ---------------------------------------------------------------- routes

  private routeRows(f: FileReader): void {
    const id = f.req(f.col('route_id'), 'route_id');
    if (id === '') return;
    const agencyId = f.opt(f.col('agency_id'));
    if (agencyId !== null && this.files.has('agency.txt') && !this.agencyIds.has(agencyId)) {
      f.note('foreign_key_violation', 'agency_id', agencyId, `agency_id "${agencyId}" of route_id "${id}" is not in agency.txt.`);
    } else if (agencyId === null && this.agencies.length > 1) {
      f.missing('agency_id', ' when the feed has more than one agency');
    }
    const shortName = f.str(f.col('route_short_name'));
    const longName = f.str(f.col('route_long_name'));
    if (shortName === '' && longName === '') {
      f.note('route_both_short_and_long_name_missing', 'route_short_name', null, `route_id "${id}" needs a route_short_name or a route_long_name.`);
    }
    let type = f.int(f.col('route_type'), 'route_type', { required: true }) ?? 3;
    if (!isKnownRouteType(type)) {
      f.note('unexpected_enum_value', 'route_type', String(type), `route_type ${type} is neither a basic (0–7, 11, 12) nor an extended (100–1799) route type; kept as it is.`);
    }
    if (type < 0) type = 3;
    const color = f.color(f.col('route_color'), 'route_color');
    const textColor = f.color(f.col('route_text_color'), 'route_text_color');
    if (this.routeIndex.has(id)) {
      f.note('duplicate_key', 'route_id', id, `route_id "${id}" appears more than once (first on line ${this.routeLines[this.routeIndex.get(id)!]}).`);
      return;
    }
    this.routeIndex.set(id, this.routes.length);
    this.routes.push({ id, agencyId: this.internOpt(agencyId), shortName, longName, type, color, textColor });
    this.routeLines.push(f.line);
  }

  // ---------------------------------------------------------------- calendar

  private calendarLines = new Map<string, number>();
  private calendarDateKeys = new Map<string, number>();

  private calendarRows(f: FileReader): void {
    const serviceId = f.req(f.col('service_id'), 'service_id');
    const days = DAYS.map((d) => f.enumInt(f.col(d), d, (v) => v === 0 || v === 1, 0, true) === 1) as Calendar['days'];
    const start = f.date(f.col('start_date'), 'start_date', true);
    const end = f.date(f.col('end_date'), 'end_date', true);
    if (start && end && start > end) {
      f.note('start_and_end_range_out_of_order', 'end_date', end, `end_date ${end} is before start_date ${start} for service_id "${serviceId}".`);
    }
    if (serviceId === '') return;
    const first = this.calendarLines.get(serviceId);
    if (first !== undefined) {
      f.note('duplicate_key', 'service_id', serviceId, `service_id "${serviceId}" appears more than once (first on line ${first}).`);
      return;
    }
    this.calendarLines.set(serviceId, f.line);
    const sid = this.intern(serviceId);
    this.serviceIds.add(sid);
    this.calendars.push({ serviceId: sid, days, startDate: start ?? '', endDate: end ?? '' });
  }

  private calendarDateRows(f: FileReader): void {
    const serviceId = f.req(f.col('service_id'), 'service_id');
    const date = f.date(f.col('date'), 'date', true);
    const type = f.enumInt(f.col('exception_type'), 'exception_type', (v) => v === 1 || v === 2, 0, true);
    if (serviceId === '' || date === null || type === 0) return;
    const key = `${serviceId}\u0000${date}`;
    const first = this.calendarDateKeys.get(key);
    if (first !== undefined) {
      f.note('duplicate_key', 'date', date, `service_id "${serviceId}" has date ${date} more than once (first on line ${first}).`);
      return;
    }
    this.calendarDateKeys.set(key, f.line);
    const sid = this.intern(serviceId);
    this.serviceIds.add(sid);
    this.calendarDates.push({ serviceId: sid, date, exceptionType: type as 1 | 2 });
  }

  // ---------------------------------------------------------------- shapes

  private async parseShapes(): Promise<void> {
    const ids: string[] = [];
    const index = new Map<string, number>();
    let cap = 1024;
    let n = 0;
    let shape = new Int32Array(cap);
    let seq = new Int32Array(cap);
    let line = new Int32Array(cap);
    let lat = new Float64Array(cap);
    let lon = new Float64Array(cap);
    let dist = new Float64Array(cap);
    let c = { id: -1, lat: -1, lon: -1, seq: -1, dist: -1 };
    await this.parse(
      'shapes.txt',
      (f) => {
        const id = f.req(c.id, 'shape_id');
        const la = f.float(c.lat, 'shape_pt_lat', { required: true, min: -90, max: 90 });
        const lo = f.float(c.lon, 'shape_pt_lon', { required: true, min: -180, max: 180 });
        const sq = f.int(c.seq, 'shape_pt_sequence', { required: true, min: 0 });
        const d = f.float(c.dist, 'shape_dist_traveled', { min: 0 });
        if (id === '' || la === null || lo === null || sq === null) return;
        let si = index.get(id);
        if (si === undefined) {
          si = ids.length;
          ids.push(id);
          index.set(id, si);
        }
        if (n === cap) {
          cap *= 2;
          const g32 = (a: Int32Array) => {
            const b = new Int32Array(cap);
            b.set(a);
            return b;
          };
          const g64 = (a: Float64Array) => {
            const b = new Float64Array(cap);
            b.set(a);
            return b;
          };
          shape = g32(shape);
          seq = g32(seq);
          line = g32(line);
          lat = g64(lat);
          lon = g64(lon);
          dist = g64(dist);
        }
        shape[n] = si;
        seq[n] = sq;
        line[n] = f.line;
        lat[n] = la;
        lon[n] = lo;
        dist[n] = d ?? Number.NaN;
        n++;
      },
      undefined,
      (f) => {
        c = { id: f.col('shape_id'), lat: f.col('shape_pt_lat'), lon: f.col('shape_pt_lon'), seq: f.col('shape_pt_sequence'), dist: f.col('shape_dist_traveled') };
      },
    );
    // Group points by shape (counting sort), then order each shape by shape_pt_sequence.
    const start = new Int32Array(ids.length + 1);
    for (let k = 0; k < n; k++) start[shape[k]! + 1]!++;
    for (let s = 0; s < ids.length; s++) start[s + 1]! += start[s]!;
    const pos = start.slice(0, ids.length);
    const perm = new Int32Array(n);
    for (let k = 0; k < n; k++) perm[pos[shape[k]!]!++] = k;
    for (let s = 0; s < ids.length; s++) {
      const a = start[s]!;
      const b = start[s + 1]!;
      const order = Array.from(perm.subarray(a, b));
      if (!order.every((k, i) => i === 0 || seq[k]! > seq[order[i - 1]!]!)) order.sort((x, y) => seq[x]! - seq[y]! || x - y);
      const id = ids[s]!;
      const coords = new Float64Array(order.length * 2);
      let prevDist = Number.NaN;
      order.forEach((k, i) => {
        if (i > 0 && seq[k] === seq[order[i - 1]!]) {
          this.sink.add('duplicate_key', 'shapes.txt', line[k]!, 'shape_pt_sequence', String(seq[k]), `shape_id "${id}" has shape_pt_sequence ${seq[k]} twice (also on line ${line[order[i - 1]!]}).`);
        }
        const d = dist[k]!;
        if (!Number.isNaN(d)) {
          if (!Number.isNaN(prevDist) && d < prevDist) {
            this.sink.add('decreasing_shape_distance', 'shapes.txt', line[k]!, 'shape_dist_traveled', String(d), `shape_id "${id}" shape_dist_traveled ${d} is less than ${prevDist} at the previous point.`);
          }
          prevDist = d;
        }
        coords[i * 2] = lon[k]!;
        coords[i * 2 + 1] = lat[k]!;
      });
      const key = this.intern(id);
      this.shapes.set(key, coords);
      this.shapeLines.set(key, line[order[0]!]!);
    }
  }

  // ---------------------------------------------------------------- trips

  private tripRows(f: FileReader): void {
    const routeId = f.req(f.col('route_id'), 'route_id');
    const serviceId = f.req(f.col('service_id'), 'service_id');
    const id = f.req(f.col('trip_id'), 'trip_id');
    if (id === '') return;
    let route = NONE;
    if (routeId !== '') {
      route = this.routeIndex.get(routeId) ?? NONE;
      if (route === NONE) f.note('foreign_key_violation', 'route_id', routeId, `route_id "${routeId}" of trip_id "${id}" is not in routes.txt.`);
    }
    if (serviceId !== '' && !this.serviceIds.has(serviceId) && (this.files.has('calendar.txt') || this.files.has('calendar_dates.txt'))) {
      f.note('foreign_key_violation', 'service_id', serviceId, `service_id "${serviceId}" of trip_id "${id}" is in neither calendar.txt nor calendar_dates.txt.`);
    }
    const shapeId = f.opt(f.col('shape_id'));
    if (shapeId !== null) {
      if (!this.shapes.has(shapeId)) f.note('foreign_key_violation', 'shape_id', shapeId, `shape_id "${shapeId}" of trip_id "${id}" is not in shapes.txt.`);
      else this.usedShapes.add(shapeId);
    }
    const dir = f.enumInt(f.col('direction_id'), 'direction_id', (v) => v === 0 || v === 1, -1);
    const trip: Trip = {
      id,
      route,
      serviceId: this.intern(serviceId),
      headsign: this.internOpt(f.opt(f.col('trip_headsign'))),
      shortName: f.opt(f.col('trip_short_name')),
      directionId: dir < 0 ? null : dir,
      blockId: this.internOpt(f.opt(f.col('block_id'))),
      shapeId: this.internOpt(shapeId),
      wheelchairAccessible: f.enumInt(f.col('wheelchair_accessible'), 'wheelchair_accessible', (v) => v >= 0 && v <= 2, 0),
    };
    if (this.tripIndex.has(id)) {
      f.note('duplicate_key', 'trip_id', id, `trip_id "${id}" appears more than once (first on line ${this.tripLines[this.tripIndex.get(id)!]}).`);
      return;
    }
    this.tripIndex.set(id, this.trips.length);
    this.trips.push(trip);
    this.tripLines.push(f.line);
  }

  // ---------------------------------------------------------------- stop_times

  private async parseStopTimes(): Promise<void> {
    const file = this.files.get('stop_times.txt');
    if (!file) {
      this.status.set('stop_times.txt', 'absent');
      return;
    }
    const stopType = new Uint8Array(this.stops.length);
    this.stops.forEach((s, i) => {
      stopType[i] = s.locationType;
    });
    const builder = new StopTimesBuilder(this.tripIndex, this.stopIndex, stopType, file.size);
    const status = await this.stream(
      file,
      MODELLED_BY_NAME.get('stop_times.txt')!,
      (f) => builder.begin(f),
      (f) => builder.row(f.row),
      'modelled',
    );
    this.status.set('stop_times.txt', status);
    if (!builder.started) return; // no usable header
    const { stopTimes, used } = builder.finish(this.trips.length, this.trips.map((t) => t.id));
    this.stopTimes = stopTimes;
    this.usedStops = used;
  }

  // ---------------------------------------------------------------- frequencies

  private frequencyLines: number[] = [];
  private frequencyKeys = new Map<string, number>();

  private frequencyRows(f: FileReader): void {
    const tripId = f.req(f.col('trip_id'), 'trip_id');
    const start = f.time(f.col('start_time'), 'start_time', true);
    const end = f.time(f.col('end_time'), 'end_time', true);
    const headway = f.int(f.col('headway_secs'), 'headway_secs', { required: true, min: 1 });
    const exact = f.enumInt(f.col('exact_times'), 'exact_times', (v) => v === 0 || v === 1, 0);
    if (tripId === '') return;
    const trip = this.tripIndex.get(tripId);
    if (trip === undefined) {
      f.note('foreign_key_violation', 'trip_id', tripId, `trip_id "${tripId}" is not in trips.txt.`);
      return;
    }
    if (start < 0 || end < 0 || headway === null) return;
    if (start > end) {
      f.note('start_and_end_range_out_of_order', 'end_time', formatTime(end), `end_time ${formatTime(end)} is before start_time ${formatTime(start)} for trip_id "${tripId}".`);
      return;
    }
    if (start === end) {
      f.note('start_and_end_range_equal', 'end_time', formatTime(end), `start_time and end_time are both ${formatTime(end)} for trip_id "${tripId}".`);
      return;
    }
    const key = `${trip}:${start}`;
    const first = this.frequencyKeys.get(key);
    if (first !== undefined) {
      f.note('duplicate_key', 'start_time', formatTime(start), `trip_id "${tripId}" has start_time ${formatTime(start)} twice (first on line ${first}).`);
      return;
    }
    this.frequencyKeys.set(key, f.line);
    this.frequencies.push({ trip, startTime: start, endTime: end, headwaySecs: headway, exactTimes: exact as 0 | 1 });
    this.frequencyLines.push(f.line);
  }

  private frequenciesDone(): void {
    const order = this.frequencies.map((_, i) => i).sort((a, b) => {
      const x = this.frequencies[a]!;
      const y = this.frequencies[b]!;
      return x.trip - y.trip || x.startTime - y.startTime;
    });
    for (let i = 1; i < order.length; i++) {
      const prev = this.frequencies[order[i - 1]!]!;
      const cur = this.frequencies[order[i]!]!;
      if (prev.trip === cur.trip && cur.startTime < prev.endTime) {
        this.sink.add(
          'overlapping_frequency',
          'frequencies.txt',
          this.frequencyLines[order[i]!]!,
          'start_time',
          formatTime(cur.startTime),
          `trip_id "${this.trips[cur.trip]!.id}": the period from ${formatTime(cur.startTime)} overlaps the one ending at ${formatTime(prev.endTime)} (line ${this.frequencyLines[order[i - 1]!]}).`,
        );
      }
    }
  }

  // ---------------------------------------------------------------- transfers

  private transferKeys = new Map<string, number>();

  private transferRows(f: FileReader): void {
    const raw = f.str(f.col('transfer_type'));
    const type = f.enumOf(raw, 'transfer_type', (v) => v >= 0 && v <= 5, -1);
    if (type < 0 && raw !== '') return; // an unexpected or invalid value, already reported: the row is dropped
    const transferType = type < 0 ? 0 : type;
    const ids = {
      from_stop_id: f.str(f.col('from_stop_id')),
      to_stop_id: f.str(f.col('to_stop_id')),
      from_route_id: f.str(f.col('from_route_id')),
      to_route_id: f.str(f.col('to_route_id')),
      from_trip_id: f.str(f.col('from_trip_id')),
      to_trip_id: f.str(f.col('to_trip_id')),
    };
    const ref = (field: keyof typeof ids, index: ReadonlyMap<string, number>, target: string): number => {
      const id = ids[field];
      if (id === '') return NONE;
      const i = index.get(id);
      if (i === undefined) {
        f.note('foreign_key_violation', field, id, `${field} "${id}" is not in ${target}.`);
        return NONE;
      }
      return i;
    };
    const fromStop = ref('from_stop_id', this.stopIndex, 'stops.txt');
    const toStop = ref('to_stop_id', this.stopIndex, 'stops.txt');
    const fromRoute = ref('from_route_id', this.routeIndex, 'routes.txt');
    const toRoute = ref('to_route_id', this.routeIndex, 'routes.txt');
    const fromTrip = ref('from_trip_id', this.tripIndex, 'trips.txt');
    const toTrip = ref('to_trip_id', this.tripIndex, 'trips.txt');
    const required: (keyof typeof ids)[] = transferType >= 1 && transferType <= 3 ? ['from_stop_id', 'to_stop_id'] : transferType >= 4 ? ['from_trip_id', 'to_trip_id'] : [];
    for (const field of required) if (ids[field] === '') f.missing(field, ` for transfer_type ${transferType}`);
    for (const [field, s] of [
      ['from_stop_id', fromStop],
      ['to_stop_id', toStop],
    ] as const) {
      if (s !== NONE && this.stops[s]!.locationType > 1) {
        f.note('transfer_with_invalid_stop_location_type', field, this.stops[s]!.id, `${field} "${this.stops[s]!.id}" has location_type ${this.stops[s]!.locationType}; transfers join stops or stations.`);
      }
    }
    for (const [field, trip, route] of [
      ['from_trip_id', fromTrip, fromRoute],
      ['to_trip_id', toTrip, toRoute],
    ] as const) {
      if (trip !== NONE && route !== NONE && this.trips[trip]!.route !== route) {
        f.note('transfer_with_invalid_trip_and_route', field, this.trips[trip]!.id, `${field} "${this.trips[trip]!.id}" does not belong to route "${this.routes[route]!.id}".`);
      }
    }
    for (const [field, trip, stop] of [
      ['from_trip_id', fromTrip, fromStop],
      ['to_trip_id', toTrip, toStop],
    ] as const) {
      if (trip !== NONE && stop !== NONE && this.stopTimes && !this.tripServes(trip, stop)) {
        f.note('transfer_with_invalid_trip_and_stop', field, this.trips[trip]!.id, `${field} "${this.trips[trip]!.id}" does not call at stop "${this.stops[stop]!.id}".`);
      }
    }
    const mtt = f.int(f.col('min_transfer_time'), 'min_transfer_time', { min: 0 });
    const key = Object.values(ids).join('\u0000');
    const first = this.transferKeys.get(key);
    if (first !== undefined) {
      f.note('duplicate_key', 'from_stop_id', ids.from_stop_id, `The same transfer (stops, trips and routes) appears more than once (first on line ${first}).`);
      return;
    }
    this.transferKeys.set(key, f.line);
    this.transfers.push({ fromStop, toStop, fromRoute, toRoute, fromTrip, toTrip, transferType, minTransferTime: mtt });
  }

  /** Whether the trip calls at the stop, or at a child of it when it is a station. */
  private tripServes(trip: number, stop: number): boolean {
    const st = this.stopTimes!;
    for (let k = st.tripStart[trip]!; k < st.tripStart[trip + 1]!; k++) {
      const s = st.stop[k]!;
      if (s === stop || (s >= 0 && this.stops[s]!.parent === stop)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- feed_info

  private feedInfoRows(f: FileReader): void {
    if (this.feedInfo) {
      if (this.sink.count('more_than_one_entity') === 0) f.note('more_than_one_entity', null, null, 'feed_info.txt should have one row; only the first is used.');
      return;
    }
    const start = f.date(f.col('feed_start_date'), 'feed_start_date');
    const end = f.date(f.col('feed_end_date'), 'feed_end_date');
    if (start && end && start > end) f.note('start_and_end_range_out_of_order', 'feed_end_date', end, `feed_end_date ${end} is before feed_start_date ${start}.`);
    this.feedInfo = {
      publisherName: f.req(f.col('feed_publisher_name'), 'feed_publisher_name'),
      publisherUrl: f.req(f.col('feed_publisher_url'), 'feed_publisher_url'),
      lang: f.req(f.col('feed_lang'), 'feed_lang'),
      startDate: start,
      endDate: end,
      version: f.opt(f.col('feed_version')),
    };
  }

  // ---------------------------------------------------------------- unused entities

  private checkUnused(): void {
    const { sink } = this;
    const st = this.stopTimes;
    if (st && this.ok('stop_times.txt')) {
      this.trips.forEach((t, i) => {
        if (st.tripStart[i] === st.tripStart[i + 1]) sink.add('unused_trip', 'trips.txt', this.tripLines[i]!, 'trip_id', t.id, `trip_id "${t.id}" has no stop_times.`);
      });
    }
    if (this.usedStops && this.ok('stop_times.txt') && this.ok('stops.txt')) {
      const used = this.usedStops;
      const childUsed = new Uint8Array(this.stops.length);
      const isParentOfBoardingArea = new Uint8Array(this.stops.length);
      this.stops.forEach((s) => {
        if (s.parent === NONE) return;
        if (s.locationType === 4) isParentOfBoardingArea[s.parent] = 1;
      });
      this.stops.forEach((s, i) => {
        if (used[i] && s.parent !== NONE) {
          childUsed[s.parent] = 1;
          const gp = this.stops[s.parent]!.parent;
          if (gp !== NONE) childUsed[gp] = 1;
        }
      });
      this.stops.forEach((s, i) => {
        const line = this.stopLines[i]!;
        if (s.locationType === 0 && !used[i] && !isParentOfBoardingArea[i]) {
          sink.add('stop_without_stop_time', 'stops.txt', line, 'stop_id', s.id, `stop_id "${s.id}" is not used by any stop_time.`);
        } else if (s.locationType === 1 && !childUsed[i]) {
          sink.add('unused_station', 'stops.txt', line, 'stop_id', s.id, `Station "${s.id}" has no stop used by any stop_time.`);
        }
      });
    }
    if (this.ok('trips.txt') && this.ok('routes.txt')) {
      const used = new Uint8Array(this.routes.length);
      for (const t of this.trips) if (t.route !== NONE) used[t.route] = 1;
      this.routes.forEach((r, i) => {
        if (!used[i]) sink.add('unused_route', 'routes.txt', this.routeLines[i]!, 'route_id', r.id, `route_id "${r.id}" has no trips.`);
      });
    }
    if (this.ok('trips.txt') && this.ok('shapes.txt')) {
      for (const [id, line] of this.shapeLines) {
        if (!this.usedShapes.has(id)) sink.add('unused_shape', 'shapes.txt', line, 'shape_id', id, `shape_id "${id}" is not used by any trip.`);
      }
    }
  }
}

function isEmptyRow(row: CsvRow): boolean {
  // Cheap test first: a row whose first field has content is not empty.
  const s0 = row.starts[0]!;
  if (row.ends[0]! > s0 && row.buf[s0] !== 32 && row.buf[s0] !== 9) return false;
  for (let i = 0; i < row.count; i++) {
    for (let k = row.starts[i]!; k < row.ends[i]!; k++) {
      const c = row.buf[k];
      if (c !== 32 && c !== 9) return false;
    }
  }
  return true;
}

const tzCache = new Map<string, boolean>();
function isTimeZone(tz: string): boolean {
  let ok = tzCache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    tzCache.set(tz, ok);
  }
  return ok;
}

function emptyStopTimes(trips: number): StopTimes {
  return {
    count: 0,
    tripStart: new Int32Array(trips + 1),
    stop: new Int32Array(0),
    sequence: new Int32Array(0),
    arrival: new Int32Array(0),
    departure: new Int32Array(0),
    pickupType: new Uint8Array(0),
    dropOffType: new Uint8Array(0),
    headsign: null,
    shapeDistTraveled: null,
  };
}
