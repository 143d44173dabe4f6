// Helpers for the journey planner: stations as the user picks them, names in both languages, clock and
// duration text, modes and colours, and the selected itinerary as map lines and markers.
import { useEffect, useMemo, useState } from 'react';
import { apiRequest } from '../api/client';
import type { Itinerary, PlanLeg, TransitStop } from '../api/types';
import type { MapLine, MapMarker } from '../components/RegionMap';
import type { Localized } from '../i18n/i18n';
import type { Lang } from './settings';

/** The planner's clock: the bundled feeds and the plan run on China Standard Time, whatever the browser's zone. */
export const PLAN_TZ = 'Asia/Shanghai';

const CLOCK = new Intl.DateTimeFormat('en-CA', {
  timeZone: PLAN_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Today (YYYY-MM-DD) and now (HH:MM) in Asia/Shanghai. */
export function shanghaiNow(at: Date = new Date()): { date: string; time: string } {
  const parts = CLOCK.formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** A place the user picked: a station (possibly one per feed at the same spot) or a coordinate. */
export interface Station {
  /** What the planner is sent: the first feedId:stopId, or "lat,lon" for a coordinate. */
  id: string;
  /** Every stop id merged into this entry (one per feed). */
  ids: string[];
  /** The feed's own name (Chinese). */
  name: string;
  /** Translations by BCP 47 tag (en, zh-Latn-pinyin). */
  names: Record<string, string>;
  lat: number;
  lon: number;
  coordinate?: boolean;
}

/** Great-circle distance in metres. */
export function distanceMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Entries of the same name within this distance are one station (the same station in several feeds). */
export const MERGE_RADIUS_M = 200;

/**
 * The stop search lists a station once per feed (cr-hsr:beijingxi, cr-intercity:beijingxi). The user sees
 * one entry per place: same name within MERGE_RADIUS_M, first id kept (the network joins the others to it
 * with walking transfers, so either works as origin or destination). Order of first appearance is kept.
 */
export function mergeStops(items: TransitStop[]): Station[] {
  const out: Station[] = [];
  for (const s of items) {
    const same = out.find((o) => !o.coordinate && o.name === s.name && distanceMetres(o, s) <= MERGE_RADIUS_M);
    if (same) {
      same.ids.push(s.id);
      for (const [k, v] of Object.entries(s.names)) if (!same.names[k]) same.names[k] = v;
      continue;
    }
    out.push({ id: s.id, ids: [s.id], name: s.name, names: { ...s.names }, lat: s.lat, lon: s.lon });
  }
  return out;
}

const COORD = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,，]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;

/** "38.04, 114.51" (latitude, longitude) typed into a station field. */
export function parseCoordinate(text: string): Station | null {
  const m = COORD.exec(text);
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const name = `${lat}, ${lon}`;
  return { id: `${lat},${lon}`, ids: [`${lat},${lon}`], name, names: {}, lat, lon, coordinate: true };
}

export function sameStation(a: Station, b: Station): boolean {
  if (a.ids.some((id) => b.ids.includes(id))) return true;
  return !a.coordinate && !b.coordinate && a.name === b.name && distanceMetres(a, b) <= MERGE_RADIUS_M;
}

/** A name in the reader's language: the feed's (Chinese) name, or its English translation (else pinyin). */
export function nameIn(lang: Lang, name: string, names: Record<string, string> | undefined): string {
  if (lang === 'zh' || !names) return name;
  return names.en || names['zh-Latn-pinyin'] || name;
}

/** The name in the current language, for the input once a station is picked. */
export function stationLabel(lang: Lang, s: Station): string {
  return nameIn(lang, s.name, s.names);
}

/** The other language's name (shown beside the first in suggestions), or '' when there is none. */
export function stationOtherLabel(lang: Lang, s: Station): string {
  if (s.coordinate) return '';
  const other = lang === 'zh' ? s.names.en || s.names['zh-Latn-pinyin'] || '' : s.name;
  return other && other !== stationLabel(lang, s) ? other : '';
}

// --- English names of the stops in results -------------------------------------------------------------
// The plan gives the feeds' own (Chinese) names only. Every stop search answer is remembered here, and the
// names in results that were not seen yet are looked up once each with the same search.

interface KnownName {
  lat: number;
  lon: number;
  names: Record<string, string>;
}

const known = new Map<string, KnownName[]>();
const looked = new Set<string>();
const inflight = new Map<string, Promise<void>>();

export function rememberStops(items: TransitStop[]): void {
  for (const s of items) {
    const list = known.get(s.name) ?? [];
    if (!list.some((k) => distanceMetres(k, s) < 1)) list.push({ lat: s.lat, lon: s.lon, names: s.names });
    known.set(s.name, list);
  }
}

/** Translations of a stop name; with a position, only an entry within 2 km (same-named stops elsewhere differ). */
export function knownNames(name: string, at?: { lat: number; lon: number }): Record<string, string> | undefined {
  const list = known.get(name);
  if (!list || list.length === 0) return undefined;
  if (at) return list.find((k) => distanceMetres(k, at) <= 2_000)?.names;
  // No position (a headsign): only when the name is unambiguous.
  const distinct = new Set(list.map((k) => JSON.stringify(k.names)));
  return distinct.size === 1 ? list[0]!.names : undefined;
}

function lookUp(name: string): Promise<void> {
  let p = inflight.get(name);
  if (!p) {
    p = apiRequest<{ items: TransitStop[] }>('/api/transit/stops', { query: { q: name, limit: 10 } })
      .then((r) => {
        rememberStops(r.items.filter((s) => s.name === name));
        looked.add(name);
      })
      .catch(() => {
        /* names stay in Chinese; a later render may try again */
      })
      .finally(() => inflight.delete(name));
    inflight.set(name, p);
  }
  return p;
}

/**
 * Makes sure the translations of these stop names are known (English pages only); re-renders when new ones
 * arrive. Returns a lookup: name (+ position) → translations.
 */
export function useStopNames(names: string[], enabled: boolean): typeof knownNames {
  const [version, setVersion] = useState(0);
  const key = [...new Set(names)].sort().join('\u0000');
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const missing = key.split('\u0000').filter((n) => n && !known.has(n) && !looked.has(n));
    if (missing.length === 0) return;
    Promise.all(missing.map(lookUp)).then(() => {
      if (live) setVersion((v) => v + 1);
    });
    return () => {
      live = false;
    };
  }, [key, enabled]);
  // A new function when new names arrive, so that memoised uses (the map) are recomputed.
  return useMemo(() => (name: string, at?: { lat: number; lon: number }) => knownNames(name, at), [version]);
}

