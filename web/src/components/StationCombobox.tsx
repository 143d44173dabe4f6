// A station field with type-ahead suggestions: the ARIA 1.2 combobox pattern (input role=combobox with a
// listbox popup, aria-activedescendant for the highlighted option). Search is debounced and the previous
// request cancelled; the same station in several feeds is one suggestion.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { apiRequest } from '../api/client';
import type { TransitStop } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { mergeStops, parseCoordinate, rememberStops, stationLabel, stationOtherLabel, type Station } from '../lib/transit';

export interface StationField {
  text: string;
  station: Station | null;
}

export const SUGGEST_DEBOUNCE_MS = 200;
const SUGGEST_LIMIT = 10;

/** Stations matching a text (characters, pinyin, initials, English), merged across feeds. */
export async function searchStations(text: string, signal?: AbortSignal): Promise<Station[]> {
  const q = text.trim();
  if (!q) return [];
  const coord = parseCoordinate(q);
  if (coord) return [coord];
  const r = await apiRequest<{ items: TransitStop[] }>('/api/transit/stops', { query: { q, limit: SUGGEST_LIMIT }, signal });
  rememberStops(r.items);
  return mergeStops(r.items);
}

interface Props {
  label: string;
  value: StationField;
  onChange: (v: StationField) => void;
  testId: string;
  placeholder?: string;
  error?: string | null;
  errorTestId?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
}

export function StationCombobox({ label, value, onChange, testId, placeholder, error, errorTestId, inputRef }: Props) {
  const { lang, t } = useI18n();
  const base = useId().replace(/:/g, '');
  const inputId = `${base}-input`;
  const listId = `${base}-list`;
  const errId = `${base}-err`;
  const hintId = `${base}-hint`;
  const optionId = (i: number) => `${base}-opt-${i}`;

  const [options, setOptions] = useState<Station[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [searching, setSearching] = useState(false);
  const [failed, setFailed] = useState(false);
  /** The text the options belong to. */
  const [answered, setAnswered] = useState('');
  const ownRef = useRef<HTMLInputElement | null>(null);
  const input = inputRef ?? ownRef;
  // Answers that arrive after the user has left the field do not pop up over the rest of the form.
  const focused = () => document.activeElement === input.current;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const ctrl = useRef<AbortController | null>(null);

  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    ctrl.current?.abort();
    ctrl.current = null;
  };
  useEffect(() => cancel, []);

  const search = (text: string) => {
    cancel();
    const q = text.trim();
    if (!q) {
      setOptions([]);
      setOpen(false);
      setActive(-1);
      setSearching(false);
      return;
    }
    setSearching(true);
    timer.current = setTimeout(() => {
      const c = new AbortController();
      ctrl.current = c;
      searchStations(q, c.signal)
        .then((list) => {
          if (c.signal.aborted) return;
          setOptions(list);
          setAnswered(q);
          setFailed(false);
          setActive(-1);
          setSearching(false);
          setOpen(focused());
        })
        .catch(() => {
          if (c.signal.aborted) return;
          setOptions([]);
          setAnswered(q);
          setFailed(true);
          setSearching(false);
          setOpen(focused());
        });
    }, SUGGEST_DEBOUNCE_MS);
  };

  const choose = (s: Station) => {
    cancel();
    setSearching(false);
    onChange({ text: stationLabel(lang, s), station: s });
    setOpen(false);
    setActive(-1);
  };

  // Keep the highlighted option in view when moving through a long list.
  useEffect(() => {
    if (open && active >= 0) document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
  }, [open, active]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = options.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) {
          if (n > 0) {
            setOpen(true);
            setActive(0);
          } else if (value.text.trim()) search(value.text);
          return;
        }
        if (n > 0) setActive((a) => (a + 1) % n);
        return;
      case 'ArrowUp':
        e.preventDefault();
        if (!open) {
          if (n > 0) {
            setOpen(true);
            setActive(n - 1);
          }
          return;
        }
        if (n > 0) setActive((a) => (a <= 0 ? n - 1 : a - 1));
        return;
      case 'Enter':
        // With an option highlighted, Enter picks it; otherwise the form is submitted.
        if (open && active >= 0 && options[active]) {
          e.preventDefault();
          choose(options[active]!);
        } else setOpen(false);
        return;
      case 'Escape':
        if (open) {
          e.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (value.text) {
          e.preventDefault();
          cancel();
          onChange({ text: '', station: null });
        }
        return;
      case 'Tab':
        setOpen(false);
        return;
      default:
        return;
    }
  };

  const showPopup = open && answered === value.text.trim() && !value.station;
  const activeId = showPopup && active >= 0 && active < options.length ? optionId(active) : undefined;
  const invalid = Boolean(error);

  return (
    <div className={`field station-field${invalid ? ' field-invalid' : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <div className="combo">
        <input
          ref={input}
          id={inputId}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={showPopup && options.length > 0}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={invalid}
          aria-describedby={invalid ? errId : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          value={value.text}
          data-testid={testId}
          data-station={value.station?.id ?? ''}
          onChange={(e) => {
            const text = e.target.value;
            onChange({ text, station: null });
            search(text);
          }}
          onKeyDown={onKeyDown}
          onFocus={() => {
            if (!value.station && options.length > 0 && answered === value.text.trim()) setOpen(true);
          }}
          onBlur={() => {
            setOpen(false);
            setActive(-1);
          }}
        />
        <ul id={listId} role="listbox" aria-label={label} className="combo-list" hidden={!(showPopup && options.length > 0)}>
          {showPopup
            ? options.map((s, i) => {
                const other = stationOtherLabel(lang, s);
                return (
                  <li
                    key={s.id}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === active}
                    className={`combo-option${i === active ? ' combo-option-active' : ''}`}
                    data-testid={`planner-suggestion-${i}`}
                    data-station={s.id}
                    // Keep the focus in the input: the click picks without a blur in between.
                    onMouseDown={(e) => e.preventDefault()}
                    onMouseMove={() => setActive(i)}
                    onClick={() => choose(s)}
                  >
                    <span className="combo-primary" lang={lang === 'zh' || s.coordinate ? undefined : 'en'}>
                      {s.coordinate ? `${t('planner.coordinate')} ${s.name}` : stationLabel(lang, s)}
                    </span>
                    {other ? (
                      <span className="combo-other" lang={lang === 'zh' ? 'en' : 'zh-CN'}>
                        {' · '}
                        {other}
                      </span>
                    ) : null}
                  </li>
                );
              })
            : null}
        </ul>
        {showPopup && options.length === 0 && !invalid ? (
          <p className="combo-empty" data-testid={`${testId}-nomatch`}>
            {failed ? t('planner.suggest.failed') : t('planner.suggest.none')}
          </p>
        ) : null}
      </div>
      <p id={hintId} className="sr-only" role="status">
        {searching ? '' : showPopup ? (options.length > 0 ? t('planner.suggest.count', { n: options.length }) : t('planner.suggest.none')) : ''}
      </p>
      {invalid ? (
        <p className="field-error" id={errId} data-testid={errorTestId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
