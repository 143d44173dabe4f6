// Language and token live outside React so the API client can read them without prop drilling;
// React subscribes through useSyncExternalStore (see useSettings).
import { useSyncExternalStore } from 'react';

export type Lang = 'zh' | 'en';

const LANG_KEY = 'xietong.lang';
const TOKEN_KEY = 'xietong.token';

export interface Settings {
  lang: Lang;
  token: string | null;
}

function safeGet(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, policy): fall back to defaults
  }
}

function safeSet(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    /* the choice still holds for this page view */
  }
}

function readLang(): Lang {
  const stored = safeGet(LANG_KEY);
  return stored !== null && stored.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

function readToken(): string | null {
  const stored = safeGet(TOKEN_KEY);
  return stored !== null && stored.trim() !== '' ? stored.trim() : null;
}

let current: Settings = { lang: readLang(), token: readToken() };
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of listeners) l();
}

export function htmlLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

export function getSettings(): Settings {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current.lang) return;
  current = { ...current, lang };
  safeSet(LANG_KEY, htmlLang(lang));
  document.documentElement.lang = htmlLang(lang);
  emit();
}

export function setToken(token: string | null): void {
  const clean = token !== null && token.trim() !== '' ? token.trim() : null;
  if (clean === current.token) return;
  current = { ...current, token: clean };
  safeSet(TOKEN_KEY, clean);
  emit();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSettings(): Settings {
  return useSyncExternalStore(subscribe, getSettings, getSettings);
}

// Another tab changing the language or token should not leave this one stale.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== LANG_KEY && e.key !== TOKEN_KEY) return;
    const next: Settings = { lang: readLang(), token: readToken() };
    if (next.lang !== current.lang || next.token !== current.token) {
      current = next;
      document.documentElement.lang = htmlLang(next.lang);
      emit();
    }
  });
  document.documentElement.lang = htmlLang(current.lang);
}
