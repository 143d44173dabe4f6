/**
 * Air-quality domain model shared by the AQI engine (engine/), storage and ingestion (air.store.ts,
 * air.ingest.ts) and warnings. Concentrations in µg/m³, CO in mg/m³ (GB 3095 / HJ 633 units).
 * Instants are ISO 8601 with offset; hours are labelled by their END in Asia/Shanghai, as the national
 * platform does (timepoint 10:00 = the hour 09:00–10:00).
 */
import { z } from 'zod';

/** A platform city id (the `city` table, GET /api/geo/cities), e.g. shijiazhuang. */
export const CITY_ID = /^[a-z0-9_-]{1,40}$/;
/** A national station code, e.g. 1029A. */
export const STATION_CODE = /^[0-9A-Za-z][0-9A-Za-z_.-]{0,31}$/;
/** An instant: ISO 8601 with a UTC offset (or Z), seconds and fractions optional. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
/** The same as zod schemas for routes. */
export const cityId = z.string().regex(CITY_ID).describe('platform city id (GET /api/geo/cities), e.g. shijiazhuang');
export const instant = z.string().regex(ISO_WITH_OFFSET, 'ISO 8601 with offset, e.g. 2026-12-01T20:00:00+08:00');

export const pollutants = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;
export type Pollutant = (typeof pollutants)[number];

/** Averaging periods an observation can have. */
export const periods = ['1h', '8h', '24h'] as const;
export type Period = (typeof periods)[number];

/** valid; NA = missing (缺测); not_monitored = "/" (not in the station's monitoring plan); revised = corrected after publication. */
export const flags = ['valid', 'missing', 'not_monitored', 'revised'] as const;
export type Flag = (typeof flags)[number];

export type Station = {
  code: string; // national code, e.g. 1029A
  name: string; // Chinese name, e.g. 万寿西宫
  nameEn: string | null;
  cityId: string; // platform city id (geo city table), e.g. shijiazhuang
  cityName: string; // as published, e.g. 石家庄市
  lat: number;
  lon: number;
  type: 'national' | 'provincial' | 'city' | 'background' | 'other';
  /**
   * HJ 633-2026 exemptions of the station: pollutants whose missing (NA) hourly value does not withhold an AQI
   * ≤ 100 (not in the station's monitoring plan and not primary at light pollution or worse for three years —
   * station history, so it is per-station data). null = not known: the documented default DEFAULT_EXEMPT
   * (engine/aqi.engine.ts, ['pm10'], measured in docs/aqi-match-report.md) applies; [] = none exempt.
   * Absent (undefined) in an upsert = keep what is stored (null for a new station).
   */
  exempt?: Pollutant[] | null;
};

/** Display names the national platform uses for primary pollutants. */
export const platformNames: Record<Pollutant, string> = {
  pm25: '细颗粒物(PM2.5)',
  pm10: '颗粒物(PM10)',
  so2: '二氧化硫',
  no2: '二氧化氮',
  co: '一氧化碳',
  o3: '臭氧1小时',
};
