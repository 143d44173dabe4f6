import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../http/problem.ts';
import { sql } from 'kysely';
import { fieldError } from '../platform/errors.ts';
import { isoInZone } from '../platform/time.ts';
import { cityDailyAqi, cityRealtimeAqi, dailyFromHourly, epaAqi, epaNowcastAqi, realtimeAqi, standardFor, type AqiOptions, type AqiResult, type ChinaStandard, type HourlyConcentrations } from './engine/aqi.engine.ts';
import { cityId, platformNames, pollutants, STATION_CODE, type Pollutant } from './model.ts';
import { effectiveExempt, type AirStore } from './air.store.ts';

export type AqiStandardParam = 'auto' | 'hj633-2012' | 'hj633-2026' | 'epa';
export type AqiQuery = { city?: string | undefined; station?: string | undefined; date: string; period: 'hour' | 'day'; standard: AqiStandardParam };

const pollutantNames: Record<Pollutant, { zh: string; en: string }> = {
  pm25: { zh: '细颗粒物(PM2.5)', en: 'PM2.5' },
  pm10: { zh: '颗粒物(PM10)', en: 'PM10' },
  so2: { zh: '二氧化硫', en: 'SO2' },
  no2: { zh: '二氧化氮', en: 'NO2' },
  co: { zh: '一氧化碳', en: 'CO' },
  o3: { zh: '臭氧', en: 'O3' },
};

const TZ = 'Asia/Shanghai';

/** The hour END of hour index h (0 → 01:00 … 23 → 24:00 = next day 00:00) of a date, Asia/Shanghai. */
function hourEnd(date: string, h: number): string {
  return isoInZone(Date.parse(`${date}T00:00:00+08:00`) + (h + 1) * 3_600_000, TZ);
}

export function aqiView(r: AqiResult, time: string) {
  return {
    time,
    aqi: r.aqi,
    level: r.level,
    category: r.category,
    color: r.color,
    primary: r.primary.map((p) => ({ code: p, platformName: platformNames[p], name: pollutantNames[p] })),
    iaqi: r.iaqi,
    standard: r.standard,
    notes: r.notes,
  };
}

/**
 * Pollutants marked '/' (not monitored) in some hour of a station's day and never reported with a value that
 * day: not in the station's monitoring plan, so exempt for its daily value too (the daily engine has no '/').
 */
function notMonitoredAllDay(hours: readonly HourlyConcentrations[]): Pollutant[] {
  return pollutants.filter((p) => hours.some((h) => h.notMonitored?.includes(p)) && !hours.some((h) => typeof h[p] === 'number'));
}

/**
 * Engine options for one value: HJ 633-2026 gets the exemptions; HJ 633-2012 has none (the engine would apply
 * an explicit list under 2012 too, so it is passed only under 2026).
 */
function chinaOpts(time: string, standard: ChinaStandard, exempt: () => Pollutant[]): AqiOptions {
  return standard === 'hj633-2026' ? { time, standard, exempt: exempt() } : { time, standard };
}

/**
 * AQI of a station or a city (mean of its stations' concentrations, then IAQI) for a date: the 24
 * real-time hourly values, or the daily value from 24-h means and the O3 daily maximum 8-h mean with
 * GB 3095 validity rules. The standard follows the observation time unless one is forced.
 *
 * HJ 633-2026 exemptions: a station's own (air_station.exempt), or DEFAULT_EXEMPT when not known. A city
 * value is computed from the mean of its stations' concentrations, so a pollutant is missing for the city
 * only when no station reported it; it is exempt for the city only when it is exempt (or '/' not monitored)
 * at EVERY station of the city — one station that should have measured it and did not makes the city value
 * incomplete, and the "> 100 or NA" rule applies.
 */
export class AirAqi {
  constructor(private store: AirStore) {}

  /** Each station's hourly concentrations for `days` days from `date` (index h = the hour ending at h + 1). */
  private async hours(codes: string[], date: string, days = 1): Promise<Map<string, HourlyConcentrations[]>> {
    const from = new Date(`${date}T00:00:00+08:00`);
    const to = new Date(from.getTime() + days * 24 * 3600_000);
    const rows = await sql<{ station: string; time: Date; pollutant: Pollutant; value: number | null; flag: string }>`
      SELECT station, time, pollutant, value::float8 AS value, flag FROM air_observation
      WHERE station = ANY(${codes}::text[]) AND period = '1h' AND time > ${from} AND time <= ${to}`.execute(this.store.db);
    const out = new Map<string, HourlyConcentrations[]>(codes.map((c) => [c, Array.from({ length: days * 24 }, () => ({}) as HourlyConcentrations)]));
    for (const r of rows.rows) {
      const h = Math.round((new Date(r.time).getTime() - from.getTime()) / 3600_000) - 1;
      const hour = out.get(r.station)?.[h];
      if (!hour) continue;
      if (r.flag === 'not_monitored') hour.notMonitored = [...(hour.notMonitored ?? []), r.pollutant];
      else (hour as Record<string, unknown>)[r.pollutant] = r.value;
    }
    return out;
  }

