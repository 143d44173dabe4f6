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
 * GET a path and keep the answer. Refetches when the path, query, token or language changes
 * (language so that any error message is shown in the language the user now reads).
 * Pass path = null to skip the request.
 */
export function useApi<T>(path: string | null, query?: RequestOptions['query']): ApiState<T> {
  const { lang, token } = useSettings();
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const [tick, setTick] = useState(0);
  const queryKey = JSON.stringify(query ?? {});
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    apiRequest<T>(path, { query: queryRef.current, signal: ctrl.signal })
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
  }, [path, queryKey, lang, token, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((d: T) => setDataState(d), []);
  return { data, error, loading, reload, setData };
}
