// Transport: the journey planner on the regional network (GET /api/transit/plan), with station search in
// Chinese characters, pinyin and English, itineraries with their legs and changes, and the selected one on
// the region map. What the transport pillar will add next is listed below it.
import { Fragment, useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, apiRequest } from '../api/client';
import type { Itinerary, PlanLeg, PlanResult } from '../api/types';
import { ErrorBox, Loading } from '../components/Feedback';
import { Page } from '../components/Page';
import { RegionMap, type LonLat } from '../components/RegionMap';
import { searchStations, StationCombobox, type StationField } from '../components/StationCombobox';
import { useI18n, type I18n, type MessageKey } from '../i18n/i18n';
import { useCities } from '../lib/reference';
import { Link } from '../lib/router';
import type { Lang } from '../lib/settings';
import {
  clockOf,
  dayOffset,
  itineraryOnMap,
  legColour,
  modeKey,
  nameIn,
  routeName,
  sameStation,
  secondsBetween,
  shanghaiNow,
  stationLabel,
  textOn,
  useStopNames,
  type ModeKey,
  type Station,
} from '../lib/transit';
import { CENTRE_CITY_ID } from './Overview';

type Names = ReturnType<typeof useStopNames>;
type FieldName = 'from' | 'to' | 'date' | 'time' | 'maxTransfers' | 'window';
type FieldErrors = Partial<Record<FieldName, string>>;

const PLAN_FIELDS: readonly FieldName[] = ['from', 'to', 'date', 'time', 'maxTransfers', 'window'];
const WINDOWS = ['', '60', '120', '180'] as const;
const DEFAULT_WINDOW = '120';
const MAX_TRANSFERS = ['', '0', '1', '2', '3', '4'] as const;

interface PlanQuery {
  from: Station;
  to: Station;
  date: string;
  time: string;
  arriveBy: boolean;
  maxTransfers: string;
  window: string;
}

interface PlanState {
  run: number;
  query: PlanQuery;
  data: PlanResult | null;
  error: ApiError | null;
  loading: boolean;
}

// --- small formatting helpers ------------------------------------------------------------------------------

function durationText(t: I18n['t'], seconds: number): string {
  const total = Math.max(0, Math.round(seconds / 60));
  const h = Math.floor(total / 60);
  const m = total % 60;
  return h > 0 ? t('planner.duration.hm', { h, m: String(m).padStart(2, '0') }) : t('planner.duration.m', { m });
}

function distanceText(t: I18n['t'], formatNumber: I18n['formatNumber'], metres: number): string {
  if (metres >= 1000) return t('planner.km', { n: formatNumber(metres / 1000, 1) });
  return t('planner.metres', { n: formatNumber(Math.round(metres / 10) * 10, 0) });
}

/** "HH:MM" of a service time HH:MM:SS that may pass 24:00 (after midnight it reads as the next day's clock). */
function serviceClock(hms: string): string {
  const [h = '0', m = '00'] = hms.split(':');
  return `${String(Number(h) % 24).padStart(2, '0')}:${m}`;
}

function transfersText(t: I18n['t'], n: number): string {
  if (n === 0) return t('planner.direct');
  return n === 1 ? t('planner.transfers.one') : t('planner.transfers', { n });
}

const MODE_LABEL: Record<ModeKey, MessageKey> = {
  walk: 'mode.walk',
  hsr: 'mode.hsr',
  rail: 'mode.rail',
  subway: 'mode.subway',
  tram: 'mode.tram',
  bus: 'mode.bus',
  ferry: 'mode.ferry',
  cable: 'mode.cable',
  other: 'mode.other',
};

/** Feed text (Chinese) inside a page that may be in English: marked so the right glyphs are used. */
function FeedText({ children, lang }: { children: ReactNode; lang: Lang }) {
  return lang === 'zh' ? <>{children}</> : <span lang="zh-CN">{children}</span>;
}

