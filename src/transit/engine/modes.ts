/**
 * GTFS route types → basic modes. Basic route types 0–12 map to themselves; the extended types
 * (Google's "Extended GTFS Route Types", 100–1700) map to the nearest basic type. Types with no basic
 * counterpart (air 1100, taxi 1500, miscellaneous 1700, unknown values) map to OTHER.
 */

export const MODE = {
  tram: 0,
  subway: 1,
  rail: 2,
  bus: 3,
  ferry: 4,
  cableTram: 5,
  aerialLift: 6,
  funicular: 7,
  trolleybus: 11,
  monorail: 12,
  other: 13,
} as const;

export type ModeName = keyof typeof MODE;

export const MODE_NAMES: Record<number, ModeName> = Object.fromEntries(Object.entries(MODE).map(([k, v]) => [v, k as ModeName]));

/** Basic mode (0–7, 11, 12, or 13 = other) of a basic or extended GTFS route_type. */
export function basicMode(routeType: number): number {
  if (routeType >= 0 && routeType <= 7) return routeType;
  if (routeType === 11 || routeType === 12) return routeType;
  if (routeType >= 100 && routeType < 200) return MODE.rail; // railway services
  if (routeType >= 200 && routeType < 300) return MODE.bus; // coach services
  if (routeType >= 300 && routeType < 400) return MODE.rail; // suburban railway (legacy range)
  if (routeType === 405) return MODE.monorail;
  if (routeType >= 400 && routeType < 500) return MODE.subway; // urban railway, metro, underground
  if (routeType >= 500 && routeType < 700) return MODE.subway; // metro / underground (legacy ranges)
  if (routeType >= 700 && routeType < 800) return MODE.bus;
  if (routeType >= 800 && routeType < 900) return MODE.trolleybus;
  if (routeType >= 900 && routeType < 1000) return MODE.tram;
  if (routeType >= 1000 && routeType < 1100) return MODE.ferry; // water transport
  if (routeType >= 1200 && routeType < 1300) return MODE.ferry;
  if (routeType >= 1300 && routeType < 1400) return MODE.aerialLift;
  if (routeType >= 1400 && routeType < 1500) return MODE.funicular;
  return MODE.other;
}

/**
 * A set of modes as a bit mask (bit = basic mode). Accepts basic or extended route types and mode names;
 * null/undefined/empty means every mode.
 */
export function modeMask(modes: readonly (number | string)[] | null | undefined): number {
  if (!modes || modes.length === 0) return 0x3fff;
  let mask = 0;
  for (const m of modes) {
    const v = typeof m === 'number' ? basicMode(m) : MODE[m as ModeName];
    if (v === undefined) throw new Error(`unknown mode ${String(m)}`);
    mask |= 1 << v;
  }
  return mask;
}
