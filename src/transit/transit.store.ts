import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformTables } from '../platform/db.ts';
import { type GtfsFeed, type StopTimes, type ValidationReport } from './gtfs/feed.ts';

/** Tables as typed loosely: rows are mapped to and from GtfsFeed here and nowhere else. */
type Row = Record<string, any>;
export type TransitDb = Kysely<PlatformTables & Record<string, Row>>;
type Tx = Transaction<PlatformTables & Record<string, Row>> | TransitDb;

export type FeedSummary = {
  id: string;
  source: string;
  importedAt: string;
  feedInfo: unknown;
  counts: Record<string, number>;
  errors: number;
  warnings: number;
  label: { zh: string; en: string } | null;
};

/** Inserts rows in chunks that stay under PostgreSQL's 65,535 bind parameters. */
async function insertChunked(tx: Tx, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const perRow = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.floor(30_000 / perRow));
  for (let i = 0; i < rows.length; i += size) {
    await tx.insertInto(table as never).values(rows.slice(i, i + size) as never).execute();
  }
}

export function feedCounts(feed: GtfsFeed): Record<string, number> {
  return {
    agencies: feed.agencies.length,
    stops: feed.stops.length,
    routes: feed.routes.length,
    trips: feed.trips.length,
    stopTimes: feed.stopTimes.count,
    calendars: feed.calendars.length,
    calendarDates: feed.calendarDates.length,
    frequencies: feed.frequencies.length,
    transfers: feed.transfers.length,
    shapes: feed.shapes.size,
  };
}

export class TransitStore {
  constructor(readonly db: TransitDb) {}