/** A stop name in the reader's language; on English pages the Chinese name follows, as on the station signs. */
function StopName({ name, at, names, lang }: { name: string | null; at?: { lat: number; lon: number }; names: Names; lang: Lang }) {
  if (!name) return null;
  if (lang === 'zh') return <span className="stop-name">{name}</span>;
  const en = nameIn('en', name, names(name, at));
  if (en === name) return <span className="stop-name" lang="zh-CN">{name}</span>;
  return (
    <span className="stop-name">
      {en}{' '}
      <span className="stop-name-zh" lang="zh-CN">
        {name}
      </span>
    </span>
  );
}

function Clock({ iso, baseDate, testId }: { iso: string; baseDate: string; testId?: string }) {
  const { t } = useI18n();
  const days = dayOffset(iso, baseDate);
  return (
    <span className="clock" data-testid={testId}>
      <time dateTime={iso}>{clockOf(iso)}</time>
      {days !== 0 ? (
        <span className="day-offset" title={t('planner.dayOffset.title', { n: days })}>
          {' '}
          {t('planner.dayOffset', { n: days > 0 ? `+${days}` : String(days) })}
        </span>
      ) : null}
    </span>
  );
}

function ModeIcon({ mode }: { mode: ModeKey }) {
  // Simple line icons drawn here: nothing is fetched, and no emoji font is needed.
  if (mode === 'walk') {
    return (
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <circle cx="8.5" cy="2.5" r="1.6" fill="currentColor" />
        <path d="M8 5 L6.5 9.5 L4.5 14 M7.2 7.5 L10 10 L11 14 M7.8 5.5 L11 8 M7.5 5.5 L4.5 7.5" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinecap="round" />
      </svg>
    );
  }
  if (mode === 'bus') {
    return (
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <rect x="2.5" y="1.5" width="11" height="11" rx="2" stroke="currentColor" strokeWidth="1.4" fill="none" />
        <path d="M2.5 7.5 H13.5" stroke="currentColor" strokeWidth="1.4" />
        <circle cx="5" cy="14" r="1.2" fill="currentColor" />
        <circle cx="11" cy="14" r="1.2" fill="currentColor" />
      </svg>
    );
  }
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <rect x="3" y="1" width="10" height="11" rx="3" stroke="currentColor" strokeWidth="1.4" fill="none" />
      <path d="M3.5 6.5 H12.5" stroke="currentColor" strokeWidth="1.4" />
      <circle cx="5.8" cy="9.3" r="0.9" fill="currentColor" />
      <circle cx="10.2" cy="9.3" r="0.9" fill="currentColor" />
      <path d="M5 12 L3.5 15 M11 12 L12.5 15" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}

function ModeBadge({ leg }: { leg: PlanLeg }) {
  const { t } = useI18n();
  const mode = modeKey(leg);
  const bg = mode === 'walk' ? '#e7eaee' : legColour(leg);
  const fg = mode === 'walk' ? '#1d2630' : textOn(bg);
  return (
    <span className={`mode-badge mode-${mode}`} style={{ background: bg, color: fg }}>
      <ModeIcon mode={mode} />
      <span>{t(MODE_LABEL[mode])}</span>
    </span>
  );
}

// --- legs ---------------------------------------------------------------------------------------------------

