/**
 * Status lights of key projects from schedule slippage. Pure: the caller passes the evaluation date.
 *
 * Planned progress at a date = weight of milestones planned on or before it / weight of all planned
 * milestones; actual progress = weight of those done on or before it / the same total. The gap in
 * percentage points decides the colour. All comparisons are in integers (weights are whole numbers,
 * thresholds are compared as gap·100 against threshold·total), so no rounding ever flips a colour.
 */
export type LightRule = {
  /** Yellow from this many percentage points behind plan (inclusive). */
  yellowFromPoints: number;
  /** Red when more than this many points behind. */
  redAbovePoints: number;
  /** Red after this many consecutive evaluations at yellow or worse (2 = "two yellows in a row"). */
  consecutiveYellowsForRed: number;
  /** Evaluations happen at each month end and at the date asked. */
  evaluationPeriod: 'month';
};

export type ScheduledMilestone = { plannedDate: string | null; doneDate: string | null; weight: number };

export type LightColor = 'green' | 'yellow' | 'red' | 'none';

export type LightResult = {
  color: LightColor;
  /** Percentage points behind plan at the evaluation date (rounded to 0.1 for display only). */
  behindPoints: number | null;
  plannedPct: number | null;
  actualPct: number | null;
  reason: { zh: string; en: string };
};

type Progress = { plannedW: number; doneW: number; totalW: number };

export function progressAt(milestones: readonly ScheduledMilestone[], date: string): Progress | null {
  let plannedW = 0;
  let doneW = 0;
  let totalW = 0;
  for (const m of milestones) {
    if (!m.plannedDate) continue;
    const w = m.weight;
    totalW += w;
    if (m.plannedDate <= date) plannedW += w;
    if (m.doneDate && m.doneDate <= date) doneW += w;
  }
  return totalW > 0 ? { plannedW, doneW, totalW } : null;
}

/** Colour from the gap alone: compares (planned − done)·100 with threshold·total in integers. */
function gapColor(p: Progress, rule: LightRule): 'green' | 'yellow' | 'red' {
  const gap100 = (p.plannedW - p.doneW) * 100;
  if (gap100 > rule.redAbovePoints * p.totalW) return 'red';
  if (gap100 >= rule.yellowFromPoints * p.totalW) return 'yellow';
  return 'green';
}

/** The month end before `date`'s month: the evaluation preceding one made on `date` (YYYY-MM-DD). */
export function previousCheckpoint(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  // Day 0 of a month is the last day of the month before it (months are 0-based in Date.UTC).
  return new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function evaluateLight(milestones: readonly ScheduledMilestone[], asOf: string, rule: LightRule): LightResult {
  const now = progressAt(milestones, asOf);
  if (!now) {
    return {
      color: 'none',
      behindPoints: null,
      plannedPct: null,
      actualPct: null,
      reason: { zh: '尚无带计划日期的里程碑，无法评价进度', en: 'No milestone with a planned date yet: progress cannot be judged' },
    };
  }
  const plannedPct = round1((now.plannedW * 100) / now.totalW);
  const actualPct = round1((now.doneW * 100) / now.totalW);
  const behindPoints = round1(((now.plannedW - now.doneW) * 100) / now.totalW);
  const base = { behindPoints, plannedPct, actualPct };
  const color = gapColor(now, rule);
  if (color === 'red') {
    return { ...base, color, reason: { zh: `落后计划 ${behindPoints} 个百分点，超过 ${rule.redAbovePoints}`, en: `${behindPoints} points behind plan, beyond ${rule.redAbovePoints}` } };
  }
  if (color === 'yellow') {
    // Count the evaluations in a row, ending now, that were yellow or worse.
    let streak = 1;
    let checkpoint = asOf;
    while (streak < rule.consecutiveYellowsForRed) {
      checkpoint = previousCheckpoint(checkpoint);
      const p = progressAt(milestones, checkpoint);
      if (!p || gapColor(p, rule) === 'green') break;
      streak++;
    }
    if (streak >= rule.consecutiveYellowsForRed) {
      return {
        ...base,
        color: 'red',
        reason: {
          zh: `连续 ${streak} 次评价落后计划 ${rule.yellowFromPoints} 个百分点以上（当前 ${behindPoints}）`,
          en: `${streak} evaluations in a row at least ${rule.yellowFromPoints} points behind plan (now ${behindPoints})`,
        },
      };
    }
    return { ...base, color, reason: { zh: `落后计划 ${behindPoints} 个百分点`, en: `${behindPoints} points behind plan` } };
  }
  return {
    ...base,
    color,
    reason:
      behindPoints > 0
        ? { zh: `落后计划 ${behindPoints} 个百分点，在容许范围内`, en: `${behindPoints} points behind plan, within tolerance` }
        : { zh: '按计划推进', en: 'On schedule' },
  };
}
