import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../http/problem.ts';
import { sql } from 'kysely';
import { AppError, type FieldError } from '../platform/errors.ts';
import { cityDailyAqi, cityRealtimeAqi, dailyFromHourly, epaAqi, epaNowcastAqi, realtimeAqi, standardFor, type AqiResult, type HourlyConcentrations } from './engine/aqi.engine.ts';
import { platformNames, type Pollutant } from './model.ts';
import type { AirStore } from './air.store.ts';

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

function fieldError(field: string, zh: string, en: string): AppError {
  const e: FieldError = { field, message: { zh, en }, in: 'query' };
  return new AppError('validation', 400, 'error.validation', {}, [e]);
}

/** The hour END of hour index h (0 → 01:00 … 23 → 24:00 = next day 00:00) of a date, Asia/Shanghai. */
function hourEnd(date: string, h: number): string {
  const d = new Date(`${date}T00:00:00+08:00`);
  d.setTime(d.getTime() + (h + 1) * 3600_000);
  const local = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
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
 * AQI of a station or a city (mean of its stations' concentrations, then IAQI) for a date: the 24
 * real-time hourly values, or the daily value from 24-h means and the O3 daily maximum 8-h mean with
 * GB 3095 validity rules. The standard follows the observation time unless one is forced.
 */
export class AirAqi {
  constructor(private store: AirStore) {}

  private async hours(codes: string[], date: string): Promise<Map<string, HourlyConcentrations[]>> {
    const from = new Date(`${date}T00:00:00+08:00`);
    const to = new Date(from.getTime() + 24 * 3600_000);
    const rows = await sql<{ station: string; time: Date; pollutant: Pollutant; value: number | null; flag: string }>`
      SELECT station, time, pollutant, value::float8 AS value, flag FROM air_observation
      WHERE station = ANY(${codes}::text[]) AND period = '1h' AND time > ${from} AND time <= ${to}`.execute(this.store.db);
    const out = new Map<string, HourlyConcentrations[]>(codes.map((c) => [c, Array.from({ length: 24 }, () => ({}) as HourlyConcentrations)]));
    for (const r of rows.rows) {
      const h = Math.round((new Date(r.time).getTime() - from.getTime()) / 3600_000) - 1;
      const hour = out.get(r.station)?.[h];
      if (!hour) continue;
      if (r.flag === 'not_monitored') hour.notMonitored = [...(hour.notMonitored ?? []), r.pollutant];
      else (hour as Record<string, unknown>)[r.pollutant] = r.value;
    }
    return out;
  }

  async query(q: AqiQuery) {
    if (!q.city === !q.station) throw fieldError(q.city ? 'station' : 'city', '请给出 city 或 station 之一', 'give exactly one of city or station');
    let codes: string[];
    if (q.station) {
      const s = await this.store.stationsByCode(this.store.db, [q.station]);
      if (!s.size) throw fieldError('station', `未知的监测站点：${q.station}`, `unknown station: ${q.station}`);
      codes = [q.station];
    } else {
      const list = await this.store.db.selectFrom('air_station').select('code').where('city_id', '=', q.city!).execute();
      if (!list.length) throw fieldError('city', `该城市没有监测站点：${q.city}`, `no monitoring station in city: ${q.city}`);
      codes = list.map((r) => r.code);
    }
    const hours = await this.hours(codes, q.date);
    const series = [...hours.values()];
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
            const rows = series.map((s) => s[h]!);
            const r = q.station ? realtimeAqi(rows[0]!, { time, standard: std(time) }) : cityRealtimeAqi(rows, { time, standard: std(time) });
            return aqiView(r, time);
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
              const opts = { time, standard: std(time) };
              const r = q.station ? dailyFromHourly(series[0]!, opts).result : cityDailyAqi(series.map((s) => dailyFromHourly(s, opts).means), opts);
              return aqiView(r, q.date);
            })(),
          ];
    return { city: q.city ?? null, station: q.station ?? null, stations: codes, date: q.date, period: q.period, standard: q.standard, items };
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
        const time = `${new Date(cur.time + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
        return { station: s.code, name: s.name, nameEn: s.name_en, cityId: s.city_id, cityName: s.city_name, lat: s.lat, lon: s.lon, ...aqiView(realtimeAqi(cur.row, { time }), time) };
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
            'Hourly = the national platform\'s real-time AQI (1-hour values; PM against the 24-hour breakpoints); daily = 24-h means and the O3 daily maximum 8-h mean with GB 3095 validity rules. A city value is the mean of its stations\' concentrations, then IAQI. standard=auto picks HJ 633-2026 from 2026-03-01 00:00 Asia/Shanghai.',
          querystring: z
            .object({
              city: z.string().regex(/^[a-z0-9_-]{1,40}$/).optional(),
              station: z.string().regex(/^[0-9A-Za-z]{1,12}$/).optional(),
              date: z.iso.date(),
              period: z.enum(['hour', 'day']).default('hour'),
              standard: z.enum(['auto', 'hj633-2012', 'hj633-2026', 'epa']).default('auto'),
            })
            .strict(),
          response: { 200: z.object({ city: z.string().nullable(), station: z.string().nullable(), stations: z.array(z.string()), date: z.string(), period: z.string(), standard: z.string(), items: z.array(aqiItem) }), 400: problemSchema },
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
          querystring: z.object({ city: z.string().regex(/^[a-z0-9_-]{1,40}$/).optional() }).strict(),
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