function RideLeg({ leg, n, k, baseDate, names }: { leg: PlanLeg; n: number; k: number; baseDate: string; names: Names }) {
  const { lang, t } = useI18n();
  const [open, setOpen] = useState(false);
  const stops = leg.intermediateStops ?? [];
  const panelId = `planner-stops-${n}-${k}`;
  const headsign = leg.trip?.headsign ?? null;
  // The long name (the line's ends) only when the trip does not say where it goes.
  const long = !headsign && leg.route?.longName && leg.route.longName !== routeName(leg) ? leg.route.longName : '';
  return (
    <li className="leg leg-ride" data-testid={`planner-leg-${n}-${k}`} data-mode={modeKey(leg)} style={{ borderLeftColor: legColour(leg) }}>
      <div className="leg-head">
        <ModeBadge leg={leg} />
        <strong className="leg-route">
          <FeedText lang={lang}>{routeName(leg)}</FeedText>
        </strong>
        {leg.trip?.shortName ? <span className="leg-trip">{leg.trip.shortName}</span> : null}
        {headsign ? (
          <span className="leg-headsign">
            {t('planner.towards')} <StopName name={headsign} names={names} lang={lang} />
          </span>
        ) : null}
        {long ? (
          <span className="leg-longname muted small">
            <FeedText lang={lang}>{long}</FeedText>
          </span>
        ) : null}
      </div>
      <ol className="leg-calls">
        <li className="leg-call">
          <Clock iso={leg.departureAt} baseDate={baseDate} testId={`planner-leg-${n}-${k}-departure`} />
          <StopName name={leg.from.name} at={leg.from} names={names} lang={lang} />
        </li>
        <li className="leg-stops">
          {stops.length === 0 ? (
            <span className="muted small">
              {t('planner.stops.none')} · {durationText(t, leg.duration)}
            </span>
          ) : (
            <>
              <button
                type="button"
                className="btn btn-ghost btn-small leg-stops-toggle"
                aria-expanded={open}
                aria-controls={panelId}
                data-testid={`planner-leg-${n}-${k}-stops-toggle`}
                onClick={() => setOpen((o) => !o)}
              >
                <span aria-hidden="true">{open ? '▾' : '▸'}</span> {stops.length === 1 ? t('planner.stops.one') : t('planner.stops', { n: stops.length })} · {durationText(t, leg.duration)}
              </button>
              <ol id={panelId} className="leg-stop-list" hidden={!open}>
                {stops.map((s, i) => (
                  <li key={`${s.id ?? i}`}>
                    <span className="clock muted">{serviceClock(s.departure)}</span> <StopName name={s.name} at={s} names={names} lang={lang} />
                  </li>
                ))}
              </ol>
            </>
          )}
        </li>
        <li className="leg-call">
          <Clock iso={leg.arrivalAt} baseDate={baseDate} testId={`planner-leg-${n}-${k}-arrival`} />
          <StopName name={leg.to.name} at={leg.to} names={names} lang={lang} />
        </li>
      </ol>
    </li>
  );
}

function WalkLeg({ leg, n, k, names }: { leg: PlanLeg; n: number; k: number; names: Names }) {
  const { lang, t, formatNumber } = useI18n();
  const metres = leg.distance ?? 0;
  const inStation = metres < 1 && leg.from.name === leg.to.name;
  return (
    <li className="leg leg-walk" data-testid={`planner-leg-${n}-${k}`} data-mode="walk">
      <div className="leg-head">
        <ModeBadge leg={leg} />
        {inStation ? (
          <span>
            {t('planner.change')} · <StopName name={leg.from.name} at={leg.from} names={names} lang={lang} />
          </span>
        ) : (
          <span>
            {t('planner.walk', { min: durationText(t, leg.duration) })}
            {metres > 0 ? ` · ${t('planner.walk.distance', { d: distanceText(t, formatNumber, metres) })}` : ''}
            {leg.from.name && leg.to.name ? (
              <span className="muted small">
                {' '}
                (<StopName name={leg.from.name} at={leg.from} names={names} lang={lang} /> → <StopName name={leg.to.name} at={leg.to} names={names} lang={lang} />)
              </span>
            ) : null}
          </span>
        )}
      </div>
    </li>
  );
}

// --- itineraries ----------------------------------------------------------------------------------------------

