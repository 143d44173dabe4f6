// The one place that talks to the server. Same origin only; every call says which language the user reads
// (Accept-Language) so problem+json messages come back in it, and carries the bearer token when there is one.
import { getSettings, htmlLang } from '../lib/settings';

export interface ProblemFieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details as the server sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: ProblemFieldError[];
}

export class ApiError extends Error {
  readonly status: number; // 0 = network failure
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get fieldErrors(): ProblemFieldError[] {
    return this.problem?.errors ?? [];
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal;
  /** Overrides the stored token (used to check a token before keeping it). */
  token?: string | null;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      params.set(k, String(v));
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /[/+]json\b/i.test(contentType);
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { token: storedToken } = getSettings();
  const token = options.token !== undefined ? options.token : storedToken;
  try {
    return await send<T>(path, options, token);
  } catch (err) {
    // The server rejects any request that carries a bad token, even a public read. A stale token in
    // storage must not blank the public pages: read again without it (the header says the token is bad).
    const method = options.method ?? 'GET';
    if (err instanceof ApiError && err.status === 401 && token && method === 'GET' && path !== '/api/me') {
      return send<T>(path, options, null);
    }
    throw err;
  }
}

async function send<T>(path: string, options: RequestOptions, token: string | null): Promise<T> {
  const { lang } = getSettings();
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': htmlLang(lang),
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, null, err instanceof Error ? err.message : String(err));
  }

  const contentType = res.headers.get('content-type');
  if (!res.ok) {
    let problem: Problem | null = null;
    if (isJson(contentType)) {
      try {
        problem = (await res.json()) as Problem;
      } catch {
        problem = null;
      }
    }
    throw new ApiError(res.status, problem, problem?.detail ?? problem?.title ?? res.statusText);
  }
  if (res.status === 204) return undefined as T;
  if (!isJson(contentType)) {
    // e.g. an SPA fallback answering an /api path with index.html
    throw new ApiError(res.status, null, 'non-JSON response');
  }
  return (await res.json()) as T;
}
