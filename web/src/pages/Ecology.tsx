// Ecology: air quality across the region. Stations on the map coloured by their latest AQI level
// (GET /api/air/aqi/latest), a city's hourly AQI for a day drawn over the HJ 633 level bands
// (GET /api/air/aqi), and the heavy-pollution warning board with regional linkage
// (GET /api/air/warnings/board, GET /api/air/warnings). Water quality and emission trading are not built yet
// and are listed as such at the bottom.
import { useId, useMemo, useState } from 'react';
import { ErrorBox, Loading } from '../components/Feedback';
import { Page } from '../components/Page';
import { RegionMap, type MapMarker } from '../components/RegionMap';
import { useI18n, type I18n, type Localized, type MessageKey } from '../i18n/i18n';
import { cityNameOf, useCities } from '../lib/reference';
import { useApi } from '../lib/useApi';
import { CENTRE_CITY_ID } from './Overview';

// --- API shapes (see /openapi.json) ------------------------------------------------------------------------

interface Pollutant {
  code: string;
  platformName: string;
  name: Localized;
}

interface LatestItem {
  station: string;
  name: string;
  nameEn: string | null;
  cityId: string;
  cityName: string;
  lat: number;
  lon: number;
  time: string;
  aqi: number | null;
  level: number | null;
  category: Localized | null;
  color: string | null;
  primary: Pollutant[];
}

interface AqiPoint {
  time: string;
  aqi: number | null;
  level: number | null;
  category: Localized | null;
  color: string | null;
  primary: Pollutant[];
}

interface AqiSeries {
  items: AqiPoint[];
}

interface ForecastPoint {
  source: string;
  issuedAt: string;
  date: string;
  lead: number;
  aqi: number;
  aqiLow: number | null;
  aqiHigh: number | null;
}

interface Forecasts {
  items: ForecastPoint[];
  baseline: { available: true; issuedAt: string; basedOn: { date: string; aqi: number }; points: ForecastPoint[] } | { available: false; reason: Localized } | null;
}

type WarningLevel = 'none' | 'yellow' | 'orange' | 'red';
type WarningAction = 'issue' | 'raise' | 'lower' | 'lift';

interface Actor {
  tokenId: string;
  label: string | null;
}

interface AirWarning {
  id: string;
  cityId: string;
  level: WarningLevel;
  levelName: Localized;
  previousLevel: WarningLevel;
  action: WarningAction;
  ruleSet: { id: string; version: string } | null;
  reason: Localized;
  validFrom: string;
  validTo: string | null;
  issuedBy: Actor;
  issuedAt: string;
  active: boolean;
}

interface AirNotification {
  id: number;
  warningId: string;
  sourceCityId: string;
  targetCityId: string;
  action: WarningAction;
  level: WarningLevel;
  status: 'pending' | 'delivered' | 'acknowledged';
  deliveredAt: string | null;
  acknowledgement: { by: Actor; at: string; note: string | null } | null;
}

interface BoardCity {
  cityId: string;
  name: Localized;
  level: WarningLevel;
  levelName: Localized;
  warning: AirWarning | null;
  notifications: AirNotification[];
  acknowledged: number;
  unacknowledged: number;
}

interface Board {
  generatedAt: string;
  cities: BoardCity[];
}

// --- AQI levels (HJ 633) -------------------------------------------------------------------------------------

const NA_COLOUR = '#9e9e9e';

const LEVELS: { level: number; color: string; from: number; to: number | null; key: MessageKey }[] = [
  { level: 1, color: '#00E400', from: 0, to: 50, key: 'eco.level.1' },
  { level: 2, color: '#FFFF00', from: 51, to: 100, key: 'eco.level.2' },
  { level: 3, color: '#FF7E00', from: 101, to: 150, key: 'eco.level.3' },
  { level: 4, color: '#FF0000', from: 151, to: 200, key: 'eco.level.4' },
  { level: 5, color: '#99004C', from: 201, to: 300, key: 'eco.level.5' },
  { level: 6, color: '#7E0023', from: 301, to: null, key: 'eco.level.6' },
];

/** Band edges on the chart's AQI axis. */
const BANDS: { lo: number; hi: number; color: string }[] = [
  { lo: 0, hi: 50, color: '#00E400' },
  { lo: 50, hi: 100, color: '#FFFF00' },
  { lo: 100, hi: 150, color: '#FF7E00' },
  { lo: 150, hi: 200, color: '#FF0000' },
  { lo: 200, hi: 300, color: '#99004C' },
  { lo: 300, hi: 500, color: '#7E0023' },
];

