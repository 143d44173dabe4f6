/**
 * Feasibility check of a planned journey against the reference model (reference.ts), independent of the
 * engine: every transit leg is a real run of a trip on the date (or the previous service day) with the
 * stated times, boarding/alighting allowed there; every change respects the change time, footpath or
 * trip/route rule; walks are real footpaths or access/egress walks, never chained.
 */
import type { Journey, TransitLeg } from '../../../src/transit/engine/index.ts';
import type { Reference } from './reference.ts';

export type Endpoint = { ids: string[] } | { lat: number; lon: number; radius: number };

const R_EARTH = 6_371_008.8;
function dist(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * R_EARTH * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Problems found (empty when the journey is feasible). */
export function checkJourney(ref: Reference, j: Journey, from: Endpoint, to: Endpoint, time: number, arriveBy = false): string[] {
  const out: string[] = [];
  const legs = j.legs;
  const stopNo = (id: string | null) => (id === null ? -1 : (ref.stopById.get(id) ?? -2));
  const originStops = 'ids' in from ? new Set(from.ids.flatMap((id) => ref.expand(id))) : null;
  const destStops = 'ids' in to ? new Set(to.ids.flatMap((id) => ref.expand(id))) : null;
  if (!arriveBy && j.departure < time) out.push(`departs ${j.departure} before ${time}`);
  if (arriveBy && j.arrival > time) out.push(`arrives ${j.arrival} after ${time}`);
  if (legs.length === 0) {
    if (!originStops || !destStops || ![...originStops].some((s) => destStops.has(s))) out.push('no legs but origin ≠ destination');
    return out;
  }
  // (range results may leave the origin earlier than the first leg starts: waiting at the window's end)
  if (j.departure > legs[0]!.departure || j.arrival !== legs[legs.length - 1]!.arrival) out.push('journey times differ from its legs');
  const transit = legs.filter((l): l is TransitLeg => l.kind === 'transit');
  if (j.transfers !== Math.max(0, transit.length - 1)) out.push(`transfers ${j.transfers} for ${transit.length} transit legs`);
  for (let i = 0; i < legs.length; i++) {
    const l = legs[i]!;
    if (l.arrival < l.departure) out.push(`leg ${i} ends before it starts`);
    if (i > 0 && l.departure < legs[i - 1]!.arrival) out.push(`leg ${i} departs ${l.departure} before the previous arrival ${legs[i - 1]!.arrival}`);
    if (i > 0 && l.kind === 'walk' && legs[i - 1]!.kind === 'walk') out.push(`chained walks at leg ${i}`);
    if (l.kind === 'walk' && l.arrival - l.departure !== l.duration) out.push(`walk ${i} duration`);
  }
  // transit legs are real runs
  const rows = new Map<TransitLeg, { from: number; to: number }>();
  for (const l of transit) {
    const run = ref.run(l.trip.id, l.trip.serviceDay, l.trip.frequencyStart);
    if (!run) {
      out.push(`trip ${l.trip.id} (day ${l.trip.serviceDay}, start ${l.trip.frequencyStart}) does not run on ${ref.date}`);
      continue;
    }
    const a = stopNo(l.from.id);
    const b = stopNo(l.to.id);
    let fi = -1;
    for (let k = 0; k < run.length; k++) if (run[k]!.stop === a && run[k]!.dep === l.departure) fi = k;
    let ti = -1;
    for (let k = run.length - 1; k > fi && fi >= 0; k--) if (run[k]!.stop === b && run[k]!.arr === l.arrival) ti = k;
    if (fi < 0 || ti < 0) {
      out.push(`trip ${l.trip.id} has no ride ${l.from.id}@${l.departure} → ${l.to.id}@${l.arrival}`);
      continue;
    }
    rows.set(l, { from: fi, to: ti });
    if (l.entry !== 'in-seat' && !run[fi]!.pick) out.push(`no pickup on ${l.trip.id} at ${l.from.id}`);
    if (l.intermediateStops.length !== ti - fi - 1) out.push(`intermediate stops of ${l.trip.id}`);
    else
      l.intermediateStops.forEach((s, k) => {
        const r = run[fi + 1 + k]!;
        if (stopNo(s.stop.id) !== r.stop || s.arrival !== r.arr || s.departure !== r.dep) out.push(`intermediate stop ${k} of ${l.trip.id}`);
      });
  }
  // drop-off (unless continuing in seat)
  transit.forEach((l, k) => {
    const r = rows.get(l);
    if (!r) return;
    const run = ref.run(l.trip.id, l.trip.serviceDay, l.trip.frequencyStart)!;
    const next = transit[k + 1];
    if (!run[r.to]!.drop && !(next && next.entry === 'in-seat')) out.push(`no drop-off on ${l.trip.id} at ${l.to.id}`);
  });
  // changes
  for (let k = 1; k < transit.length; k++) {
    const A = transit[k - 1]!;
    const B = transit[k]!;
    const ia = legs.indexOf(A);
    const ib = legs.indexOf(B);
    const between = legs.slice(ia + 1, ib);
    const q = stopNo(A.to.id);
    const p = stopNo(B.from.id);
    const ta = ref.tripNo(A.trip.id);
    const tb = ref.tripNo(B.trip.id);
    let need = ref.need(ta, q, tb, p);
    const sameDayRule = !need.rule || need.rule.fromTrip < 0 || need.rule.toTrip < 0 || A.trip.frequencyStart !== null || B.trip.frequencyStart !== null || A.trip.serviceDay === B.trip.serviceDay;
    if (!sameDayRule) need = { seconds: ref.normal(q, p), inSeat: false, rule: null };
    if (need.seconds < 0) out.push(`change ${A.trip.id}@${A.to.id} → ${B.trip.id}@${B.from.id} is not possible`);
    else if (B.departure < A.arrival + need.seconds) out.push(`change ${A.trip.id}@${A.to.id} → ${B.trip.id}@${B.from.id} needs ${need.seconds}s, has ${B.departure - A.arrival}s`);
    if (B.entry === 'in-seat' && !need.inSeat) out.push(`in-seat entry without an in-seat rule`);
    if (between.length > 1) out.push('more than one leg between transit legs');
    const w = between[0];
    if (w && w.kind === 'walk') {
      if (stopNo(w.from.id) !== q || stopNo(w.to.id) !== p) out.push('walk between legs does not join them');
      const fp = ref.normal(q, p);
      if (q === p || fp < 0 || fp !== w.duration) out.push(`walk ${A.to.id} → ${B.from.id} of ${w.duration}s is no footpath (${fp})`);
    } else if (q !== p && !need.rule) out.push(`change between different stops ${A.to.id} → ${B.from.id} without walk`);
  }
  // ends
  const first = legs[0]!;
  const last = legs[legs.length - 1]!;
  if (first.kind === 'transit') {
    if (!originStops || !originStops.has(stopNo(first.from.id))) out.push(`first leg starts at ${first.from.id}, not at the origin`);
  } else if (originStops) {
    const a = stopNo(first.from.id);
    const b = first.to.id === null ? -1 : stopNo(first.to.id);
    if (!originStops.has(a)) out.push('first walk does not start at the origin');
    else if (b >= 0 && ref.normal(a, b) !== first.duration && !(legs.length === 1 && destStops?.has(b) && a === b)) out.push(`first walk ${first.from.id} → ${first.to.id} is no footpath`);
  } else if (!('ids' in from)) {
    const d = dist(from.lat, from.lon, first.from.lat, first.from.lon);
    if (d > 1e-6) out.push('first walk does not start at the origin coordinate');
    const len = dist(first.from.lat, first.from.lon, first.to.lat, first.to.lon);
    if (len > from.radius + 1e-6 || Math.ceil((len * 1.3) / 1.2) !== first.duration) out.push('access walk');
  }
  if (last.kind === 'transit') {
    if (!destStops || !destStops.has(stopNo(last.to.id))) out.push(`last leg ends at ${last.to.id}, not at the destination`);
  } else if (destStops) {
    const b = stopNo(last.to.id);
    const a = stopNo(last.from.id);
    if (!destStops.has(b)) out.push('last walk does not end at the destination');
    else if (a !== b && ref.normal(a, b) !== last.duration && !(legs.length === 1 && originStops?.has(a))) out.push(`last walk ${last.from.id} → ${last.to.id} is no footpath`);
  } else if (!('ids' in to)) {
    const d = dist(to.lat, to.lon, last.to.lat, last.to.lon);
    if (d > 1e-6) out.push('last walk does not end at the destination coordinate');
    const len = dist(last.from.lat, last.from.lon, last.to.lat, last.to.lon);
    if (len > to.radius + 1e-6 || Math.ceil((len * 1.3) / 1.2) !== last.duration) out.push('egress walk');
  }
  return out;
}
