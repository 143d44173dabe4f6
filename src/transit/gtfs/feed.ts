/**
 * One parsed GTFS feed in memory: the interface between the GTFS reader (gtfs/), the timetable
 * builder and router (engine/) and the database import (transit.store.ts).
 *
 * Raw GTFS ids are kept as they are in the feed; the regional network namespaces them as
 * `feedId:id` (OpenTripPlanner's convention) with `qualify()`. Rows refer to each other by index into
 * the arrays below (stop index, route index, trip index) once the reader has resolved references.
 * Times of day are seconds since service-day midnight (may exceed 24 h); -1 marks an empty time.
 */

export const NO_TIME = -1;
export const NONE = -1;

export function qualify(feedId: string, id: string): string {
  return `${feedId}:${id}`;
}

/** Splits `feedId:id` at the first colon (GTFS ids themselves may contain colons). */
export function unqualify(qualified: string): { feedId: string; id: string } | null {
  const i = qualified.indexOf(':');
  return i <= 0 ? null : { feedId: qualified.slice(0, i), id: qualified.slice(i + 1) };
}

export type Agency = { id: string; name: string; url: string; timezone: string; lang: string | null; phone: string | null };

export type Stop = {
  id: string;
  code: string | null;
  name: string;
  lat: number;
  lon: number;
  /** 0 stop/platform, 1 station, 2 entrance/exit, 3 generic node, 4 boarding area. */
  locationType: number;
  /** Index of the parent station in `stops`, or NONE. */
  parent: number;
  /** 0 no information (inherit from parent), 1 some accessible path, 2 not accessible. */
  wheelchairBoarding: number;
  platformCode: string | null;
  zoneId: string | null;
};

export type Route = {
  id: string;
  agencyId: string | null;
  shortName: string;
  longName: string;
  /** Basic (0–12) or extended (100–1700) route type as in the feed. */
  type: number;
  color: string | null;
  textColor: string | null;
};

export type Trip = {
  id: string;
  route: number;
  serviceId: string;
  headsign: string | null;
  shortName: string | null;
  directionId: number | null;
  blockId: string | null;
  shapeId: string | null;
  /** 0 no information, 1 accessible, 2 not accessible. */
  wheelchairAccessible: number;
};

/**
 * stop_times as columns, grouped by trip and sorted by stop_sequence within a trip:
 * rows tripStart[t] .. tripStart[t+1]-1 belong to trip t.
 */
export type StopTimes = {
  count: number;
  tripStart: Int32Array; // length trips.length + 1
  stop: Int32Array;
  sequence: Int32Array;
  arrival: Int32Array; // NO_TIME where the feed left it empty (to be interpolated)
  departure: Int32Array;
  /** 0 regular, 1 none, 2 phone agency, 3 coordinate with driver. */
  pickupType: Uint8Array;
  dropOffType: Uint8Array;
  headsign: (string | null)[] | null;
  shapeDistTraveled: Float64Array | null;
};

export type Calendar = {
  serviceId: string;
  /** Monday … Sunday. */
  days: [boolean, boolean, boolean, boolean, boolean, boolean, boolean];
  startDate: string; // YYYYMMDD
  endDate: string;
};

export type CalendarDate = { serviceId: string; date: string; exceptionType: 1 | 2 };

export type Frequency = { trip: number; startTime: number; endTime: number; headwaySecs: number; exactTimes: 0 | 1 };

export type Transfer = {
  fromStop: number; // NONE when the row names only routes or trips
  toStop: number;
  fromRoute: number;
  toRoute: number;
  fromTrip: number;
  toTrip: number;
  /** 0 recommended, 1 timed, 2 minimum time, 3 not possible, 4 in-seat, 5 in-seat not allowed. */
  transferType: number;
  minTransferTime: number | null;
};

export type FeedInfo = {
  publisherName: string;
  publisherUrl: string;
  lang: string;
  startDate: string | null;
  endDate: string | null;
  version: string | null;
};

export type GtfsFeed = {
  feedId: string;
  agencies: Agency[];
  stops: Stop[];
  routes: Route[];
  trips: Trip[];
  stopTimes: StopTimes;
  calendars: Calendar[];
  calendarDates: CalendarDate[];
  frequencies: Frequency[];
  transfers: Transfer[];
  /** shape_id → flat [lon, lat, lon, lat, …] in shape_pt_sequence order. */
  shapes: Map<string, Float64Array>;
  feedInfo: FeedInfo | null;
  /** Files kept verbatim for later engines (fare_attributes.txt, fare_rules.txt, fare_*.txt, …): name → rows. */
  extraFiles: Map<string, Record<string, string>[]>;
  /** Lookup from raw ids to indices. */
  stopIndex: Map<string, number>;
  routeIndex: Map<string, number>;
  tripIndex: Map<string, number>;
};

export type Severity = 'error' | 'warning' | 'info';

/** A validation notice in the style of the MobilityData GTFS validator. */
export type Notice = {
  code: string; // e.g. foreign_key_violation, invalid_time, decreasing_stop_time, missing_required_field, duplicate_key, missing_required_file
  severity: Severity;
  file: string | null;
  /** 1-based line in the file (the header is line 1), or null for file-level notices. */
  line: number | null;
  field: string | null;
  value: string | null;
  message: string;
};

export type ValidationReport = {
  feedId: string;
  notices: Notice[];
  /** Counts by code and severity, including notices beyond the kept limit. */
  counts: { code: string; severity: Severity; count: number }[];
  errors: number;
  warnings: number;
};