const DEFAULT_CITY = 'beijing';
const DEFAULT_DATE = '2016-12-20';

function primaryText(pick: I18n['pick'], primary: Pollutant[]): string {
  return primary.map((p) => pick(p.name)).join('、');
}

function levelOf(aqi: number): (typeof LEVELS)[number] {
  return LEVELS.find((l) => l.to === null || aqi <= l.to)!;
}

/** The day after a YYYY-MM-DD date. */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function rangeText(l: (typeof LEVELS)[number]): string {
  return l.to === null ? `>${l.from - 1}` : `${l.from}–${l.to}`;
}

/** Hour of the day (1–24) of a time on `date`; 00:00 of the next day is hour 24. */
function hourOf(iso: string, date: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})/.exec(iso);
  if (!m) return null;
  const h = Number(m[2]);
  if (m[1] === date) return h;
  return h === 0 ? 24 : null;
}

// --- page ----------------------------------------------------------------------------------------------------

export function EcologyPage() {
  const { t } = useI18n();
  const latest = useApi<{ items: LatestItem[] }>('/api/air/aqi/latest');
  return (
    <Page title={t('ecology.title')} testId="page-ecology" lead={t('eco.lead')}>
      <StationsMap latest={latest} />
      <CitySeries latest={latest.data?.items ?? null} />
      <WarningBoard />
      <section className="card">
        <h2 className="h-small">{t('coming.planBasis')}</h2>
        <blockquote className="plan-basis">{t('ecology.basis')}</blockquote>
      </section>
      <section className="card" data-testid="eco-coming">
        <h2 className="h-small">
          {t('eco.coming.title')}{' '}
          <span className="badge badge-coming">{t('coming.badge')}</span>
        </h2>
        <ul className="feature-list">
          <li>{t('ecology.f3')}</li>
          <li>{t('ecology.f4')}</li>
          <li>{t('ecology.f5')}</li>
        </ul>
      </section>
    </Page>
  );
}

function Legend() {
  const { t } = useI18n();
  return (
    <ul className="map-legend eco-legend" data-testid="eco-legend">
      {LEVELS.map((l) => (
        <li key={l.level}>
          <span className="legend-swatch" style={{ background: l.color }} aria-hidden="true" /> {t(l.key)} ({rangeText(l)})
        </li>
      ))}
      <li>
        <span className="legend-swatch" style={{ background: NA_COLOUR }} aria-hidden="true" /> {t('eco.na')}
      </li>
    </ul>
  );
}

function StationsMap({ latest }: { latest: ReturnType<typeof useApi<{ items: LatestItem[] }>> }) {
  const { t, pick, lang, formatInstant } = useI18n();
  const items = latest.data?.items ?? null;
  const markers = useMemo<MapMarker[]>(
    () =>
      (items ?? []).map((s) => {
        const name = lang === 'en' && s.nameEn ? `${s.nameEn} (${s.name})` : s.name;
        const parts = [
          `${name} · ${s.station}`,
          s.aqi === null ? `AQI ${t('eco.na')}` : `AQI ${s.aqi} · ${pick(s.category)}`,
          s.primary.length > 0 ? t('eco.primary', { p: primaryText(pick, s.primary) }) : '',
          formatInstant(s.time),
        ].filter((p) => p !== '');
        return {
          id: s.station,
          lon: s.lon,
          lat: s.lat,
          color: s.aqi === null ? NA_COLOUR : (s.color ?? NA_COLOUR),
          radius: 4,
          title: parts.join('\n'),
          testId: `eco-station-${s.station}`,
        };
      }),
    [items, lang, t, pick, formatInstant],
  );
  const times = useMemo(() => [...new Set((items ?? []).map((s) => s.time))].sort(), [items]);
  return (
    <section className="card" aria-labelledby="eco-map-h">
      <h2 id="eco-map-h" className="h-small">
        {t('eco.map.title')}
      </h2>
      {latest.error ? <ErrorBox error={latest.error} onRetry={latest.reload} /> : null}
      {latest.loading && !items ? <Loading /> : null}
      <div data-testid="eco-map" data-count={items?.length ?? 0}>
        <RegionMap highlightId={CENTRE_CITY_ID} markers={markers} ariaLabel={t('eco.map.aria')} width={640} height={520} />
      </div>
      <Legend />
      {items ? (
        <p className="caption">
          {t('eco.map.caption', { n: items.length })}{' '}
          {times.length > 1 ? t('eco.map.times', { times: times.map((x) => formatInstant(x)).join('; ') }) : null}
        </p>
      ) : null}
    </section>
  );
}