function ItineraryCard({
  it,
  n,
  baseDate,
  selected,
  onSelect,
  names,
}: {
  it: Itinerary;
  n: number;
  baseDate: string;
  selected: boolean;
  onSelect: () => void;
  names: Names;
}) {
  const { lang, t } = useI18n();
  const headingId = `planner-result-${n}-title`;
  const rides = it.legs.filter((l) => modeKey(l) !== 'walk');
  // Leave and arrive as the legs say: the journey starts with its first leg and ends with its last.
  const first = it.legs[0];
  const last = it.legs[it.legs.length - 1];
  const departureAt = first?.departureAt ?? it.departureAt;
  const arrivalAt = last?.arrivalAt ?? it.arrivalAt;
  const duration = first && last ? secondsBetween(departureAt, arrivalAt) : it.duration;
  return (
    <li
      className={`card itinerary${selected ? ' itinerary-selected' : ''}`}
      data-testid={`planner-result-${n}`}
      data-selected={selected}
      aria-labelledby={headingId}
      onClick={(e) => {
        // A click anywhere on the card (not on its own buttons) shows it on the map.
        if (!(e.target as HTMLElement).closest('button')) onSelect();
      }}
    >
      <div className="itin-head">
        <h3 id={headingId} className="itin-times">
          <span className="sr-only">{t('planner.itinerary', { n: n + 1 })}: </span>
          <Clock iso={departureAt} baseDate={baseDate} testId={`planner-result-${n}-departure`} />
          <span aria-hidden="true"> → </span>
          <span className="sr-only"> – </span>
          <Clock iso={arrivalAt} baseDate={baseDate} testId={`planner-result-${n}-arrival`} />
        </h3>
        <span className="itin-duration" data-testid={`planner-result-${n}-duration`}>
          {durationText(t, duration)}
        </span>
        <span className={`itin-transfers${it.transfers === 0 ? ' itin-direct' : ''}`} data-testid={`planner-result-${n}-transfers`}>
          {transfersText(t, it.transfers)}
        </span>
        <button type="button" className="btn btn-small itin-map-btn" aria-pressed={selected} data-testid={`planner-result-${n}-show`} onClick={onSelect}>
          {selected ? t('planner.onMap') : t('planner.showOnMap')}
        </button>
      </div>
      {rides.length > 1 ? (
        <p className="itin-routes small">
          {rides.map((l, i) => (
            <span key={i}>
              {i > 0 ? <span aria-hidden="true" className="muted"> › </span> : null}
              <span className="route-chip" style={{ background: legColour(l), color: textOn(legColour(l)) }}>
                <FeedText lang={lang}>{routeName(l)}</FeedText>
              </span>
            </span>
          ))}
        </p>
      ) : null}
      <ol className="legs">
        {it.legs.map((leg, k) => {
          const prev = k > 0 ? it.legs[k - 1] : undefined;
          const wait = prev ? secondsBetween(prev.arrivalAt, leg.departureAt) : 0;
          return (
            <Fragment key={k}>
              {wait >= 60 ? (
                <li className="leg-wait muted small" data-testid={`planner-wait-${n}-${k}`}>
                  {t('planner.wait', { min: durationText(t, wait) })}
                </li>
              ) : null}
              {modeKey(leg) === 'walk' ? (
                <WalkLeg leg={leg} n={n} k={k} names={names} />
              ) : (
                <RideLeg leg={leg} n={n} k={k} baseDate={baseDate} names={names} />
              )}
            </Fragment>
          );
        })}
      </ol>
    </li>
  );
}

function Notices({ notices }: { notices: PlanResult['notices'] }) {
  const { t, pick } = useI18n();
  // The feeds' English label is a phrase ("illustrative schedule …"): shown as a sentence.
  const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  if (notices.length === 0) return null;
  return (
    <div className="alert alert-warning planner-notice" role="note" data-testid="planner-notice">
      <p className="alert-title">
        <span aria-hidden="true">⚠ </span>
        {t('planner.notice.title')}
      </p>
      {notices.map((n, i) => (
        <p key={i} className="planner-notice-text">
          {sentence(pick(n))}
        </p>
      ))}
      <p className="small">{t('planner.notice.unofficial')}</p>
    </div>
  );
}

// --- the page -------------------------------------------------------------------------------------------------

function ComingNext() {
  const { t } = useI18n();
  const items: MessageKey[] = ['transport.f3', 'transport.f5', 'transport.openData', 'transport.f4'];
  return (
    <section className="card coming-next" aria-labelledby="transport-coming" data-testid="transport-coming">
      <h2 id="transport-coming" className="h-small">
        {t('transport.coming.title')}
        <span className="badge badge-coming">{t('coming.badge')}</span>
      </h2>
      <blockquote className="plan-basis">{t('transport.basis')}</blockquote>
      <ul className="feature-list">
        {items.map((k) => (
          <li key={k}>{t(k)}</li>
        ))}
      </ul>
      <p>
        <Link to="/goals#pillar-transport">{t('coming.goalsLink')} →</Link>
      </p>
    </section>
  );
}

