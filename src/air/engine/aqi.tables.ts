/**
 * Breakpoint tables of China's AQI (HJ 633-2012 Table 1, HJ 633-2026 as described in issue 4) and of the
 * US EPA AQI (Technical Assistance Document, 2024 PM2.5 update). Data only.
 *
 * Sources (looked up with the library search, cited so a reviewer can check them):
 *  - HJ 633-2012 《环境空气质量指数（AQI）技术规定（试行）》 Table 1, as reproduced in public implementations:
 *    caiyunapp/aqi-hub (README cites the MEE PDF W020120410332725219541.pdf), lijing1133082/web-project-summary-diary
 *    utils/pollution_range.js, and a Java AQIUtlis (blog.csdn.net/FORLOVEHUAN/article/details/102938324) — all agree:
 *    IAQI 0,50,100,150,200,300,400,500; SO2 24h 0,50,150,475,800,1600,2100,2620; SO2 1h 0,150,500,650,800;
 *    NO2 24h 0,40,80,180,280,565,750,940; NO2 1h 0,100,200,700,1200,2340,3090,3840; PM10 24h 0,50,150,250,350,420,500,600;
 *    CO 24h 0,2,4,14,24,36,48,60; CO 1h 0,5,10,35,60,90,120,150; O3 1h 0,160,200,300,400,800,1000,1200;
 *    O3 8h 0,100,160,215,265,800; PM2.5 24h 0,35,75,115,150,250,350,500.
 *  - HJ 633-2026: the full text could not be found in the library. Issue 4 states the changes: PM2.5 24-h
 *    100-point breakpoint 75 → 60, PM10 24-h 150 → 120; SO2 1-h > 800 → IAQI 200; O3 8-h > 800 → IAQI 300;
 *    concentrations rounded per GB/T 8170 first. Every other breakpoint is assumed unchanged and measured
 *    against the 2026-03-15T08 snapshot (docs/aqi-match-report.md).
 *  - Colours: HJ 633-2012 Appendix A (RGB): 绿 0,228,0; 黄 255,255,0; 橙 255,126,0; 红 255,0,0; 紫 153,0,76;
 *    褐红 126,0,35 (same as caiyunapp/aqi-hub's CN table for the first four and the last).
 *  - EPA: AirNow Technical Assistance Document (document.airnow.gov/technical-assistance-document-for-the-
 *    reporting-of-daily-air-quailty.pdf) and the 2024 PM NAAQS fact sheet (PM2.5 0–9.0 / 9.1–35.4 / 35.5–55.4 /
 *    55.5–125.4 / 125.5–225.4 / 225.5–325.4), as also used by airgradienthq/arduino PR #208.
 *
 * All concentrations here are in MILLI-units (µg/m³ × 1000, CO mg/m³ × 1000) so that every comparison and
 * interpolation is integer arithmetic.
 */
import type { Pollutant } from '../model.ts';

export type ChinaStandard = 'hj633-2012' | 'hj633-2026';
export type Standard = ChinaStandard | 'epa';
/** Averaging period a breakpoint row applies to. */
export type Kind = '1h' | '8h' | '24h';

export const IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500] as const;

const m = (xs: number[]): number[] => xs.map((x) => x * 1000);

type Table = Partial<Record<`${Pollutant}:${Kind}`, readonly number[]>>;

const T2012: Table = {
  'so2:24h': m([0, 50, 150, 475, 800, 1600, 2100, 2620]),
  // 1-hour SO2 stops at 800 (IAQI 200): above it the standard switches to the 24-hour value (2012) or reports 200 (2026).
  'so2:1h': m([0, 150, 500, 650, 800]),
  'no2:24h': m([0, 40, 80, 180, 280, 565, 750, 940]),
  'no2:1h': m([0, 100, 200, 700, 1200, 2340, 3090, 3840]),
  'pm10:24h': m([0, 50, 150, 250, 350, 420, 500, 600]),
  'co:24h': m([0, 2, 4, 14, 24, 36, 48, 60]),
  'co:1h': m([0, 5, 10, 35, 60, 90, 120, 150]),
  'o3:1h': m([0, 160, 200, 300, 400, 800, 1000, 1200]),
  // 8-hour O3 stops at 800 (IAQI 300): above it 2012 uses the 1-hour IAQI, 2026 reports 300.
  'o3:8h': m([0, 100, 160, 215, 265, 800]),
  'pm25:24h': m([0, 35, 75, 115, 150, 250, 350, 500]),
};

