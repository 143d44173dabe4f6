/** Offset of `tz` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(instant: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
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
