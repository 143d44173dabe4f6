/**
 * Compares Xietong's real-time AQI with what the national platform published in a snapshot, and names the cause
 * of every difference from a fixed list. Pure: parsed rows in, report data out. Used by the correctness test and
 * to render docs/aqi-match-report.md. Causes are decided from the row's values and the rules only — never from
 * a station code, a row number or a time.
 */
import { platformNames, type Pollutant } from '../model.ts';
import { DEFAULT_EXEMPT, realtimeAqi, standardFor, type AqiResult, type ChinaStandard } from './aqi.engine.ts';
import { cnemcHourly, detectO3HourColumn, type CnemcRow, type O3HourColumn } from './aqi.parse.ts';

export const mismatchCauses = {
  'exemption-not-held': {
    title: 'Default exemption does not hold for this station',
    explain:
      'Only pollutants of DEFAULT_EXEMPT (PM10) are NA, the AQI from the others is ≤ 100, and the platform published NA: ' +
      'for this station the missing pollutant is not exempt (HJ 633-2026 exemption is per-station history that the ' +
      'snapshot does not carry). Passing the station\'s exemptions (`exempt: []`) reproduces the row.',
  },
  'published-na-complete': {
    title: 'Platform published NA although every value is present',
    explain: 'All six 1-hour values are published yet the AQI is NA: the platform withheld or revised the row after computing.',
  },
  'not-derivable': {
    title: 'Published AQI cannot be derived from the published concentrations',
    explain:
      'No IAQI of the published concentrations gives the published AQI/primary pollutant: the platform revised ' +
      'concentrations after publishing the AQI (or the reverse).',
  },
  unexplained: { title: 'Unexplained', explain: 'No named cause applies. The correctness test fails on any such row.' },
} as const;
export type MismatchCause = keyof typeof mismatchCauses;

export type RowComparison = {
  line: number;
  stationcode: string;
  area: string;
  time: string;
  published: { aqi: number | null; primary: string };
  computed: { aqi: number | null; primary: string };
  iaqi: AqiResult['iaqi'];
  notes: string[];
  cause: MismatchCause | null;
};

export type MatchReport = {
  rows: number;
  matched: number;
  /** matched / rows */
  rate: number;
  standard: ChinaStandard;
  o3Column: O3HourColumn;
  /** Rows whose published AQI is NA, and how many of those we reproduce. */
  publishedNa: number;
  mismatches: RowComparison[];
  byCause: Partial<Record<MismatchCause, RowComparison[]>>;
};

export const primaryText = (ps: readonly Pollutant[] | null): string => (ps === null ? 'NA' : ps.map((p) => platformNames[p]).join(','));

function classify(row: CnemcRow, res: AqiResult, h: ReturnType<typeof cnemcHourly>): MismatchCause {
  const values = (['so2', 'no2', 'pm10', 'co', 'o3', 'pm25'] as const).filter((p) => h[p] !== null);
  const missing = (['so2', 'no2', 'pm10', 'co', 'o3', 'pm25'] as const).filter((p) => h[p] === null && !h.notMonitored.includes(p));
  if (row.publishedAqi === null) {
    if (missing.length === 0 && values.length + h.notMonitored.length === 6) return 'published-na-complete';
    if (res.aqi !== null && res.aqi <= 100 && missing.length > 0 && missing.every((p) => DEFAULT_EXEMPT.includes(p)))
      return 'exemption-not-held';
    return 'unexplained';
  }
  const derivable = Object.values(res.iaqi).includes(row.publishedAqi);
  if (!derivable) return 'not-derivable';
  return 'unexplained';
}

/** Real-time AQI of every snapshot row under `standard` (default: by each row's time) against the published one. */
export function compareSnapshot(rows: readonly CnemcRow[], standard?: ChinaStandard): MatchReport {
  const o3Column = detectO3HourColumn(rows);
  const mismatches: RowComparison[] = [];
  let publishedNa = 0;
  for (const row of rows) {
    const h = cnemcHourly(row, o3Column);
    const res = realtimeAqi(h, { standard: standard ?? standardFor(row.time) });
    if (row.publishedAqi === null) publishedNa++;
    const same = res.aqi === row.publishedAqi && primaryText(res.primary) === primaryText(row.publishedPrimary ?? []);
    if (same) continue;
    mismatches.push({
      line: row.line,
      stationcode: row.stationcode,
      area: row.area,
      time: row.time,
      published: { aqi: row.publishedAqi, primary: row.publishedPrimaryRaw },
      computed: { aqi: res.aqi, primary: primaryText(res.primary) },
      iaqi: res.iaqi,
      notes: res.notes,
      cause: classify(row, res, h),
    });
  }
  const byCause: MatchReport['byCause'] = {};
  for (const m of mismatches) (byCause[m.cause!] ??= []).push(m);
  const first = rows[0];
  return {
    rows: rows.length,
    matched: rows.length - mismatches.length,
    rate: rows.length ? (rows.length - mismatches.length) / rows.length : 1,
    standard: standard ?? (first ? standardFor(first.time) : 'hj633-2012'),
    o3Column,
    publishedNa,
    mismatches,
    byCause,
  };
}

/** Markdown section for one file. */
export function renderMatchSection(file: string, r: MatchReport, extra: string[] = []): string {
  const out: string[] = [];
  out.push(`## ${file}`, '');
  out.push(`- standard: ${r.standard}; 1-hour O3 column detected: \`${r.o3Column}\``);
  out.push(`- rows: ${r.rows}; published AQI NA: ${r.publishedNa}`);
  out.push(`- **match (AQI and primary pollutant): ${r.matched} / ${r.rows} = ${(100 * r.rate).toFixed(2)}%**`);
  out.push(...extra, '');
  if (!r.mismatches.length) out.push('No mismatch.', '');
  for (const [cause, list] of Object.entries(r.byCause) as [MismatchCause, RowComparison[]][]) {
    out.push(`### ${mismatchCauses[cause].title} (\`${cause}\`): ${list.length} row(s)`, '', mismatchCauses[cause].explain, '');
    out.push('| line | station | area | published AQI | published primary | Xietong AQI | Xietong primary | IAQI | notes |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const m of list)
      out.push(
        `| ${m.line} | ${m.stationcode} | ${m.area} | ${m.published.aqi ?? 'NA'} | ${m.published.primary || '—'} | ${m.computed.aqi ?? 'NA'} | ${m.computed.primary || '—'} | ${Object.entries(m.iaqi).map(([k, v]) => `${k} ${v}`).join(', ')} | ${m.notes.join(' ')} |`,
      );
    out.push('');
  }
  return out.join('\n');
}
