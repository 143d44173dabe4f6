/** One formatter per time zone: building an Intl.DateTimeFormat costs ~15× formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(instant: number, tz: string): number {
  const parts = formatterFor(tz).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** ISO 8601 with the zone's offset, e.g. 2026-10-14T08:05:00+08:00. */
export function isoInZone(instant: number, tz: string): string {
  const off = zoneOffsetMs(instant, tz);
  const local = new Date(instant + off).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off) / 60000;
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * The instant of a GTFS service-day time: seconds after "noon minus 12 h" of the service date in the
 * agency's zone (GTFS reference), so 25:10:00 is 01:10 the next morning even across DST changes.
 */
export function serviceTimeInstant(date: string, seconds: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const noonGuess = Date.UTC(y, m - 1, d, 12, 0, 0);
  const noon = noonGuess - zoneOffsetMs(noonGuess, tz);
  return noon - 12 * 3600_000 + seconds * 1000;
}

/** Today's date and the seconds since midnight in `tz`. */
export function nowInZone(now: Date, tz: string): { date: string; seconds: number } {
  const local = new Date(now.getTime() + zoneOffsetMs(now.getTime(), tz));
  return { date: local.toISOString().slice(0, 10), seconds: local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 + local.getUTCSeconds() };
}

/** The calendar date (YYYY-MM-DD) of `instant` in `tz`. */
export function dateInZone(instant: number, tz: string): string {
  return new Date(instant + zoneOffsetMs(instant, tz)).toISOString().slice(0, 10);
}

const DAY = 86_400_000;

/** YYYY-MM-DD plus n days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, n: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a date: ${date}`);
  return new Date(ms + n * DAY).toISOString().slice(0, 10);
}

/** Calendar days from date `a` to date `b` (YYYY-MM-DD), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
}