  /** The stations of a city (400 naming `city` when it has none) or the one station (400 naming `station` when unknown). */
  private async stationsFor(q: { city?: string | undefined; station?: string | undefined }): Promise<{ code: string; exempt: unknown }[]> {
    if (!q.city === !q.station) throw fieldError(q.city ? 'station' : 'city', '请给出 city 或 station 之一', 'give exactly one of city or station');
    if (q.station) {
      const s = await this.store.stationsByCode(this.store.db, [q.station]);
      if (!s.size) throw fieldError('station', `未知的监测站点：${q.station}`, `unknown station: ${q.station}`);
      return [...s.values()];
    }
    const list = await this.store.db.selectFrom('air_station').select(['code', 'exempt']).where('city_id', '=', q.city!).orderBy('code').execute();
    if (!list.length) throw fieldError('city', `该城市没有监测站点：${q.city}`, `no monitoring station in city: ${q.city}`);
    return list;
  }

  /**
   * The real-time AQI of one hour under a China standard: a station's (its own '/' flags applied by the engine),
   * or a city's from its stations' rows (a pollutant exempt only when exempt or '/' at every station).
   */
  private chinaHour(rows: HourlyConcentrations[], exemptOf: ReturnType<typeof effectiveExempt>[], station: boolean, time: string, standard: ChinaStandard): AqiResult {
    const opts = chinaOpts(time, standard, () =>
      station ? exemptOf[0]!.pollutants : pollutants.filter((p) => exemptOf.every((e, i) => e.pollutants.includes(p) || !!rows[i]!.notMonitored?.includes(p))),
    );
    return station ? realtimeAqi(rows[0]!, opts) : cityRealtimeAqi(rows, opts);
  }

  /**
   * A city's real-time AQI hour by hour for `days` days from `date` (standard by observation time), in one read:
   * 24 values a day, the hours ending 01:00 … 24:00.
   */
  async cityHourlyAqi(city: string, date: string, days: number): Promise<(number | null)[]> {
    const list = await this.stationsFor({ city });
    const exemptOf = list.map((r) => effectiveExempt(r));
    const hours = await this.hours(list.map((r) => r.code), date, days);
    const series = list.map((r) => hours.get(r.code)!);
    return Array.from({ length: days * 24 }, (_, h) => {
      const time = hourEnd(date, h);
      return this.chinaHour(series.map((s) => s[h]!), exemptOf, false, time, standardFor(time)).aqi;
    });
  }

  async query(q: AqiQuery) {
    const list = await this.stationsFor(q);
    const codes = list.map((r) => r.code);
    const exemptOf = list.map((r) => effectiveExempt(r));
    const hours = await this.hours(codes, q.date);
    const series = codes.map((c) => hours.get(c)!);
    // Exempt at every station (own list, or '/' in `notMonitored` of that station's hour or day).
    const common = (extra: (i: number) => readonly Pollutant[] | undefined) =>
      pollutants.filter((p) => exemptOf.every((e, i) => e.pollutants.includes(p) || !!extra(i)?.includes(p)));
    const std = (time: string) => (q.standard === 'auto' || q.standard === 'epa' ? standardFor(time) : q.standard);
    const items =
      q.period === 'hour'
        ? Array.from({ length: 24 }, (_, h) => {
            const time = hourEnd(q.date, h);
            if (q.standard === 'epa') {
              // NowCast over the hours of the day up to this one (latest first), stations averaged.
              const mean = (p: 'pm25' | 'pm10', k: number) => {
                const v = series.map((s) => s[k]?.[p]).filter((x): x is number => typeof x === 'number');
                return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
              };
              const back = Array.from({ length: Math.min(12, h + 1) }, (_, i) => h - i);
              return aqiView(epaNowcastAqi({ pm25: back.map((k) => mean('pm25', k)), pm10: back.map((k) => mean('pm10', k)) }), time);
            }
            return aqiView(this.chinaHour(series.map((s) => s[h]!), exemptOf, !!q.station, time, std(time)), time);
          })
        : [
            (() => {
              const time = hourEnd(q.date, 23);
              if (q.standard === 'epa') {
                const daily = series.map((s) => dailyFromHourly(s, { standard: 'hj633-2012' }).means);
                const num = (p: 'pm25' | 'pm10') => {
                  const v = daily.map((d) => d[p]).map((m) => (m && typeof m === 'object' ? m.num / m.den / 1000 : (m ?? null))).filter((x): x is number => typeof x === 'number');
                  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
                };
                return aqiView(epaAqi({ pm25: num('pm25'), pm10: num('pm10') }), q.date);
              }
              const opts = chinaOpts(time, std(time), () => common((i) => notMonitoredAllDay(series[i]!)));
              const r = q.station ? dailyFromHourly(series[0]!, opts).result : cityDailyAqi(series.map((s) => dailyFromHourly(s, opts).means), opts);
              return aqiView(r, q.date);
            })(),
          ];
    return {
      city: q.city ?? null,
      station: q.station ?? null,
      stations: codes,
      date: q.date,
      period: q.period,
      standard: q.standard,
      exempt: { pollutants: common(() => undefined), default: exemptOf.some((e) => e.isDefault) },
      items,
    };
  }