// --- times ------------------------------------------------------------------------------------------------

/** "HH:MM" of an ISO instant with offset, as written (the offset is the feed's zone). */
export function clockOf(iso: string): string {
  return iso.slice(11, 16);
}

/** Whole days from `baseDate` (YYYY-MM-DD) to the calendar date of an ISO instant (after midnight: 1). */
export function dayOffset(iso: string, baseDate: string): number {
  const a = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
  const b = Date.UTC(Number(baseDate.slice(0, 4)), Number(baseDate.slice(5, 7)) - 1, Number(baseDate.slice(8, 10)));
  return Number.isFinite(a) && Number.isFinite(b) ? Math.round((a - b) / 86_400_000) : 0;
}

/** Seconds between two ISO instants. */
export function secondsBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000);
}

// --- modes and colours ------------------------------------------------------------------------------------

export type ModeKey = 'walk' | 'hsr' | 'rail' | 'subway' | 'tram' | 'bus' | 'ferry' | 'cable' | 'other';

export function modeKey(leg: PlanLeg): ModeKey {
  const m = leg.mode.toLowerCase();
  if (m === 'walk') return 'walk';
  const rt = leg.routeType;
  if (rt === 101 || rt === 102) return 'hsr';
  if (m === 'rail') return 'rail';
  if (m === 'subway' || m === 'monorail') return 'subway';
  if (m === 'tram') return 'tram';
  if (m === 'bus' || m === 'trolleybus') return 'bus';
  if (m === 'ferry') return 'ferry';
  if (m === 'cabletram' || m === 'aeriallift' || m === 'funicular') return 'cable';
  return 'other';
}

