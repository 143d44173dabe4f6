import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiRequest, type RequestOptions } from '../api/client';
import { useSettings } from './settings';

export interface ApiState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  /** Replace the data locally, e.g. with the object a PATCH returned. */
  setData: (data: T) => void;
}

/**
 * Runs `load` and keeps its answer. Runs again when `key`, the token or the language changes
 * (language so that any error message is shown in the language the user now reads), or on reload().
 * A `load` of null skips the request.
 */
export function useAsync<T>(load: ((signal: AbortSignal) => Promise<T>) | null, key: string): ApiState<T> {
  const { lang, token } = useSettings();
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState<boolean>(load !== null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const skip = load === null;

  useEffect(() => {
    const run = loadRef.current;
    if (skip || !run) {
      setLoading(false);
      return;
    }
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    run(ctrl.signal)
      .then((d) => {
        if (ctrl.signal.aborted) return;
        setDataState(d);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(err instanceof ApiError ? err : new ApiError(0, null, String(err)));
        setLoading(false);
      });
    return () => ctrl.abort();
  }, [key, skip, lang, token, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((d: T) => setDataState(d), []);
  return { data, error, loading, reload, setData };
}

/** GET a path and keep the answer (see useAsync). Pass path = null to skip the request. */
export function useApi<T>(path: string | null, query?: RequestOptions['query']): ApiState<T> {
  const key = `${path}?${JSON.stringify(query ?? {})}`;
  return useAsync<T>(path === null ? null : (signal) => apiRequest<T>(path, { query, signal }), key);
}