  async listFeeds(): Promise<FeedSummary[]> {
    const rows = await this.db.selectFrom('transit_feed').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      source: r.source,
      importedAt: new Date(r.imported_at).toISOString(),
      feedInfo: r.feed_info ?? null,
      counts: r.counts,
      errors: (r.report as ValidationReport).errors,
      warnings: (r.report as ValidationReport).warnings,
      label: r.label ?? null,
    }));
  }

  async feedVersion(): Promise<string> {
    const r = await this.db
      .selectFrom('transit_feed')
      .select([sql<string>`coalesce(string_agg(id || '@' || version || '@' || imported_at::text, ',' order by id), '')`.as('v')])
      .executeTakeFirstOrThrow();
    return r.v;
  }

  /** Replaces a feed atomically: on any failure nothing already imported changes. */
  async saveFeed(tx: Tx, feed: GtfsFeed, report: ValidationReport, source: string, label: { zh: string; en: string } | null = null): Promise<void> {
    const f = feed.feedId;
    const prev = await tx.selectFrom('transit_feed').select('version').where('id', '=', f).executeTakeFirst();
    await tx.deleteFrom('transit_feed').where('id', '=', f).execute();
    await tx
      .insertInto('transit_feed')
      .values({
        id: f,
        source,
        feed_info: feed.feedInfo ? JSON.stringify(feed.feedInfo) : null,
        counts: JSON.stringify(feedCounts(feed)),
        report: JSON.stringify(report),
        label: label ? JSON.stringify(label) : null,
        version: (prev?.version ?? 0) + 1,
      })
      .execute();
    await insertChunked(tx, 'transit_agency', feed.agencies.map((a) => ({ feed_id: f, id: a.id, name: a.name, url: a.url, timezone: a.timezone, lang: a.lang, phone: a.phone })));
    await insertChunked(
      tx,
      'transit_stop',
      feed.stops.map((s, idx) => ({
        feed_id: f,
        idx,
        id: s.id,
        code: s.code,
        name: s.name,
        lat: s.lat,
        lon: s.lon,
        location_type: s.locationType,
        parent_idx: s.parent,
        wheelchair_boarding: s.wheelchairBoarding,
        platform_code: s.platformCode,
        zone_id: s.zoneId,
      })),
    );
    await insertChunked(
      tx,
      'transit_route',
      feed.routes.map((r, idx) => ({ feed_id: f, idx, id: r.id, agency_id: r.agencyId, short_name: r.shortName, long_name: r.longName, type: r.type, color: r.color, text_color: r.textColor })),
    );
    await insertChunked(
      tx,
      'transit_trip',
      feed.trips.map((t, idx) => ({
        feed_id: f,
        idx,
        id: t.id,
        route_idx: t.route,
        service_id: t.serviceId,
        headsign: t.headsign,
        short_name: t.shortName,
        direction_id: t.directionId,
        block_id: t.blockId,
        shape_id: t.shapeId,
        wheelchair_accessible: t.wheelchairAccessible,
      })),
    );
    const st = feed.stopTimes;
    const tripRows: Row[] = [];
    for (let t = 0; t < feed.trips.length; t++) {
      const a = st.tripStart[t]!;
      const b = st.tripStart[t + 1]!;
      if (b === a) continue;
      tripRows.push({
        feed_id: f,
        trip_idx: t,
        stops: Array.from(st.stop.subarray(a, b)),
        sequences: Array.from(st.sequence.subarray(a, b)),
        arrivals: Array.from(st.arrival.subarray(a, b)),
        departures: Array.from(st.departure.subarray(a, b)),
        pickup_types: Array.from(st.pickupType.subarray(a, b)),
        drop_off_types: Array.from(st.dropOffType.subarray(a, b)),
        headsigns: st.headsign ? st.headsign.slice(a, b) : null,
        shape_dist: st.shapeDistTraveled ? Array.from(st.shapeDistTraveled.subarray(a, b)) : null,
      });
      if (tripRows.length === 2000) {
        await insertChunked(tx, 'transit_trip_stop_times', tripRows.splice(0));
      }
    }
    await insertChunked(tx, 'transit_trip_stop_times', tripRows);
    await insertChunked(tx, 'transit_calendar', feed.calendars.map((c) => ({ feed_id: f, service_id: c.serviceId, days: c.days, start_date: c.startDate, end_date: c.endDate })));
    await insertChunked(tx, 'transit_calendar_date', feed.calendarDates.map((c) => ({ feed_id: f, service_id: c.serviceId, date: c.date, exception_type: c.exceptionType })));
    await insertChunked(
      tx,
      'transit_frequency',
      feed.frequencies.map((q, seq) => ({ feed_id: f, seq, trip_idx: q.trip, start_time: q.startTime, end_time: q.endTime, headway_secs: q.headwaySecs, exact_times: q.exactTimes })),
    );
    await insertChunked(
      tx,
      'transit_transfer',
      feed.transfers.map((x, seq) => ({
        feed_id: f,
        seq,
        from_stop: x.fromStop,
        to_stop: x.toStop,
        from_route: x.fromRoute,
        to_route: x.toRoute,
        from_trip: x.fromTrip,
        to_trip: x.toTrip,
        transfer_type: x.transferType,
        min_transfer_time: x.minTransferTime,
      })),
    );
    await insertChunked(tx, 'transit_shape', [...feed.shapes].map(([id, coords]) => ({ feed_id: f, id, coords: Array.from(coords) })));
    await insertChunked(tx, 'transit_extra_file', [...feed.extraFiles].map(([name, rows]) => ({ feed_id: f, name, rows: JSON.stringify(rows) })));
  }

  async deleteFeed(tx: Tx, feedId: string): Promise<boolean> {
    const r = await tx.deleteFrom('transit_feed').where('id', '=', feedId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Rebuilds the in-memory feeds from the database, for the timetable builder. */
  async loadFeeds(): Promise<GtfsFeed[]> {
    const feeds = await this.db.selectFrom('transit_feed').selectAll().orderBy('id').execute();
    const out: GtfsFeed[] = [];
    for (const fr of feeds) out.push(await this.loadFeed(fr.id, fr.feed_info));
    return out;
  }

  private async loadFeed(f: string, feedInfo: unknown): Promise<GtfsFeed> {
    const by = <T extends string>(table: T) => this.db.selectFrom(table as never).selectAll().where('feed_id' as never, '=', f as never);
    const [agencies, stops, routes, trips, stRows, calendars, calendarDates, frequencies, transfers, shapes, extras] = await Promise.all([
      by('transit_agency').orderBy('id' as never).execute(),
      by('transit_stop').orderBy('idx' as never).execute(),
      by('transit_route').orderBy('idx' as never).execute(),
      by('transit_trip').orderBy('idx' as never).execute(),
      by('transit_trip_stop_times').orderBy('trip_idx' as never).execute(),
      by('transit_calendar').execute(),
      by('transit_calendar_date').execute(),
      by('transit_frequency').orderBy('seq' as never).execute(),
      by('transit_transfer').orderBy('seq' as never).execute(),
      by('transit_shape').execute(),
      by('transit_extra_file').execute(),
    ]) as Row[][];
    const count = stRows!.reduce((n, r) => n + (r.stops as number[]).length, 0);
    const hasHeadsigns = stRows!.some((r) => r.headsigns);
    const hasDist = stRows!.some((r) => r.shape_dist);
    const stopTimes: StopTimes = {
      count,
      tripStart: new Int32Array(trips!.length + 1),
      stop: new Int32Array(count),
      sequence: new Int32Array(count),
      arrival: new Int32Array(count),
      departure: new Int32Array(count),
      pickupType: new Uint8Array(count),
      dropOffType: new Uint8Array(count),
      headsign: hasHeadsigns ? new Array<string | null>(count).fill(null) : null,
      shapeDistTraveled: hasDist ? new Float64Array(count).fill(Number.NaN) : null,
    };
    let pos = 0;
    let next = 0;
    for (let t = 0; t < trips!.length; t++) {
      stopTimes.tripStart[t] = pos;
      const r = stRows![next];
      if (r && r.trip_idx === t) {
        next++;
        const n = (r.stops as number[]).length;
        stopTimes.stop.set(r.stops, pos);
        stopTimes.sequence.set(r.sequences, pos);
        stopTimes.arrival.set(r.arrivals, pos);
        stopTimes.departure.set(r.departures, pos);
        stopTimes.pickupType.set(r.pickup_types, pos);
        stopTimes.dropOffType.set(r.drop_off_types, pos);
        if (stopTimes.headsign && r.headsigns) for (let i = 0; i < n; i++) stopTimes.headsign[pos + i] = r.headsigns[i];
        if (stopTimes.shapeDistTraveled && r.shape_dist) stopTimes.shapeDistTraveled.set(r.shape_dist, pos);
        pos += n;
      }
    }
    stopTimes.tripStart[trips!.length] = pos;
    const feed: GtfsFeed = {
      feedId: f,
      agencies: agencies!.map((a) => ({ id: a.id, name: a.name, url: a.url, timezone: a.timezone, lang: a.lang, phone: a.phone })),
      stops: stops!.map((s) => ({
        id: s.id,
        code: s.code,
        name: s.name,
        lat: s.lat,
        lon: s.lon,
        locationType: s.location_type,
        parent: s.parent_idx,
        wheelchairBoarding: s.wheelchair_boarding,
        platformCode: s.platform_code,
        zoneId: s.zone_id,
      })),
      routes: routes!.map((r) => ({ id: r.id, agencyId: r.agency_id, shortName: r.short_name, longName: r.long_name, type: r.type, color: r.color, textColor: r.text_color })),
      trips: trips!.map((t) => ({
        id: t.id,
        route: t.route_idx,
        serviceId: t.service_id,
        headsign: t.headsign,
        shortName: t.short_name,
        directionId: t.direction_id,
        blockId: t.block_id,
        shapeId: t.shape_id,
        wheelchairAccessible: t.wheelchair_accessible,
      })),
      stopTimes,
      calendars: calendars!.map((c) => ({ serviceId: c.service_id, days: c.days, startDate: c.start_date, endDate: c.end_date })),
      calendarDates: calendarDates!.map((c) => ({ serviceId: c.service_id, date: c.date, exceptionType: c.exception_type })),
      frequencies: frequencies!.map((q) => ({ trip: q.trip_idx, startTime: q.start_time, endTime: q.end_time, headwaySecs: q.headway_secs, exactTimes: q.exact_times })),
      transfers: transfers!.map((x) => ({
        fromStop: x.from_stop,
        toStop: x.to_stop,
        fromRoute: x.from_route,
        toRoute: x.to_route,
        fromTrip: x.from_trip,
        toTrip: x.to_trip,
        transferType: x.transfer_type,
        minTransferTime: x.min_transfer_time,
      })),
      shapes: new Map(shapes!.map((s) => [s.id as string, Float64Array.from(s.coords as number[])])),
      feedInfo: (feedInfo as GtfsFeed['feedInfo']) ?? null,
      extraFiles: new Map(extras!.map((e) => [e.name as string, e.rows as Record<string, string>[]])),
      stopIndex: new Map(),
      routeIndex: new Map(),
      tripIndex: new Map(),
    };
    feed.stops.forEach((s, i) => feed.stopIndex.set(s.id, i));
    feed.routes.forEach((r, i) => feed.routeIndex.set(r.id, i));
    feed.trips.forEach((t, i) => feed.tripIndex.set(t.id, i));
    return feed;
  }
}
