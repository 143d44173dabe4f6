/**
 * Small pure helpers shared by the engine: distances, walking times, service-day times and dates.
 * No clock, no environment: dates are plain `YYYYMMDD` strings and times are seconds since service-day
 * midnight (GTFS style, may exceed 24 h or, for trips of the previous service day, be negative).
 */

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine). The reference in the tests uses the same formula. */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

export type WalkModel = {
  /** Metres per second on the ground (default 1.2). */
  speed: number;
  /** Ratio of walked to straight-line distance (default 1.3). */
  detour: number;
};

export const DEFAULT_WALK: WalkModel = { speed: 1.2, detour: 1.3 };

/** Seconds to walk a straight-line distance: ceil(distance × detour / speed). */
export function walkSeconds(distance: number, walk: WalkModel = DEFAULT_WALK): number {
  return Math.ceil((distance * walk.detour) / walk.speed);
}

/** `HH:MM[:SS]` (hours may pass 24) → seconds; null when malformed. */
export function parseClock(s: string): number | null {
  const m = /^\s*(\d{1,3}):([0-5]\d)(?::([0-5]\d))?\s*$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

/** Seconds → `HH:MM:SS` (GTFS style: 25:10:00 is 01:10 the next morning; negative times get a minus sign). */
export function formatClock(t: number): string {
  const sign = t < 0 ? '-' : '';
  const a = Math.abs(t);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` or `YYYYMMDD` → `YYYYMMDD`, or null when it is not a real calendar date. */
export function normalizeDate(s: string): string | null {
  const m = /^\s*(\d{4})-?(\d{2})-?(\d{2})\s*$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[1]}${m[2]}${m[3]}`;
}

/** Day of week of a `YYYYMMDD` date, 0 = Monday … 6 = Sunday (calendar.txt order). */
export function weekday(date: string): number {
  const dt = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
  return (new Date(dt).getUTCDay() + 6) % 7;
}

/** The `YYYYMMDD` date `days` days after (or before, when negative) `date`. */
export function addDays(date: string, days: number): string {
  const dt = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)) + days));
  return `${dt.getUTCFullYear()}${String(dt.getUTCMonth() + 1).padStart(2, '0')}${String(dt.getUTCDate()).padStart(2, '0')}`;
}

/** Upper bound for times in the engine ("not reached"). */
export const INF = 0x3fffffff;
