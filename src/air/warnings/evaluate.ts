import fs from 'node:fs';
import { fieldError } from '../../platform/errors.ts';
import { dateInZone } from '../../platform/time.ts';
import type { AirAqi } from '../air.aqi.ts';
import { evaluateWarning, type WarningResult } from './engine.ts';
import { parseWarningRules, ruleSetFor, type RuleSet, type WarningRules } from './rules.ts';

export function loadWarningRules(file: string): WarningRules {
  return parseWarningRules(JSON.parse(fs.readFileSync(file, 'utf8')));
}


/** Every version of a rule set, oldest first; 400 naming `ruleSet` when there is none. */
export function ruleSetVersions(rules: WarningRules, id: string): RuleSet[] {
  const versions = rules.ruleSets.filter((r) => r.id === id).sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  if (!versions.length) throw fieldError('ruleSet', `未知的规则集：${id}`, `unknown rule set: ${id}`);
  return versions;
}

/**
 * The warning level a rule set gives a city at an instant: hourly city AQI of the four days before it
 * (stored observations, mean of the stations' concentrations, then IAQI), rolling 24-h means across
 * days, and forecast daily AQI for the days after.
 */
export async function evaluateCityWarning(
  aqi: AirAqi,
  rules: WarningRules,
  q: { city: string; ruleSet: string; at: string; forecast: { date: string; aqi: number }[] },
): Promise<WarningResult & { hours: number; ruleSetInForce: boolean }> {
  const atMs = Date.parse(q.at);
  const local = (ms: number) => dateInZone(ms, 'Asia/Shanghai');
  // A rule set evaluated before it took effect (e.g. the 2018 rules on a 2016 episode) is allowed for
  // analysis and said so in the answer.
  const versions = ruleSetVersions(rules, q.ruleSet);
  const inForce = ruleSetFor(rules, q.ruleSet, local(atMs));
  const rs = inForce ?? versions[0]!;
  // The day of the hour ending at `at` (an hour ending at 00:00 belongs to the day before), and the three before it.
  const days = [3, 2, 1, 0].map((k) => local(atMs - 3600_000 - k * 86400_000));
  const values = await aqi.cityHourlyAqi(q.city, days[0]!, days.length);
  // Hours end at 01:00 … 24:00 of each day: keep those ending no later than `at`.
  const first = Date.parse(`${days[0]}T01:00:00+08:00`);
  const upTo = Math.max(0, Math.min(values.length, Math.floor((atMs - first) / 3600_000) + 1));
  const series = values.slice(0, upTo);
  const result = evaluateWarning(
    { hourly: { kind: 'aqi', start: `${days[0]}T01:00+08:00`, values: series, observedHours: series.length }, dailyForecast: q.forecast },
    rs,
    { at: q.at, hourLabel: 'end' },
  );
  return { ...result, hours: series.filter((v) => v !== null).length, ruleSetInForce: inForce !== undefined };
}