const T2026: Table = {
  ...T2012,
  'pm10:24h': m([0, 50, 120, 250, 350, 420, 500, 600]),
  'pm25:24h': m([0, 35, 60, 115, 150, 250, 350, 500]),
};

export const chinaTables: Record<ChinaStandard, Table> = { 'hj633-2012': T2012, 'hj633-2026': T2026 };

// Nested lookup built once: the hot path avoids building a string key per call.
const nested = Object.fromEntries(
  (Object.keys(chinaTables) as ChinaStandard[]).map((std) => [
    std,
    Object.fromEntries(
      (['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const).map((p) => [
        p,
        { '1h': chinaTables[std][`${p}:1h`], '8h': chinaTables[std][`${p}:8h`], '24h': chinaTables[std][`${p}:24h`] },
      ]),
    ),
  ]),
) as Record<ChinaStandard, Record<Pollutant, Record<Kind, readonly number[] | undefined>>>;

export function breakpoints(standard: ChinaStandard, pollutant: Pollutant, kind: Kind): readonly number[] | undefined {
  return nested[standard][pollutant][kind];
}

/** Order of the pollutant columns in HJ 633 Table 1; the platform lists tied primary pollutants in this order. */
export const tableOrder: readonly Pollutant[] = ['so2', 'no2', 'pm10', 'co', 'o3', 'pm25'];

export type Level = 1 | 2 | 3 | 4 | 5 | 6;
export const categories: Record<Level, { zh: string; en: string }> = {
  1: { zh: '优', en: 'Excellent' },
  2: { zh: '良', en: 'Good' },
  3: { zh: '轻度污染', en: 'Lightly Polluted' },
  4: { zh: '中度污染', en: 'Moderately Polluted' },
  5: { zh: '重度污染', en: 'Heavily Polluted' },
  6: { zh: '严重污染', en: 'Severely Polluted' },
};
/** HJ 633-2012 Appendix A. */
export const chinaColors: Record<Level, string> = {
  1: '#00E400',
  2: '#FFFF00',
  3: '#FF7E00',
  4: '#FF0000',
  5: '#99004C',
  6: '#7E0023',
};

export const epaCategories: Record<Level, { zh: string; en: string }> = {
  1: { zh: '良好', en: 'Good' },
  2: { zh: '中等', en: 'Moderate' },
  3: { zh: '对敏感人群不健康', en: 'Unhealthy for Sensitive Groups' },
  4: { zh: '不健康', en: 'Unhealthy' },
  5: { zh: '非常不健康', en: 'Very Unhealthy' },
  6: { zh: '危险', en: 'Hazardous' },
};
export const epaColors: Record<Level, string> = {
  1: '#00E400',
  2: '#FFFF00',
  3: '#FF7E00',
  4: '#FF0000',
  5: '#8F3F97',
  6: '#7E0023',
};

/**
 * EPA rows [Clow, Chigh, Ilow, Ihigh] in tenths of µg/m³ (PM2.5, truncated to 0.1) and whole µg/m³ (PM10,
 * truncated to an integer). Above the last row the index is "beyond the AQI" and reported as 500.
 */
export const epaPm25Tenths: readonly (readonly [number, number, number, number])[] = [
  [0, 90, 0, 50],
  [91, 354, 51, 100],
  [355, 554, 101, 150],
  [555, 1254, 151, 200],
  [1255, 2254, 201, 300],
  [2255, 3254, 301, 500],
];
export const epaPm10: readonly (readonly [number, number, number, number])[] = [
  [0, 54, 0, 50],
  [55, 154, 51, 100],
  [155, 254, 101, 150],
  [255, 354, 151, 200],
  [355, 424, 201, 300],
  [425, 604, 301, 500],
];
