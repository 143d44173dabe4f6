import type { Localized } from '../i18n/i18n';

export type Role = 'admin' | 'editor' | 'viewer';

export type Me =
  | { authenticated: false }
  | {
      authenticated: true;
      role: Role;
      scope: { cityId: string | null; departmentId: string | null };
      tokenId: string;
      label: string | null;
    };

export interface Pillar {
  id: string;
  order: number;
  name: Localized;
  summary: Localized;
}

export type Direction = 'increase' | 'decrease' | 'maintain' | 'achieve';

export interface Indicator {
  id: string;
  goalId: string;
  order: number;
  name: Localized;
  unit: Localized;
  target: number | null;
  targetText: Localized | null;
  direction: Direction;
  engine: string;
  value: number | null;
  measuredAt: string | null;
}

export interface Goal {
  id: string;
  pillarId: string;
  order: number;
  name: Localized;
  description: Localized;
  sourceQuote: string | null;
  indicators: Indicator[];
}

export interface NamedItem {
  id: string;
  name: Localized;
}

export const PROJECT_STATUSES = ['not_started', 'on_track', 'at_risk', 'off_track', 'done'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const LIGHT_COLORS = ['green', 'yellow', 'red', 'none'] as const;
export type LightColor = (typeof LIGHT_COLORS)[number];

export interface Light {
  color: LightColor;
  behindPoints: number | null;
  plannedPct: number | null;
  actualPct: number | null;
  reason: Localized;
}

export interface Milestone {
  id: string;
  order: number;
  name: Localized;
  plannedDate: string | null;
  doneDate: string | null;
  weight: number;
}

export interface Project {
  id: string;
  /** Numbering in the plan (e.g. "3.5"); null for projects named only in its prose. */
  number: string | null;
  name: Localized;
  description: Localized;
  category: string;
  cityId: string;
  ownerDepartment: string;
  status: ProjectStatus;
  light: Light;
  milestones: Milestone[];
  note: string | null;
  version: number;
  updatedAt: string;
}

/**
 * The milestone shape sent in PATCH: the list replaces the project's milestones, every item needs an id,
 * and the position in the list is the order (the server numbers them 1, 2, … when order is omitted).
 */
export interface MilestoneInput {
  id: string;
  name: Localized;
  plannedDate: string | null;
  doneDate: string | null;
  weight?: number;
}

export interface ProjectPatch {
  version: number;
  status?: ProjectStatus;
  milestones?: MilestoneInput[];
}

export interface City {
  id: string;
  name_zh: string;
  name_en: string;
  lat: number;
  lon: number;
  population_m: number | null;
  province: string;
}

export interface BoundaryProperties {
  id: string;
  name_zh: string;
  name_en: string;
  level: 'city' | 'province';
  province: string;
}

export type AuditAction = 'create' | 'update' | 'delete';

export interface AuditEntry {
  id: string | number;
  at: string;
  actor: { tokenId: string | null; label: string | null; role: Role | string | null };
  action: AuditAction;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface ListResponse<T> {
  items: T[];
  total?: number;
}

// Transit (GET /api/transit/stops, GET /api/transit/plan). Names come from the feeds as they are (Chinese);
// stop search also gives translations (en, zh-Latn-pinyin) from the feeds' translations.txt.

export interface TransitStop {
  /** feedId:stopId */
  id: string;
  feedId: string;
  name: string;
  /** By BCP 47 language tag: en, zh-Latn-pinyin, … */
  names: Record<string, string>;
  lat: number;
  lon: number;
  locationType: number;
  score: number;
}

export interface PlanPlace {
  id: string | null;
  name: string | null;
  lat: number;
  lon: number;
}

export interface PlanStopCall extends PlanPlace {
  arrival: string;
  departure: string;
}

export interface PlanLeg {
  /** "WALK" for walking legs; otherwise the basic mode name (rail, subway, bus, tram, …). */
  mode: string;
  routeType?: number;
  route?: { id: string; shortName: string; longName: string; color: string | null };
  trip?: { id: string; headsign: string | null; shortName: string | null; serviceDay: number };
  entry?: string;
  from: PlanPlace;
  to: PlanPlace;
  /** Service time HH:MM:SS (may pass 24:00:00). */
  departure: string;
  arrival: string;
  /** ISO 8601 with offset. */
  departureAt: string;
  arrivalAt: string;
  /** Seconds. */
  duration: number;
  /** Metres (walking legs). */
  distance?: number;
  intermediateStops?: PlanStopCall[];
}

export interface Itinerary {
  departure: string;
  arrival: string;
  departureAt: string;
  arrivalAt: string;
  duration: number;
  transfers: number;
  legs: PlanLeg[];
}

export interface PlanResult {
  query: Record<string, unknown>;
  itineraries: Itinerary[];
  notices: Localized[];
}
