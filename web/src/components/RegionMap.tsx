// Schematic SVG map of the Beijing–Tianjin–Hebei region, drawn locally with d3-geo from the server's own
// boundaries and city list: no tiles, no third-party requests. Later pages add stations (markers) and
// routes (lines) through props.
import { geoArea, geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { apiRequest } from '../api/client';
import type { BoundaryProperties, City } from '../api/types';
import { useI18n, type Localized } from '../i18n/i18n';
import { loadCities } from '../lib/reference';

export type LonLat = [number, number];

export interface MapMarker {
  id: string;
  lon: number;
  lat: number;
  label?: Localized | string;
  /** Tooltip and accessible name; defaults to the label. */
  title?: Localized | string;
  color?: string;
  radius?: number;
  shape?: 'circle' | 'square' | 'diamond';
  /** data-testid of the marker; defaults to map-marker-<id>. */
  testId?: string;
}

export interface MapLine {
  id: string;
  coordinates: LonLat[];
  color?: string;
  width?: number;
  dashed?: boolean;
  title?: Localized | string;
}

export interface RegionMapProps {
  /** Id of the centre city: its feature and marker are emphasised. */
  highlightId?: string | null;
  /** Fill colour per boundary feature id (e.g. a choropleth); overrides the default fill. */
  featureColors?: Record<string, string>;
  /** Extra point symbols drawn above the cities (e.g. stations). */
  markers?: MapMarker[];
  /** Extra lines drawn between boundaries and markers (e.g. routes), coordinates as [lon, lat]. */
  lines?: MapLine[];
  /**
   * Points ([lon, lat]) that must be in view, e.g. a route that leaves the region: the view widens to take
   * them in. Points inside the region change nothing.
   */
  fit?: LonLat[];
  /**
   * Give the markers' labels the first pick of places, before every city but the centre (e.g. the stations
   * of a route); by default the cities' labels go first.
   */
  markerLabelsFirst?: boolean;
  /** Draw the cities from /api/geo/cities (default true). */
  showCities?: boolean;
  /** ViewBox size; the SVG scales to its container width. */
  width?: number;
  height?: number;
  /** Accessible name of the map; defaults to the generic map label. */
  ariaLabel?: string;
  showLegend?: boolean;
  onFeatureClick?: (id: string) => void;
  onMarkerClick?: (id: string) => void;
  className?: string;
}

type BoundaryFeature = Feature<Geometry, BoundaryProperties>;
type Boundaries = FeatureCollection<Geometry, BoundaryProperties>;

let boundariesPromise: Promise<Boundaries> | null = null;
function loadBoundaries(): Promise<Boundaries> {
  if (!boundariesPromise) {
    boundariesPromise = apiRequest<Boundaries>('/api/geo/boundaries').then((fc) => ({
      ...fc,
      features: (fc.features ?? []).map(rewind),
    }));
    boundariesPromise.catch(() => {
      boundariesPromise = null;
    });
  }
  return boundariesPromise;
}

// d3-geo treats polygons spherically and wants exterior rings clockwise, the opposite of RFC 7946.
// A ring in the "wrong" order would be read as the whole globe minus the region, so flip any polygon whose
// spherical area exceeds a hemisphere.
function rewindPolygon(rings: Position[][]): Position[][] {
  const poly: Polygon = { type: 'Polygon', coordinates: rings };
  return geoArea(poly) > 2 * Math.PI ? rings.map((r) => [...r].reverse()) : rings;
}

function rewind(f: BoundaryFeature): BoundaryFeature {
  const g = f.geometry;
  if (!g) return f;
  if (g.type === 'Polygon') return { ...f, geometry: { ...g, coordinates: rewindPolygon(g.coordinates) } };
  if (g.type === 'MultiPolygon') {
    const mp: MultiPolygon = { ...g, coordinates: g.coordinates.map(rewindPolygon) };
    return { ...f, geometry: mp };
  }
  return f;
}

const JJJ_PROVINCE = /beijing|tianjin|hebei|北京|天津|河北/i;

function isJjjFeature(f: BoundaryFeature): boolean {
  const p = f.properties;
  return p?.level === 'city' || JJJ_PROVINCE.test(p?.province ?? '') || JJJ_PROVINCE.test(p?.id ?? '');
}

function isJjjCity(c: City): boolean {
  return JJJ_PROVINCE.test(c.province ?? '');
}

function text(lang: 'zh' | 'en', v: Localized | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return (lang === 'zh' ? v.zh : v.en) || v.zh || v.en;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Rough text width: CJK glyphs are square, Latin ones about half as wide. */
function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? size : size * 0.56;
  return w;
}

interface PlacedLabel {
  x: number;
  y: number;
  anchor: 'start' | 'end' | 'middle';
}

/** Greedy placement: right of the point, else left, above, below; keeps labels from piling up. */
function placeLabels(
  points: { x: number; y: number; r: number; label: string; size: number }[],
  width: number,
  height: number,
): (PlacedLabel | null)[] {
  const taken: Box[] = points.map((p) => ({ x: p.x - p.r, y: p.y - p.r, w: p.r * 2, h: p.r * 2 }));
  return points.map((p) => {
    if (!p.label) return null;
    const w = textWidth(p.label, p.size);
    const h = p.size * 1.2;
    const gap = p.r + 3;
    const candidates: (PlacedLabel & { box: Box })[] = [
      { x: p.x + gap, y: p.y + p.size * 0.35, anchor: 'start', box: { x: p.x + gap, y: p.y - h / 2, w, h } },
      { x: p.x - gap, y: p.y + p.size * 0.35, anchor: 'end', box: { x: p.x - gap - w, y: p.y - h / 2, w, h } },
      { x: p.x, y: p.y - gap - 2, anchor: 'middle', box: { x: p.x - w / 2, y: p.y - gap - h, w, h } },
      { x: p.x, y: p.y + gap + p.size, anchor: 'middle', box: { x: p.x - w / 2, y: p.y + gap, w, h } },
      // Diagonals last: only labels that found no place above get one here.
      { x: p.x + gap * 0.7, y: p.y - gap * 0.7 - 2, anchor: 'start', box: { x: p.x + gap * 0.7, y: p.y - gap * 0.7 - h, w, h } },
      { x: p.x + gap * 0.7, y: p.y + gap * 0.7 + p.size, anchor: 'start', box: { x: p.x + gap * 0.7, y: p.y + gap * 0.7, w, h } },
      { x: p.x - gap * 0.7, y: p.y - gap * 0.7 - 2, anchor: 'end', box: { x: p.x - gap * 0.7 - w, y: p.y - gap * 0.7 - h, w, h } },
      { x: p.x - gap * 0.7, y: p.y + gap * 0.7 + p.size, anchor: 'end', box: { x: p.x - gap * 0.7 - w, y: p.y + gap * 0.7, w, h } },
    ];
    const inside = (b: Box) => b.x >= 0 && b.y >= 0 && b.x + b.w <= width && b.y + b.h <= height;
    // No free spot: leave the label out rather than print it over another (the marker keeps its tooltip).
    const best = candidates.find((c) => inside(c.box) && !taken.some((t) => overlaps(t, c.box)));
    if (!best) return null;
    taken.push(best.box);
    return { x: best.x, y: best.y, anchor: best.anchor };
  });
}

function onActivate(handler: (() => void) | undefined) {
  if (!handler) return undefined;
  return (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      handler();
    }
  };
}

