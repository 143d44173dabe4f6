/**
 * Public face of the transit routing engine (pure: plain data in, plain data out).
 *
 *   const net = buildNetwork([subway, lirr], { walkRadius: 500 });
 *   const tt = buildTimetable(net, '2026-10-14');
 *   const journeys = departAfter(tt, { stop: findStop(net, 'subway:127')! }, { lat: 40.75, lon: -73.99 }, 8 * 3600);
 */
export { buildNetwork, findStop, stopsOf, stopsNear, activeServices, ruleFor, transferRequirement, NO_RULE, FORBIDDEN } from './network.ts';
export type { Network, NetworkOptions, NetworkStats, TransferRule } from './network.ts';
export { buildTimetable, reverseTimetable } from './timetable.ts';
export type { Timetable, TimetableStats } from './timetable.ts';
export { departAfter, arriveBy, departureRange, routerFor, stopRef } from './plan.ts';
export type { Place, PlanOptions, Journey, Leg, TransitLeg, WalkLeg, StopRef, PointRef, LegPlace } from './plan.ts';
export { Raptor } from './raptor.ts';
export type { Source, Target, SearchOptions, Segment, RawJourney } from './raptor.ts';
export { MODE, MODE_NAMES, basicMode, modeMask } from './modes.ts';
export type { ModeName } from './modes.ts';
export { haversine, walkSeconds, parseClock, formatClock, normalizeDate, addDays, weekday, DEFAULT_WALK, INF } from './util.ts';
export type { WalkModel } from './util.ts';