const MODE_COLOURS: Record<ModeKey, string> = {
  walk: '#66717d',
  hsr: '#a61b1b',
  rail: '#1f4e79',
  subway: '#2e7d32',
  tram: '#8e44ad',
  bus: '#c26a00',
  ferry: '#00838f',
  cable: '#6d4c41',
  other: '#4a5663',
};

/** The route's own colour (GTFS route_color), else one per mode. */
export function legColour(leg: PlanLeg): string {
  const c = leg.route?.color;
  if (c && /^[0-9a-f]{6}$/i.test(c)) return `#${c}`;
  return MODE_COLOURS[modeKey(leg)];
}

/** Black or white text on a background colour, whichever reads better (WCAG relative luminance). */
export function textOn(hex: string): string {
  const v = hex.replace('#', '');
  const ch = [0, 2, 4].map((i) => {
    const c = Number.parseInt(v.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * ch[0]! + 0.7152 * ch[1]! + 0.0722 * ch[2]!;
  return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? '#1d2630' : '#ffffff';
}

/** Route name as the feed gives it: short name, else long name. */
export function routeName(leg: PlanLeg): string {
  return leg.route?.shortName || leg.route?.longName || '';
}

// --- map --------------------------------------------------------------------------------------------------

type Names = (name: string, at?: { lat: number; lon: number }) => Record<string, string> | undefined;

function placeLabel(name: string | null, at: { lat: number; lon: number }, names: Names): Localized {
  const zh = name ?? '';
  const tr = name ? names(name, at) : undefined;
  return { zh, en: tr?.en || tr?.['zh-Latn-pinyin'] || zh };
}

/**
 * The itinerary on the map: each ride as a line through its stops in the route's colour, walks dashed;
 * origin, destination and the stations where one changes as labelled markers, the stops passed as dots.
 */
export function itineraryOnMap(it: Itinerary, names: Names): { lines: MapLine[]; markers: MapMarker[] } {
  const lines: MapLine[] = [];
  const markers: MapMarker[] = [];
  const near = (a: { lat: number; lon: number }) => markers.find((m) => distanceMetres(m, a) <= MERGE_RADIUS_M);
  it.legs.forEach((leg, k) => {
    const coords: [number, number][] = [
      [leg.from.lon, leg.from.lat],
      ...(leg.intermediateStops ?? []).map((s): [number, number] => [s.lon, s.lat]),
      [leg.to.lon, leg.to.lat],
    ];
    const walk = modeKey(leg) === 'walk';
    if (walk && distanceMetres(leg.from, leg.to) < 1) return; // a change inside one station: nothing to draw
    const title = walk ? undefined : routeName(leg);
    lines.push({ id: `leg-${k}`, coordinates: coords, color: legColour(leg), width: walk ? 2 : 4, dashed: walk, ...(title ? { title } : {}) });
  });
  const first = it.legs[0];
  const last = it.legs[it.legs.length - 1];
  if (first) {
    markers.push({ id: 'origin', lon: first.from.lon, lat: first.from.lat, label: placeLabel(first.from.name, first.from, names), color: '#2e7d32', radius: 7 });
  }
  if (last) {
    const at = last.to;
    markers.push({ id: 'destination', lon: at.lon, lat: at.lat, label: placeLabel(at.name, at, names), color: '#a61b1b', radius: 6, shape: 'square' });
  }
  // Changes: where one ride ends and the next begins (a walk between feeds at one station counts once).
  it.legs.forEach((leg, k) => {
    if (k === 0 || modeKey(leg) === 'walk') return;
    if (near(leg.from)) return;
    markers.push({ id: `transfer-${k}`, lon: leg.from.lon, lat: leg.from.lat, label: placeLabel(leg.from.name, leg.from, names), color: '#17324d', radius: 6, shape: 'diamond' });
  });
  it.legs.forEach((leg, k) => {
    (leg.intermediateStops ?? []).forEach((s, i) => {
      if (near(s)) return;
      markers.push({ id: `stop-${k}-${i}`, lon: s.lon, lat: s.lat, title: placeLabel(s.name, s, names), color: legColour(leg), radius: 3 });
    });
  });
  return { lines, markers };
}