function MarkerShape({ shape, r, color, cls }: { shape: MapMarker['shape']; r: number; color: string; cls: string }) {
  if (shape === 'square') return <rect className={cls} x={-r} y={-r} width={r * 2} height={r * 2} fill={color} />;
  if (shape === 'diamond')
    return <path className={cls} d={`M0,${-r * 1.3}L${r * 1.3},0L0,${r * 1.3}L${-r * 1.3},0Z`} fill={color} />;
  return <circle className={cls} r={r} fill={color} />;
}

export function RegionMap({
  highlightId = null,
  featureColors,
  markers = [],
  lines = [],
  fit,
  markerLabelsFirst = false,
  showCities = true,
  width = 800,
  height = 620,
  ariaLabel,
  showLegend = false,
  onFeatureClick,
  onMarkerClick,
  className,
}: RegionMapProps) {
  const { lang, t } = useI18n();
  const clipId = `clip-${useId().replace(/:/g, '')}`;
  const titleId = `${clipId}-title`;
  const [boundaries, setBoundaries] = useState<Boundaries | null>(null);
  const [cities, setCities] = useState<City[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    loadBoundaries()
      .then((b) => live && setBoundaries(b))
      .catch(() => {
        if (!live) return;
        // Without boundaries the cities alone still make a useful map.
        setBoundaries({ type: 'FeatureCollection', features: [] });
        setFailed(true);
      });
    loadCities()
      .then((c) => live && setCities(c))
      .catch(() => live && setCities([]));
    return () => {
      live = false;
    };
  }, []);

  const fitKey = fit && fit.length > 0 ? JSON.stringify(fit) : '';
  const layout = useMemo(() => {
    if (!boundaries || !cities) return null;
    const extra: Feature[] = fitKey
      ? [{ type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: JSON.parse(fitKey) as Position[] } }]
      : [];
    const features = boundaries.features;
    const jjj = features.filter(isJjjFeature);
    const context = features.filter((f) => !isJjjFeature(f));
    const pad = 24;
    const projection = geoMercator();
    if (jjj.length > 0) {
      projection.fitExtent(
        [
          [pad, pad],
          [width - pad, height - pad],
        ],
        { type: 'FeatureCollection', features: [...jjj, ...extra] as Feature[] },
      );
    } else {
      const pts = [
        ...(cities.some(isJjjCity) ? cities.filter(isJjjCity) : cities).map((c) => [c.lon, c.lat]),
        ...(fitKey ? (JSON.parse(fitKey) as Position[]) : []),
      ];
      if (pts.length > 0) {
        projection.fitExtent(
          [
            [pad * 3, pad * 3],
            [width - pad * 3, height - pad * 3],
          ],
          { type: 'MultiPoint', coordinates: pts },
        );
      }
    }
    const path = geoPath(projection);
    const project = (lon: number, lat: number): [number, number] | null => projection([lon, lat]);
    return { projection, path, project, jjj, context };
  }, [boundaries, cities, width, height, fitKey]);

  if (!layout || !cities) {
    return (
      <div className={`region-map region-map-loading ${className ?? ''}`} style={{ aspectRatio: `${width} / ${height}` }}>
        <p role="status">{t('map.loading')}</p>
      </div>
    );
  }

  const { path, project, jjj, context } = layout;
  const label = ariaLabel ?? t('map.aria');

  const cityPoints = showCities
    ? cities
        .map((c) => {
          const xy = project(c.lon, c.lat);
          if (!xy) return null;
          const centre = c.id === highlightId;
          const pop = c.population_m ?? 3;
          const r = centre ? 7 : Math.max(3, Math.min(6, 2 + Math.sqrt(pop) * 0.9));
          return { city: c, x: xy[0], y: xy[1], r, centre };
        })
        .filter((p): p is NonNullable<typeof p> => p !== null)
        .filter((p) => p.x >= -20 && p.x <= width + 20 && p.y >= -20 && p.y <= height + 20)
        // Centre first so its label gets the best spot.
        // then the most populous, so that crowded small places are the ones left unlabelled.
        .sort((a, b) => Number(b.centre) - Number(a.centre) || (b.city.population_m ?? 0) - (a.city.population_m ?? 0))
    : [];

  const extraPoints = markers
    .map((m) => {
      const xy = project(m.lon, m.lat);
      return xy ? { m, x: xy[0], y: xy[1], r: m.radius ?? 4 } : null;
    })
    .filter((p): p is NonNullable<typeof p> => p !== null);

  const cityLabels = cityPoints.map((p) => ({
    x: p.x,
    y: p.y,
    r: p.r,
    label: lang === 'zh' ? p.city.name_zh : p.city.name_en,
    size: p.centre ? 19 : 16,
  }));
  const markerLabels = extraPoints.map((p) => ({ x: p.x, y: p.y, r: p.r, label: text(lang, p.m.label), size: 13 }));
  // placed[i]: the cities' labels, then the markers'. The order of placement decides who wins a spot.
  let placed: (PlacedLabel | null)[];
  if (markerLabelsFirst) {
    const centres = cityPoints.filter((p) => p.centre).length; // sorted first
    const order = placeLabels([...cityLabels.slice(0, centres), ...markerLabels, ...cityLabels.slice(centres)], width, height);
    placed = [
      ...order.slice(0, centres),
      ...order.slice(centres + markerLabels.length),
      ...order.slice(centres, centres + markerLabels.length),
    ];
  } else {
    placed = placeLabels([...cityLabels, ...markerLabels], width, height);
  }

  const featureName = (f: BoundaryFeature) =>
    lang === 'zh' ? f.properties?.name_zh ?? f.properties?.id : f.properties?.name_en ?? f.properties?.id;

  const centreCity = highlightId ? cities.find((c) => c.id === highlightId) : undefined;
  const interactive = Boolean(onFeatureClick || onMarkerClick);

  return (
    <figure className={`region-map ${className ?? ''}`} data-testid="region-map" data-lang={lang}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role={interactive ? 'group' : 'img'}
        aria-labelledby={titleId}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={titleId}>{label}</title>
        <defs>
          <clipPath id={clipId}>
            <rect x={0} y={0} width={width} height={height} />
          </clipPath>
        </defs>
        <rect className="map-sea" x={0} y={0} width={width} height={height} />
        <g clipPath={`url(#${clipId})`}>
          <g className="map-context">
            {context.map((f, i) => {
              const d = path(f);
              if (!d) return null;
              return (
                <path key={f.properties?.id ?? `ctx-${i}`} d={d} className="map-province" data-testid={`map-feature-${f.properties?.id}`}>
                  <title>{featureName(f)}</title>
                </path>
              );
            })}
            {context.map((f, i) => {
              const [cx, cy] = path.centroid(f);
              if (!Number.isFinite(cx) || !Number.isFinite(cy) || cx < 20 || cx > width - 20 || cy < 20 || cy > height - 20)
                return null;
              return (
                <text key={`ctx-label-${f.properties?.id ?? i}`} x={cx} y={cy} className="map-province-label" textAnchor="middle">
                  {featureName(f)}
                </text>
              );
            })}
          </g>
          <g className="map-jjj">
            {jjj.map((f, i) => {
              const d = path(f);
              if (!d) return null;
              const id = f.properties?.id ?? `f-${i}`;
              const isCentre = id === highlightId;
              const fill = featureColors?.[id];
              const click = onFeatureClick ? () => onFeatureClick(id) : undefined;
              return (
                <path
                  key={id}
                  d={d}
                  className={`map-feature${isCentre ? ' map-feature-centre' : ''}${click ? ' map-clickable' : ''}`}
                  style={fill ? { fill } : undefined}
                  data-testid={`map-feature-${id}`}
                  tabIndex={click ? 0 : undefined}
                  role={click ? 'button' : undefined}
                  aria-label={click ? featureName(f) : undefined}
                  onClick={click}
                  onKeyDown={onActivate(click)}
                >
                  <title>{featureName(f)}</title>
                </path>
              );
            })}
          </g>
          <g className="map-lines">
            {lines.map((l) => {
              const d = path({ type: 'LineString', coordinates: l.coordinates });
              if (!d) return null;
              return (
                <path
                  key={l.id}
                  d={d}
                  className="map-line"
                  data-testid={`map-line-${l.id}`}
                  stroke={l.color ?? '#1f4e79'}
                  strokeWidth={l.width ?? 2}
                  strokeDasharray={l.dashed ? '6 4' : undefined}
                  fill="none"
                >
                  {l.title ? <title>{text(lang, l.title)}</title> : null}
                </path>
              );
            })}
          </g>
          <g className="map-cities">
            {cityPoints.map((p) => {
              const name = lang === 'zh' ? p.city.name_zh : p.city.name_en;
              const click = onMarkerClick ? () => onMarkerClick(p.city.id) : undefined;
              return (
                <g
                  key={p.city.id}
                  transform={`translate(${p.x},${p.y})`}
                  className={`map-city${p.centre ? ' map-city-centre' : ''}${click ? ' map-clickable' : ''}`}
                  data-testid={`map-city-${p.city.id}`}
                  tabIndex={click ? 0 : undefined}
                  role={click ? 'button' : undefined}
                  aria-label={click ? name : undefined}
                  onClick={click}
                  onKeyDown={onActivate(click)}
                >
                  <title>{p.centre ? `${name}（${t('map.centre')}）` : name}</title>
                  {p.centre ? <circle r={p.r + 5} className="map-city-ring" /> : null}
                  <circle r={p.r} className="map-city-dot" />
                </g>
              );
            })}
          </g>
          <g className="map-markers">
            {extraPoints.map((p) => {
              const click = onMarkerClick ? () => onMarkerClick(p.m.id) : undefined;
              const name = text(lang, p.m.title ?? p.m.label);
              return (
                <g
                  key={p.m.id}
                  transform={`translate(${p.x},${p.y})`}
                  className={`map-marker${click ? ' map-clickable' : ''}`}
                  data-testid={p.m.testId ?? `map-marker-${p.m.id}`}
                  tabIndex={click ? 0 : undefined}
                  role={click ? 'button' : undefined}
                  aria-label={click ? name : undefined}
                  onClick={click}
                  onKeyDown={onActivate(click)}
                >
                  {name ? <title>{name}</title> : null}
                  <MarkerShape shape={p.m.shape} r={p.r} color={p.m.color ?? '#1f4e79'} cls="map-marker-shape" />
                </g>
              );
            })}
          </g>
          <g className="map-labels" aria-hidden="true">
            {cityPoints.map((p, i) => {
              const pl = placed[i];
              if (!pl) return null;
              return (
                <text
                  key={`l-${p.city.id}`}
                  x={pl.x}
                  y={pl.y}
                  textAnchor={pl.anchor}
                  className={`map-label${p.centre ? ' map-label-centre' : ''}`}
                >
                  {lang === 'zh' ? p.city.name_zh : p.city.name_en}
                </text>
              );
            })}
            {extraPoints.map((p, i) => {
              const pl = placed[cityPoints.length + i];
              const lbl = text(lang, p.m.label);
              if (!pl || !lbl) return null;
              return (
                <text key={`ml-${p.m.id}`} x={pl.x} y={pl.y} textAnchor={pl.anchor} className="map-label map-label-marker">
                  {lbl}
                </text>
              );
            })}
          </g>
        </g>
      </svg>
      {showLegend ? (
        <ul className="map-legend">
          {centreCity ? (
            <li>
              <span className="legend-swatch legend-centre" aria-hidden="true" />{' '}
              {t('map.legend.centre', { name: lang === 'zh' ? centreCity.name_zh : centreCity.name_en })}
            </li>
          ) : null}
          <li>
            <span className="legend-swatch legend-city" aria-hidden="true" /> {t('map.legend.city')}
          </li>
          {context.length > 0 ? (
            <li>
              <span className="legend-swatch legend-context" aria-hidden="true" /> {t('map.legend.context')}
            </li>
          ) : null}
        </ul>
      ) : null}
      {failed ? <p className="map-note">{t('error.network')}</p> : null}
    </figure>
  );
}