function CitySeries({ latest }: { latest: LatestItem[] | null }) {
  const { t, pick, lang } = useI18n();
  const cities = useCities();
  const idCity = useId();
  const idDate = useId();
  const [city, setCity] = useState(DEFAULT_CITY);
  const [date, setDate] = useState(DEFAULT_DATE);
  const [showTable, setShowTable] = useState(false);

  const cityOptions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const s of latest ?? []) if (!seen.has(s.cityId)) seen.set(s.cityId, s.cityName);
    return [...seen.entries()].map(([id, zh]) => {
      const n = cities ? cityNameOf(cities, id) : null;
      const label = lang === 'en' ? (n?.en || id) : (n?.zh || zh);
      return { id, label };
    });
  }, [latest, cities, lang]);

  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const hour = useApi<AqiSeries>(valid ? '/api/air/aqi' : null, { city, date, period: 'hour', standard: 'auto' });
  const day = useApi<AqiSeries>(valid ? '/api/air/aqi' : null, { city, date, period: 'day', standard: 'auto' });
  const cityLabel = cityOptions.find((c) => c.id === city)?.label ?? city;
  const points = hour.data?.items ?? [];
  const withValue = points.filter((p) => p.aqi !== null);
  const daily = day.data?.items?.[0] ?? null;

  return (
    <section className="card" aria-labelledby="eco-series-h">
      <h2 id="eco-series-h" className="h-small">
        {t('eco.series.title')}
      </h2>
      <div className="eco-controls">
        <div className="field">
          <label htmlFor={idCity}>{t('eco.series.city')}</label>
          <select id={idCity} data-testid="eco-city-select" value={city} onChange={(e) => setCity(e.target.value)}>
            {cityOptions.length === 0 ? <option value={city}>{cityLabel}</option> : null}
            {cityOptions.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={idDate}>{t('eco.series.date')}</label>
          <input id={idDate} type="date" data-testid="eco-date" value={date} onChange={(e) => setDate(e.target.value)} />
        </div>
      </div>
      <p className="caption">{t('eco.series.sparse')}</p>
      {hour.error ? <ErrorBox error={hour.error} onRetry={hour.reload} /> : null}
      {hour.loading ? <Loading /> : null}
      {!hour.loading && !hour.error && valid ? (
        <>
          <p data-testid="eco-daily">
            {daily && daily.aqi !== null ? (
              <>
                <span className="legend-swatch" style={{ background: daily.color ?? NA_COLOUR }} aria-hidden="true" />{' '}
                {t('eco.daily', { aqi: daily.aqi, category: pick(daily.category) })}
                {daily.primary.length > 0 ? ` · ${t('eco.primary', { p: primaryText(pick, daily.primary) })}` : ''}
              </>
            ) : (
              t('eco.daily.none')
            )}
          </p>
          <ForecastTable city={city} date={date} />
          <RulesCheck city={city} date={date} />
          {withValue.length === 0 ? (
            <p className="alert alert-info" data-testid="eco-chart-empty">
              {t('eco.series.empty', { city: cityLabel, date })}
            </p>
          ) : (
            <AqiChart points={points} date={date} cityLabel={cityLabel} />
          )}
          {withValue.length > 0 ? (
            <>
              <button type="button" className="btn btn-small" aria-expanded={showTable} data-testid="eco-table-toggle" onClick={() => setShowTable((v) => !v)}>
                {showTable ? t('eco.table.hide') : t('eco.table.show')}
              </button>
              {showTable ? (
                <div className="table-wrap">
                  <table className="table" data-testid="eco-table">
                    <caption className="sr-only">{t('eco.chart.title', { city: cityLabel, date })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('eco.table.time')}</th>
                        <th scope="col">AQI</th>
                        <th scope="col">{t('eco.table.category')}</th>
                        <th scope="col">{t('eco.table.primary')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {points.map((p) => (
                        <tr key={p.time}>
                          <th scope="row">
                            <time dateTime={p.time}>{p.time.slice(0, 16).replace('T', ' ')}</time>
                          </th>
                          <td>{p.aqi ?? t('eco.na')}</td>
                          <td>{p.aqi === null ? t('common.none') : pick(p.category)}</td>
                          <td>{primaryText(pick, p.primary) || t('common.none')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/**
 * Daily AQI forecasts as they stood at the end of `date` (GET /api/air/forecasts?asOf=): the latest issue of
 * each forecasting centre and the platform's baseline, coloured by the level of the forecast AQI.
 */
function ForecastTable({ city, date }: { city: string; date: string }) {
  const { t, pick } = useI18n();
  const asOf = `${nextDay(date)}T00:00:00+08:00`;
  const fc = useApi<Forecasts>('/api/air/forecasts', { city, asOf, from: nextDay(date) });
  if (fc.error) return <ErrorBox error={fc.error} onRetry={fc.reload} />;
  if (!fc.data) return null;
  const b = fc.data.baseline;
  const rows = [...fc.data.items, ...(b && b.available ? b.points : [])].sort((x, y) => x.date.localeCompare(y.date) || x.source.localeCompare(y.source));
  return (
    <div data-testid="eco-forecast">
      <h3 className="h-small">{t('eco.forecast.title', { date })}</h3>
      {rows.length === 0 ? (
        <p className="caption" data-testid="eco-forecast-none">
          {t('eco.forecast.none')} {b && !b.available ? pick(b.reason) : ''}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('eco.forecast.date')}</th>
                <th scope="col">{t('eco.forecast.source')}</th>
                <th scope="col">AQI</th>
                <th scope="col">{t('eco.table.category')}</th>
                <th scope="col">{t('eco.forecast.issued')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const l = levelOf(r.aqi);
                return (
                  <tr key={`${r.source}/${r.date}`} data-testid="eco-forecast-row">
                    <th scope="row">{r.date}</th>
                    <td>{r.source === 'xietong-baseline' ? t('eco.forecast.baseline') : r.source}</td>
                    <td>
                      <span className="legend-swatch" style={{ background: l.color }} aria-hidden="true" /> {r.aqi}
                      {r.aqiLow !== null && r.aqiHigh !== null ? ` (${r.aqiLow}–${r.aqiHigh})` : ''}
                    </td>
                    <td>{t(l.key)}</td>
                    <td>
                      <time dateTime={r.issuedAt}>{r.issuedAt.slice(0, 16).replace('T', ' ')}</time>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {b && b.available ? <p className="caption">{t('eco.forecast.method', { date: b.basedOn.date, aqi: b.basedOn.aqi })}</p> : null}
    </div>
  );
}

interface Evaluation {
  ruleSetId: string;
  ruleSetVersion: string;
  level: WarningLevel;
  reason: Localized;
  ruleSetInForce: boolean;
  hours: number;
}

const RULE_SETS = ['jjj-regional-2018', 'hebei-2024'] as const;

/**
 * What the warning rules give the city at 24:00 of `date` (GET /api/air/warnings/evaluate): stored hourly data
 * of the four days before and the forecasts submitted by then. A check for officials, not a warning: warnings are
 * issued by the city (the board below).
 */
function RulesCheck({ city, date }: { city: string; date: string }) {
  const { t } = useI18n();
  const at = `${nextDay(date)}T00:00:00+08:00`;
  const a = useApi<Evaluation>('/api/air/warnings/evaluate', { city, ruleSet: RULE_SETS[0], at });
  const b = useApi<Evaluation>('/api/air/warnings/evaluate', { city, ruleSet: RULE_SETS[1], at });
  return (
    <div data-testid="eco-rules">
      <h3 className="h-small">{t('eco.rules.title', { date })}</h3>
      <ul className="feature-list">
        {[a, b].map((e, i) =>
          e.error ? (
            <li key={RULE_SETS[i]}>
              <ErrorBox error={e.error} onRetry={e.reload} />
            </li>
          ) : e.data ? (
            <li key={RULE_SETS[i]} data-testid={`eco-rules-${RULE_SETS[i]}`} data-level={e.data.level}>
              <LevelBadge level={e.data.level} /> <RuleReason e={e.data} />
            </li>
          ) : null,
        )}
      </ul>
      <p className="caption">{t('eco.rules.note')}</p>
    </div>
  );
}

function RuleReason({ e }: { e: Evaluation }) {
  const { t, pick } = useI18n();
  return (
    <>
      {e.level === 'none' ? t('eco.rules.none', { ruleSet: e.ruleSetId, hours: e.hours }) : pick(e.reason)}
      {e.ruleSetInForce ? '' : ` ${t('eco.rules.notInForce')}`}
    </>
  );
}

function AqiChart({ points, date, cityLabel }: { points: AqiPoint[]; date: string; cityLabel: string }) {
  const { t, pick } = useI18n();
  const titleId = useId();
  const descId = useId();
  const W = 640;
  const H = 280;
  const M = { l: 40, r: 24, t: 12, b: 28 };
  const values = points.map((p) => p.aqi).filter((v): v is number => v !== null);
  const max = values.length ? Math.max(...values) : 0;
  const min = values.length ? Math.min(...values) : 0;
  const yMax = Math.min(500, Math.max(200, Math.ceil((max + 10) / 50) * 50));
  const x = (h: number) => M.l + ((W - M.l - M.r) * h) / 24;
  const y = (v: number) => M.t + (H - M.t - M.b) * (1 - Math.min(v, yMax) / yMax);

  const placed = points
    .map((p) => ({ p, h: hourOf(p.time, date) }))
    .filter((e): e is { p: AqiPoint; h: number } => e.h !== null);
  // The line breaks where a value is missing (NA) or an hour is absent.
  const segments: string[] = [];
  let cur = '';
  let lastH: number | null = null;
  for (const { p, h } of placed) {
    if (p.aqi === null || (lastH !== null && h - lastH > 1)) {
      if (cur) segments.push(cur);
      cur = '';
    }
    if (p.aqi !== null) cur += `${cur ? 'L' : 'M'}${x(h).toFixed(1)},${y(p.aqi).toFixed(1)}`;
    lastH = h;
  }
  if (cur) segments.push(cur);
  const ticksY = [0, 50, 100, 150, 200, 300, 500].filter((v) => v <= yMax);
  const ticksX = [0, 3, 6, 9, 12, 15, 18, 21, 24];

  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="eco-chart"
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
      data-testid="eco-chart"
      data-max={max}
      data-count={values.length}
      style={{ width: '100%', maxWidth: `${W}px`, height: 'auto' }}
    >
      <title id={titleId}>{t('eco.chart.title', { city: cityLabel, date })}</title>
      <desc id={descId}>{t('eco.chart.desc', { n: values.length, min, max })}</desc>
      <g aria-hidden="true">
        {BANDS.filter((b) => b.lo < yMax).map((b) => (
          <rect key={b.lo} x={M.l} width={W - M.l - M.r} y={y(b.hi)} height={y(b.lo) - y(Math.min(b.hi, yMax))} fill={b.color} opacity={0.22} />
        ))}
        {ticksY.map((v) => (
          <g key={`y${v}`}>
            <line x1={M.l} x2={W - M.r} y1={y(v)} y2={y(v)} stroke="#888" strokeWidth={0.5} strokeDasharray="2 3" />
            <text x={M.l - 4} y={y(v) + 4} textAnchor="end" fontSize={11} fill="#444">
              {v}
            </text>
          </g>
        ))}
        {ticksX.map((h) => (
          <text key={`x${h}`} x={x(h)} y={H - 8} textAnchor="middle" fontSize={11} fill="#444">
            {`${String(h).padStart(2, '0')}:00`}
          </text>
        ))}
        {segments.map((d, i) => (
          <path key={i} d={d} fill="none" stroke="#17324d" strokeWidth={2} />
        ))}
      </g>
      {placed.map(({ p, h }) =>
        p.aqi === null ? null : (
          <circle key={p.time} cx={x(h)} cy={y(p.aqi)} r={3.5} fill={p.color ?? NA_COLOUR} stroke="#17324d" strokeWidth={1}>
            <title>{`${p.time.slice(11, 16)} · AQI ${p.aqi} · ${pick(p.category)}${p.primary.length ? ` · ${primaryText(pick, p.primary)}` : ''}`}</title>
          </circle>
        ),
      )}
    </svg>
  );
}

// --- warning board -------------------------------------------------------------------------------------------

const WARNING_KEY: Record<WarningLevel, MessageKey> = {
  none: 'eco.warn.none',
  yellow: 'eco.warn.yellow',
  orange: 'eco.warn.orange',
  red: 'eco.warn.red',
};

const SEVERITY: Record<WarningLevel, number> = { none: 0, yellow: 1, orange: 2, red: 3 };

const ACTION_KEY: Record<WarningAction, MessageKey> = {
  issue: 'eco.action.issue',
  raise: 'eco.action.raise',
  lower: 'eco.action.lower',
  lift: 'eco.action.lift',
};

const STATUS_KEY: Record<AirNotification['status'], MessageKey> = {
  pending: 'eco.status.pending',
  delivered: 'eco.status.delivered',
  acknowledged: 'eco.status.acknowledged',
};

function LevelBadge({ level }: { level: WarningLevel }) {
  const { t } = useI18n();
  return <span className={`badge eco-warn eco-warn-${level}`}>{t(WARNING_KEY[level])}</span>;
}

function actorText(a: Actor): string {
  return a.label ?? a.tokenId;
}

function WarningBoard() {
  const { t, pick, formatInstant } = useI18n();
  const board = useApi<Board>('/api/air/warnings/board');
  const history = useApi<{ items: AirWarning[] }>('/api/air/warnings', { limit: 50 });
  const names = useMemo(() => new Map((board.data?.cities ?? []).map((c) => [c.cityId, c.name])), [board.data]);
  const cityText = (id: string) => pick(names.get(id)) || id;
  const active = (board.data?.cities ?? []).filter((c) => c.level !== 'none');
  // Cities under a warning first (red, orange, yellow), then the others in the server's order.
  const rows = useMemo(
    () => [...(board.data?.cities ?? [])].sort((a, b) => SEVERITY[b.level] - SEVERITY[a.level]),
    [board.data],
  );

  return (
    <section className="card" aria-labelledby="eco-board-h" data-testid="eco-board">
      <h2 id="eco-board-h" className="h-small">
        {t('eco.board.title')}
      </h2>
      <p className="caption">{t('eco.board.intro')}</p>
      {board.error ? <ErrorBox error={board.error} onRetry={board.reload} /> : null}
      {board.loading && !board.data ? <Loading /> : null}
      {board.data ? (
        <>
          {active.length === 0 ? (
            <p className="alert alert-info" data-testid="eco-board-empty">
              {t('eco.board.empty')}
            </p>
          ) : null}
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('eco.board.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('eco.board.city')}</th>
                  <th scope="col">{t('eco.board.level')}</th>
                  <th scope="col">{t('eco.board.since')}</th>
                  <th scope="col">{t('eco.board.linkage')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.cityId} data-testid={`eco-board-row-${c.cityId}`} data-level={c.level}>
                    <th scope="row">{pick(c.name)}</th>
                    <td>
                      <LevelBadge level={c.level} />
                    </td>
                    <td>{c.warning && c.level !== 'none' ? formatInstant(c.warning.validFrom) : t('common.none')}</td>
                    <td>
                      {c.notifications.length === 0 ? (
                        t('common.none')
                      ) : (
                        <>
                          <p className="caption">{t('eco.board.acks', { a: c.acknowledged, n: c.notifications.length })}</p>
                          <ul className="eco-notifications">
                            {c.notifications.map((n) => (
                              <li key={n.id} data-status={n.status}>
                                {cityText(n.targetCityId)} · {t(STATUS_KEY[n.status])}
                                {n.acknowledgement
                                  ? ` · ${t('eco.board.ackBy', { who: actorText(n.acknowledgement.by), at: formatInstant(n.acknowledgement.at) })}${
                                      n.acknowledgement.note ? ` · “${n.acknowledgement.note}”` : ''
                                    }`
                                  : ''}
                              </li>
                            ))}
                          </ul>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      <h3 className="h-small">{t('eco.history.title')}</h3>
      {history.error ? <ErrorBox error={history.error} onRetry={history.reload} /> : null}
      {history.data ? (
        history.data.items.length === 0 ? (
          <p data-testid="eco-history-empty">{t('eco.history.empty')}</p>
        ) : (
          <ul className="eco-history" data-testid="eco-history">
            {history.data.items.map((w) => (
              <li key={w.id}>
                <time dateTime={w.validFrom}>{formatInstant(w.validFrom)}</time> · {cityText(w.cityId)} · {t(ACTION_KEY[w.action])}{' '}
                <LevelBadge level={w.level} /> · {pick(w.reason)}
                {w.ruleSet ? ` · ${t('eco.history.rules', { id: w.ruleSet.id, version: w.ruleSet.version })}` : ''} ·{' '}
                {t('eco.history.by', { who: actorText(w.issuedBy) })}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
