import { useCallback } from 'react';
import { messages, type MessageKey } from './messages';
import { useSettings, type Lang } from '../lib/settings';

export type { MessageKey } from './messages';
export type Vars = Record<string, string | number>;

/** A text that the API sends in both languages. */
export interface Localized {
  zh: string;
  en: string;
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const entry: { zh: string; en: string } = messages[key];
  let text = entry[lang];
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = vars[name];
      return v === undefined ? whole : String(v);
    });
  }
  return text;
}

/** Picks the current language from a {zh, en} pair, falling back to the other language if one side is empty. */
export function pickText(lang: Lang, text: Localized | null | undefined): string {
  if (!text) return '';
  const primary = lang === 'zh' ? text.zh : text.en;
  if (primary && primary.trim() !== '') return primary;
  return (lang === 'zh' ? text.en : text.zh) ?? '';
}

export interface I18n {
  lang: Lang;
  t: (key: MessageKey, vars?: Vars) => string;
  pick: (text: Localized | null | undefined) => string;
  formatNumber: (n: number, maxFractionDigits?: number) => string;
  formatInstant: (iso: string | null | undefined) => string;
  formatDate: (ymd: string | null | undefined) => string;
}

const INSTANT_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }),
};

export function useI18n(): I18n {
  const { lang } = useSettings();
  const t = useCallback((key: MessageKey, vars?: Vars) => translate(lang, key, vars), [lang]);
  const pick = useCallback((text: Localized | null | undefined) => pickText(lang, text), [lang]);
  const formatNumber = useCallback(
    (n: number, maxFractionDigits = 2) =>
      new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: maxFractionDigits }).format(n),
    [lang],
  );
  const formatInstant = useCallback(
    (iso: string | null | undefined) => {
      if (!iso) return '';
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      return INSTANT_FORMATS[lang].format(d);
    },
    [lang],
  );
  // Calendar dates (YYYY-MM-DD) are shown as they are: they carry no time zone and must not shift.
  const formatDate = useCallback((ymd: string | null | undefined) => ymd ?? '', []);
  return { lang, t, pick, formatNumber, formatInstant, formatDate };
}
