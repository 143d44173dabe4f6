import { apiRequest, type ApiError } from '../api/client';
import type { Goal, ListResponse, Pillar } from '../api/types';
import { useAsync } from './useApi';

export interface PlanTree {
  pillars: { pillar: Pillar; goals: Goal[] }[];
}

const byOrder = <T extends { order: number }>(a: T, b: T) => a.order - b.order;

async function loadTree(signal: AbortSignal): Promise<PlanTree> {
  const [pillars, goals] = await Promise.all([
    apiRequest<ListResponse<Pillar>>('/api/plan/pillars', { signal }).then((r) => r.items),
    apiRequest<ListResponse<Goal>>('/api/plan/goals', { signal }).then((r) => r.items),
  ]);
  return {
    pillars: [...pillars].sort(byOrder).map((pillar) => ({
      pillar,
      goals: goals
        .filter((g) => g.pillarId === pillar.id)
        .map((g) => ({ ...g, indicators: [...(g.indicators ?? [])].sort(byOrder) }))
        .sort(byOrder),
    })),
  };
}

/** Pillars with their goals, sorted by their order. */
export function usePlanTree(): { tree: PlanTree | null; error: ApiError | null; loading: boolean; reload: () => void } {
  const s = useAsync(loadTree, 'plan-tree');
  return { tree: s.data, error: s.error, loading: s.loading, reload: s.reload };
}
