// Reference lists (cities, categories, departments) change rarely: fetch each once per page load and share.
import { useEffect, useState } from 'react';
import { apiRequest } from '../api/client';
import type { City, ListResponse, NamedItem } from '../api/types';
import type { Localized } from '../i18n/i18n';

const cache = new Map<string, Promise<unknown[]>>();

function loadList<T>(path: string): Promise<T[]> {
  let p = cache.get(path);
  if (!p) {
    p = apiRequest<ListResponse<T>>(path).then((r) => r.items);
    // A failed load should be retried next time, not cached forever.
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p as Promise<T[]>;
}

function useList<T>(path: string): T[] | null {
  const [items, setItems] = useState<T[] | null>(null);
  useEffect(() => {
    let live = true;
    loadList<T>(path)
      .then((list) => {
        if (live) setItems(list);
      })
      .catch(() => {
        if (live) setItems([]);
      });
    return () => {
      live = false;
    };
  }, [path]);
  return items;
}

export const useCities = (): City[] | null => useList<City>('/api/geo/cities');
export const useCategories = (): NamedItem[] | null => useList<NamedItem>('/api/plan/categories');
export const useDepartments = (): NamedItem[] | null => useList<NamedItem>('/api/plan/departments');

export function loadCities(): Promise<City[]> {
  return loadList<City>('/api/geo/cities');
}

export function cityName(city: City): Localized {
  return { zh: city.name_zh, en: city.name_en };
}

/** Looks up a display name by id; unknown ids are shown as they are rather than hidden. */
export function nameOf(list: NamedItem[] | null, id: string | null | undefined): Localized {
  if (!id) return { zh: '', en: '' };
  const hit = list?.find((x) => x.id === id);
  return hit ? hit.name : { zh: id, en: id };
}

export function cityNameOf(list: City[] | null, id: string | null | undefined): Localized {
  if (!id) return { zh: '', en: '' };
  const hit = list?.find((c) => c.id === id);
  return hit ? cityName(hit) : { zh: id, en: id };
}