const emptyField: StationField = { text: '', station: null };

export function TransportPage() {
  const { lang, t } = useI18n();
  const initial = useMemo(() => shanghaiNow(), []);
  const [from, setFrom] = useState<StationField>(emptyField);
  const [to, setTo] = useState<StationField>(emptyField);
  const [date, setDate] = useState(initial.date);
  const [time, setTime] = useState(initial.time);
  const [arriveBy, setArriveBy] = useState(false);
  const [maxTransfers, setMaxTransfers] = useState('');
  const [windowMin, setWindowMin] = useState<string>(DEFAULT_WINDOW);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [resolving, setResolving] = useState(false);
  const [plan, setPlan] = useState<PlanState | null>(null);
  const [selected, setSelected] = useState(0);
  const fromRef = useRef<HTMLInputElement>(null);
  const toRef = useRef<HTMLInputElement>(null);
  const dateRef = useRef<HTMLInputElement>(null);
  const timeRef = useRef<HTMLInputElement>(null);
  const ids = { date: useId(), time: useId(), max: useId(), window: useId(), when: useId() };

  // A picked station is shown in the reader's language: relabel it when the language changes.
  const prevLang = useRef(lang);
  useEffect(() => {
    const old = prevLang.current;
    prevLang.current = lang;
    if (old === lang) return;
    const relabel = (f: StationField): StationField => (f.station && f.text === stationLabel(old, f.station) ? { ...f, text: stationLabel(lang, f.station) } : f);
    setFrom(relabel);
    setTo(relabel);
    // An error from the server is worded in the language of the request: ask again in the new one.
    setPlan((p) => (p && p.error ? { ...p, run: p.run + 1, loading: true } : p));
  }, [lang]);

  // Runs the search whenever a new one is submitted (run changes).
  const run = plan?.run ?? 0;
  useEffect(() => {
    if (!plan || !plan.loading) return;
    const q = plan.query;
    const c = new AbortController();
    apiRequest<PlanResult>('/api/transit/plan', {
      signal: c.signal,
      query: {
        from: q.from.id,
        to: q.to.id,
        date: q.date,
        time: q.time,
        arriveBy: q.arriveBy ? 'true' : 'false',
        window: !q.arriveBy && q.window ? q.window : undefined,
        maxTransfers: q.maxTransfers || undefined,
      },
    })
      .then((data) => {
        if (c.signal.aborted) return;
        setSelected(0);
        setPlan((p) => (p && p.run === run ? { ...p, data, error: null, loading: false } : p));
      })
      .catch((err: unknown) => {
        if (c.signal.aborted) return;
        const error = err instanceof ApiError ? err : new ApiError(0, null, String(err));
        setPlan((p) => (p && p.run === run ? { ...p, data: null, error, loading: false } : p));
      });
    return () => c.abort();
  }, [run]);

  /** A station field the user typed into without picking: take the best match, as the suggestions would. */
  const resolve = async (f: StationField): Promise<Station | null> => {
    if (f.station) return f.station;
    if (!f.text.trim()) return null;
    try {
      return (await searchStations(f.text))[0] ?? null;
    } catch {
      return null;
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (resolving) return;
    setResolving(true);
    const [a, b] = await Promise.all([resolve(from), resolve(to)]);
    setResolving(false);
    if (a && !from.station) setFrom({ text: stationLabel(lang, a), station: a });
    if (b && !to.station) setTo({ text: stationLabel(lang, b), station: b });
    const errs: FieldErrors = {};
    if (!a) errs.from = from.text.trim() ? t('planner.error.noStation', { text: from.text.trim() }) : t('planner.error.fromRequired');
    if (!b) errs.to = to.text.trim() ? t('planner.error.noStation', { text: to.text.trim() }) : t('planner.error.toRequired');
    if (a && b && sameStation(a, b)) errs.to = t('planner.error.same');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) errs.date = t('planner.error.date');
    if (!/^\d{1,2}:\d{2}(:\d{2})?$/.test(time)) errs.time = t('planner.error.time');
    setClientErrors(errs);
    if (Object.keys(errs).length > 0 || !a || !b) {
      const first = errs.from ? fromRef : errs.to ? toRef : errs.date ? dateRef : timeRef;
      first.current?.focus();
      return;
    }
    setPlan({ run: run + 1, query: { from: a, to: b, date, time: time.slice(0, 5), arriveBy, maxTransfers, window: windowMin }, data: null, error: null, loading: true });
  };

  const swap = () => {
    setFrom(to);
    setTo(from);
    setClientErrors({});
  };

  const setNow = () => {
    const now = shanghaiNow();
    setDate(now.date);
    setTime(now.time);
  };

  // Errors next to their fields: the form's own first, then the server's (problem+json errors[].field).
  const serverErrors: FieldErrors = {};
  const otherServerErrors = plan?.error?.fieldErrors.filter((fe) => {
    const f = fe.field.replace(/^(query|querystring)\./, '') as FieldName;
    if (PLAN_FIELDS.includes(f)) {
      serverErrors[f] = serverErrors[f] ? `${serverErrors[f]}; ${fe.message}` : fe.message;
      return false;
    }
    return true;
  });
  const fieldError = (f: FieldName): string | undefined => clientErrors[f] ?? serverErrors[f];

  const data = plan && !plan.loading ? plan.data : null;
  const itineraries = data?.itineraries ?? [];
  const baseDate = typeof data?.query.date === 'string' ? data.query.date : plan?.query.date ?? date;
  const current = itineraries[Math.min(selected, Math.max(0, itineraries.length - 1))];

  // Names of every stop shown, for their English names (looked up once each, English pages only).
  const shownNames = useMemo(() => {
    const out: string[] = [];
    for (const it of itineraries) {
      for (const l of it.legs) {
        if (l.from.name) out.push(l.from.name);
        if (l.to.name) out.push(l.to.name);
        if (l.trip?.headsign) out.push(l.trip.headsign);
        for (const s of l.intermediateStops ?? []) if (s.name) out.push(s.name);
      }
    }
    return out;
  }, [itineraries]);
  const names = useStopNames(shownNames, lang === 'en');

  const map = useMemo(() => {
    if (current) return itineraryOnMap(current, names);
    // Before a search: the picked stations alone.
    const markers = [
      from.station ? { id: 'origin', lon: from.station.lon, lat: from.station.lat, label: { zh: from.station.name, en: stationLabel('en', from.station) }, color: '#2e7d32', radius: 7 } : null,
      to.station ? { id: 'destination', lon: to.station.lon, lat: to.station.lat, label: { zh: to.station.name, en: stationLabel('en', to.station) }, color: '#a61b1b', radius: 6, shape: 'square' as const } : null,
    ].filter((m): m is NonNullable<typeof m> => m !== null);
    return { lines: [], markers };
  }, [current, names, from.station, to.station]);
  const fit: LonLat[] = map.markers.map((m) => [m.lon, m.lat]);
  // A station named like the city it serves (石家庄) would print the city's name twice: the city's label
  // stays, the station keeps its name as a tooltip.
  const cities = useCities();
  const markers = useMemo(() => {
    const cityNames = new Set((cities ?? []).flatMap((c) => [c.name_zh, c.name_en]));
    return map.markers.map((m) => {
      const label = m.label;
      const zh = typeof label === 'string' ? label : label?.zh;
      return zh && cityNames.has(zh) ? { ...m, label: undefined, title: label } : m;
    });
  }, [map.markers, cities]);

  const whenLabel = plan?.query.arriveBy ? t('planner.results.arriveBy', { date: baseDate, time: plan?.query.time ?? time }) : t('planner.results.departAfter', { date: baseDate, time: plan?.query.time ?? time });

  return (
    <Page title={t('transport.title')} lead={t('transport.lead')} testId="page-transport">
      <section className="card planner-form-card" aria-labelledby="planner-title">
        <h2 id="planner-title">{t('planner.title')}</h2>
        <form className="planner-form" role="search" aria-labelledby="planner-title" onSubmit={submit} noValidate data-testid="planner-form">
          <div className="planner-stations">
            <StationCombobox
              label={t('planner.from')}
              value={from}
              onChange={(v) => {
                setFrom(v);
                if (clientErrors.from) setClientErrors((e) => ({ ...e, from: undefined }));
              }}
              testId="planner-from"
              placeholder={t('planner.placeholder.from')}
              error={fieldError('from')}
              errorTestId="planner-error-from"
              inputRef={fromRef}
            />
            <button type="button" className="btn planner-swap" onClick={swap} aria-label={t('planner.swap')} title={t('planner.swap')} data-testid="planner-swap">
              <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
                <path d="M2 5 H13 M10 2 L13 5 L10 8 M14 11 H3 M6 8 L3 11 L6 14" stroke="currentColor" strokeWidth="1.5" fill="none" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
            </button>
            <StationCombobox
              label={t('planner.to')}
              value={to}
              onChange={(v) => {
                setTo(v);
                if (clientErrors.to) setClientErrors((e) => ({ ...e, to: undefined }));
              }}
              testId="planner-to"
              placeholder={t('planner.placeholder.to')}
              error={fieldError('to')}
              errorTestId="planner-error-to"
              inputRef={toRef}
            />
          </div>
          <div className="planner-options">
            <fieldset className="segmented">
              <legend className="sr-only">{t('planner.when')}</legend>
              <label className={`segment${!arriveBy ? ' segment-on' : ''}`}>
                <input type="radio" name={ids.when} checked={!arriveBy} onChange={() => setArriveBy(false)} data-testid="planner-depart-at" />
                {t('planner.departAt')}
              </label>
              <label className={`segment${arriveBy ? ' segment-on' : ''}`}>
                <input type="radio" name={ids.when} checked={arriveBy} onChange={() => setArriveBy(true)} data-testid="planner-arrive-by" />
                {t('planner.arriveBy')}
              </label>
            </fieldset>
            <Field id={ids.date} label={t('planner.date')} error={fieldError('date')} errorTestId="planner-error-date">
              <input
                ref={dateRef}
                id={ids.date}
                type="date"
                value={date}
                required
                aria-invalid={Boolean(fieldError('date'))}
                aria-describedby={fieldError('date') ? `${ids.date}-err` : undefined}
                data-testid="planner-date"
                onChange={(e) => setDate(e.target.value)}
              />
            </Field>
            <Field id={ids.time} label={t('planner.time')} error={fieldError('time')} errorTestId="planner-error-time">
              <input
                ref={timeRef}
                id={ids.time}
                type="time"
                value={time}
                required
                aria-invalid={Boolean(fieldError('time'))}
                aria-describedby={fieldError('time') ? `${ids.time}-err` : undefined}
                data-testid="planner-time"
                onChange={(e) => setTime(e.target.value)}
              />
            </Field>
            <button type="button" className="btn btn-ghost btn-small planner-now" onClick={setNow} aria-label={t('planner.now.aria')} data-testid="planner-now">
              {t('planner.now')}
            </button>
            {!arriveBy ? (
              <Field id={ids.window} label={t('planner.window')} error={fieldError('window')}>
                <select id={ids.window} value={windowMin} data-testid="planner-window" onChange={(e) => setWindowMin(e.target.value)}>
                  {WINDOWS.map((w) => (
                    <option key={w} value={w}>
                      {w === '' ? t('planner.window.earliest') : t('planner.window.hours', { n: Number(w) / 60 })}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
            <Field id={ids.max} label={t('planner.maxTransfers')} error={fieldError('maxTransfers')}>
              <select id={ids.max} value={maxTransfers} data-testid="planner-max-transfers" onChange={(e) => setMaxTransfers(e.target.value)}>
                {MAX_TRANSFERS.map((m) => (
                  <option key={m} value={m}>
                    {m === '' ? t('planner.maxTransfers.any') : m === '0' ? t('planner.maxTransfers.none') : m}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" className="btn btn-primary planner-search" data-testid="planner-search" disabled={resolving || Boolean(plan?.loading)}>
              {t('planner.search')}
            </button>
          </div>
        </form>
      </section>

      <div className="planner-grid">
        <section className="planner-results" aria-labelledby="planner-results-title" data-testid="planner-results">
          <h2 id="planner-results-title" className="sr-only">
            {t('planner.results')}
          </h2>
          {plan?.loading ? <Loading label={t('planner.searching')} /> : null}
          {plan?.error && !plan.loading ? (
            // Field errors are shown at their fields; the box says what went wrong and lists the rest.
            <ErrorBox error={plan.error} testId="planner-error">
              {otherServerErrors && otherServerErrors.length > 0 ? (
                <ul className="alert-list">
                  {otherServerErrors.map((fe, i) => (
                    <li key={i}>
                      {fe.field ? <code>{fe.field}</code> : null} {fe.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </ErrorBox>
          ) : null}
          {data ? (
            <>
              <Notices notices={data.notices} />
              <p className="planner-summary" role="status" data-testid="planner-summary">
                {itineraries.length > 0 ? (
                  <>
                    <strong>
                      {itineraries.length === 1 ? t('planner.results.one') : t('planner.results.count', { n: itineraries.length })}
                    </strong>{' '}
                    <span className="muted">
                      · {plan ? `${stationLabel(lang, plan.query.from)} → ${stationLabel(lang, plan.query.to)}` : ''} · {whenLabel}
                    </span>
                  </>
                ) : null}
              </p>
              {itineraries.length === 0 ? (
                <div className="empty planner-empty" data-testid="planner-empty">
                  <p className="empty-title">{t('planner.empty')}</p>
                  <p className="small">{t('planner.empty.hint')}</p>
                </div>
              ) : (
                <ol className="itineraries">
                  {itineraries.map((it, n) => (
                    <ItineraryCard key={n} it={it} n={n} baseDate={baseDate} selected={n === selected} onSelect={() => setSelected(n)} names={names} />
                  ))}
                </ol>
              )}
            </>
          ) : null}
          {!plan ? <p className="muted planner-hint">{t('planner.hint')}</p> : null}
        </section>

        <section className="card planner-map" aria-labelledby="planner-map-title" data-testid="planner-map" data-itinerary={current ? selected : ''} data-lines={map.lines.length}>
          <h2 id="planner-map-title" className="h-small">
            {t('planner.map.title')}
          </h2>
          <RegionMap
            highlightId={CENTRE_CITY_ID}
            lines={map.lines}
            markers={markers}
            fit={fit}
            markerLabelsFirst
            // A smaller drawing than the overview's, shown at the side: names stay readable at this width.
            width={600}
            height={480}
            ariaLabel={current ? t('planner.map.aria.route', { n: selected + 1 }) : t('planner.map.aria')}
          />
          <ul className="map-legend planner-legend">
            <li>
              <span className="legend-swatch" style={{ background: '#2e7d32' }} aria-hidden="true" /> {t('planner.map.origin')}
            </li>
            <li>
              <span className="legend-swatch legend-square" style={{ background: '#a61b1b' }} aria-hidden="true" /> {t('planner.map.destination')}
            </li>
            <li>
              <span className="legend-swatch legend-diamond" style={{ background: '#17324d' }} aria-hidden="true" /> {t('planner.map.transfer')}
            </li>
          </ul>
          <p className="caption">{current ? t('planner.map.caption') : t('planner.map.empty')}</p>
        </section>
      </div>

      <ComingNext />
    </Page>
  );
}

function Field({ id, label, error, errorTestId, children }: { id: string; label: string; error?: string | undefined; errorTestId?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <p className="field-error" id={`${id}-err`} data-testid={errorTestId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
