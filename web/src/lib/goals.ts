import { useEffect, useState } from 'react';
import { ApiError, apiRequest } from '../api/client';
import type { Goal, ListResponse, Pillar } from '../api/types';
import { useSettings } from './settings';

export interface PlanTree {
  pillars: { pillar: Pillar; goals: Goal[] }[];
}

const byOrder = <T extends { order: number }>(a: T, b: T) => a.order - b.order;

/** Pillars with their goals (one request per pillar, in parallel), sorted by their order. */
export function usePlanTree(): { tree: PlanTree | null; error: ApiError | null; loading: boolean; reload: () => void } {
  const { lang, token } = useSettings();
  const [tree, setTree] = useState<PlanTree | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    (async () => {
      const pillars = (await apiRequest<ListResponse<Pillar>>('/api/plan/pillars', { signal: ctrl.signal })).items;
      const goals = await Promise.all(
        pillars.map((p) =>
          apiRequest<ListResponse<Goal>>('/api/plan/goals', { query: { pillar: p.id }, signal: ctrl.signal }).then(
            (r) => r.items,
          ),
        ),
      );
      return {
        pillars: pillars
          .map((pillar, i) => ({
            pillar,
            goals: (goals[i] ?? [])
              .map((g) => ({ ...g, indicators: [...(g.indicators ?? [])].sort(byOrder) }))
              .sort(byOrder),
          }))
          .sort((a, b) => byOrder(a.pillar, b.pillar)),
      };
    })()
      .then((t) => {
        if (ctrl.signal.aborted) return;
        setTree(t);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(err instanceof ApiError ? err : new ApiError(0, null, String(err)));
        setLoading(false);
      });
    return () => ctrl.abort();
  }, [lang, token, tick]);

  return { tree, error, loading, reload: () => setTick((n) => n + 1) };
}