  /** The real-time AQI of each station at its latest reported hour (for the map). */
  async latest(city?: string) {
    const rows = await this.store.latest(null, city);
    const byStation = new Map<string, { time: number; row: HourlyConcentrations }>();
    for (const r of rows) {
      if (r.period !== '1h') continue;
      const t = new Date(r.time).getTime();
      const cur = byStation.get(r.station);
      if (!cur || t > cur.time) byStation.set(r.station, { time: t, row: {} });
    }
    for (const r of rows) {
      const cur = byStation.get(r.station);
      if (r.period !== '1h' || !cur || new Date(r.time).getTime() !== cur.time) continue;
      if (r.flag === 'not_monitored') cur.row.notMonitored = [...(cur.row.notMonitored ?? []), r.pollutant as Pollutant];
      else (cur.row as Record<string, unknown>)[r.pollutant] = r.value === null ? null : Number(r.value);
    }
    const stations = await this.store.db.selectFrom('air_station').selectAll().where('code', 'in', [...byStation.keys()].length ? [...byStation.keys()] : ['']).execute();
    return stations
      .map((s) => {
        const cur = byStation.get(s.code)!;
        const time = isoInZone(cur.time, TZ);
        const opts = chinaOpts(time, standardFor(time), () => effectiveExempt(s).pollutants);
        return { station: s.code, name: s.name, nameEn: s.name_en, cityId: s.city_id, cityName: s.city_name, lat: s.lat, lon: s.lon, ...aqiView(realtimeAqi(cur.row, opts), time) };
      })
      .sort((a, b) => a.station.localeCompare(b.station));
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP face


const text = z.object({ zh: z.string(), en: z.string() });
const aqiItem = z
  .object({
    time: z.string(),
    aqi: z.number().nullable().describe('null = NA: no AQI can be computed or the rules publish none'),
    level: z.number().nullable(),
    category: text.nullable(),
    color: z.string().nullable(),
    primary: z.array(z.object({ code: z.string(), platformName: z.string(), name: text })),
    iaqi: z.record(z.string(), z.number()),
    standard: z.string(),
    notes: z.array(z.string()),
  })
  .meta({ id: 'AqiValue' });

export function airAqiRoutes(aqi: AirAqi) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/air/aqi',
      {
        schema: {
          tags: ['air'],
          summary: '空气质量指数（站点或城市，小时或日）/ AQI of a station or a city, hourly or daily',
          description:
            'Hourly = the national platform\'s real-time AQI (1-hour values; PM against the 24-hour breakpoints); daily = 24-h means and the O3 daily maximum 8-h mean with GB 3095 validity rules. A city value is the mean of its stations\' concentrations, then IAQI. standard=auto picks HJ 633-2026 from 2026-03-01 00:00 Asia/Shanghai. HJ 633-2026 completeness: with a non-exempt pollutant missing the AQI is published only when > 100; exemptions are per station (POST /api/air/stations `exempt`, default PM10 when not known); for a city a pollutant is exempt only when exempt at every station.',
          querystring: z
            .object({
              city: cityId.optional(),
              station: z.string().regex(STATION_CODE).optional(),
              date: z.iso.date(),
              period: z.enum(['hour', 'day']).default('hour'),
              standard: z.enum(['auto', 'hj633-2012', 'hj633-2026', 'epa']).default('auto'),
            })
            .strict(),
          response: {
            200: z.object({
              city: z.string().nullable(),
              station: z.string().nullable(),
              stations: z.array(z.string()),
              date: z.string(),
              period: z.string(),
              standard: z.string(),
              exempt: z
                .object({
                  pollutants: z.array(z.string()).describe('exempt for the station (its own or the default), or for the city: exempt at every station ("/" flags add per hour)'),
                  default: z.boolean().describe('true when the documented default (PM10) stands in for unknown exemptions of the station or of a city station'),
                })
                .describe('HJ 633-2026 exemptions used (none apply under HJ 633-2012)'),
              items: z.array(aqiItem),
            }),
            400: problemSchema,
          },
        },
      },
      async (req) => aqi.query(req.query),
    );
    r.get(
      '/api/air/aqi/latest',
      {
        schema: {
          tags: ['air'],
          summary: '各站点最新实时 AQI（地图用）/ latest real-time AQI of every station (for the map)',
          querystring: z.object({ city: cityId.optional() }).strict(),
          response: {
            200: z.object({
              items: z.array(aqiItem.extend({ station: z.string(), name: z.string(), nameEn: z.string().nullable(), cityId: z.string().nullable(), cityName: z.string(), lat: z.number(), lon: z.number() })),
            }),
            400: problemSchema,
          },
        },
      },
      async (req) => ({ items: await aqi.latest(req.query.city) }),
    );
  };
}
