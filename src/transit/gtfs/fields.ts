/**
 * Typed access to the fields of one CSV row of one GTFS file, raising notices for values that are
 * missing, malformed or out of range. Values are trimmed (with a leading_or_trailing_whitespaces warning).
 */
import type { CsvRow } from './csv.ts';
import type { NoticeCode, NoticeSink } from './validate.ts';

export const INVALID = -2;

/** Seconds since midnight for H:MM:SS / HH:MM:SS (hours may exceed 24); -1 when empty, INVALID when malformed. */
export function parseTime(t: string): number {
  if (t === '') return -1;
  const m = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec(t);
  if (!m) return INVALID;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** The same straight from bytes (the stop_times hot path); INVALID for anything unusual. */
export function parseTimeBytes(buf: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len === 0) return -1;
  if (len < 7 || len > 9 || buf[e - 3] !== 58 || buf[e - 6] !== 58) return INVALID;
  let h = 0;
  for (let i = s; i < e - 6; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return INVALID;
    h = h * 10 + c;
  }
  const m1 = buf[e - 5]! - 48;
  const m2 = buf[e - 4]! - 48;
  const s1 = buf[e - 2]! - 48;
  const s2 = buf[e - 1]! - 48;
  if (m1 < 0 || m1 > 5 || m2 < 0 || m2 > 9 || s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) return INVALID;
  return h * 3600 + (m1 * 10 + m2) * 60 + s1 * 10 + s2;
}

/** A non-negative int32 from bytes; -1 when empty, INVALID otherwise. */
export function parseUintBytes(buf: Buffer, s: number, e: number): number {
  if (s === e) return -1;
  if (e - s > 10) return INVALID;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return INVALID;
    v = v * 10 + c;
  }
  return v > 0x7fffffff ? INVALID : v;
}

export function formatTime(sec: number): string {
  if (sec < 0) return '';
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export function isValidDate(t: string): boolean {
  if (!/^\d{8}$/.test(t)) return false;
  const y = Number(t.slice(0, 4));
  const mo = Number(t.slice(4, 6));
  const d = Number(t.slice(6, 8));
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const COLOR_RE = /^[0-9A-Fa-f]{6}$/;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff;
}

export class FileReader {
  row!: CsvRow;
  private readonly index = new Map<string, number>();

  constructor(
    readonly file: string,
    readonly header: string[],
    readonly sink: NoticeSink,
    /** Check values for new lines (modelled GTFS files only). */
    private readonly strict = true,
  ) {
    header.forEach((h, i) => {
      if (!this.index.has(h)) this.index.set(h, i);
    });
  }

  col(name: string): number {
    return this.index.get(name) ?? -1;
  }

  get line(): number {
    return this.row.line;
  }

  note(code: NoticeCode, field: string | null, value: string | null, message: string, line: number | null = this.row.line): void {
    this.sink.add(code, this.file, line, field, value, message);
  }

  /** Trimmed value of column i ('' when the column is absent). */
  str(i: number): string {
    if (i < 0) return '';
    const r = this.row;
    if (r.starts[i] === r.ends[i]) return '';
    let t = r.text(i);
    if (this.strict && r.quoted[i] !== 0 && (t.includes('\n') || t.includes('\r'))) {
      this.note('new_line_in_value', this.header[i]!, t, `${this.header[i]} contains a line break; GTFS values must be on one line.`);
    }
    if (isBlank(t.charCodeAt(0)) || isBlank(t.charCodeAt(t.length - 1))) {
      const trimmed = t.trim();
      this.note('leading_or_trailing_whitespaces', this.header[i]!, t, `${this.header[i]} has spaces before or after its value; imported as "${trimmed}".`);
      t = trimmed;
    }
    return t;
  }

  opt(i: number): string | null {
    const t = this.str(i);
    return t === '' ? null : t;
  }

  /** A required value; reports missing_required_field when empty (a missing column is reported once, elsewhere). */
  req(i: number, field: string): string {
    const t = this.str(i);
    if (t === '' && i >= 0) this.missing(field);
    return t;
  }

  missing(field: string, why = ''): void {
    this.note('missing_required_field', field, null, `${field} is required${why} but empty.`);
  }

  /** Integer in [min, max]; null when empty or invalid (after a notice). */
  int(i: number, field: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | null {
    const t = opts.required ? this.req(i, field) : this.str(i);
    if (t === '') return null;
    if (!INT_RE.test(t)) {
      this.note('invalid_integer', field, t, `${field} must be an integer, got "${t}".`);
      return null;
    }
    const v = Number(t);
    const min = opts.min ?? -0x80000000;
    const max = opts.max ?? 0x7fffffff;
    if (v < min || v > max) {
      this.note('number_out_of_range', field, t, `${field} must be between ${min} and ${max}, got ${t}.`);
      return null;
    }
    return v;
  }

  /** An enumerated integer; unknown values warn and fall back to `def`. */
  enumInt(i: number, field: string, allowed: (v: number) => boolean, def: number, required = false): number {
    return this.enumOf(required ? this.req(i, field) : this.str(i), field, allowed, def);
  }

  /** The same for a value already read with str(). */
  enumOf(t: string, field: string, allowed: (v: number) => boolean, def: number): number {
    if (t === '') return def;
    if (!INT_RE.test(t)) {
      this.note('invalid_integer', field, t, `${field} must be an integer, got "${t}".`);
      return def;
    }
    const v = Number(t);
    if (!allowed(v)) {
      this.note('unexpected_enum_value', field, t, `${field} = ${t} is not a value the GTFS reference defines; ${def < 0 ? 'ignored' : `read as ${def}`}.`);
      return def;
    }
    return v;
  }

  float(i: number, field: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | null {
    return this.floatOf(opts.required ? this.req(i, field) : this.str(i), field, opts);
  }

  /** The same for a value already read with str(). */
  floatOf(t: string, field: string, opts: { min?: number; max?: number } = {}): number | null {
    if (t === '') return null;
    if (!FLOAT_RE.test(t)) {
      this.note('invalid_float', field, t, `${field} must be a decimal number, got "${t}".`);
      return null;
    }
    const v = Number(t);
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      this.note('number_out_of_range', field, t, `${field} must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}, got ${t}.`);
      return null;
    }
    return v;
  }

  /** Seconds since midnight; -1 when empty, INVALID after an invalid_time notice. */
  time(i: number, field: string, required = false): number {
    const t = required ? this.req(i, field) : this.str(i);
    const v = parseTime(t);
    if (v === INVALID) this.note('invalid_time', field, t, `${field} must be a time H:MM:SS or HH:MM:SS (hours may exceed 24), got "${t}".`);
    return v;
  }

  /** YYYYMMDD or null (empty or invalid, after a notice). */
  date(i: number, field: string, required = false): string | null {
    const t = required ? this.req(i, field) : this.str(i);
    if (t === '') return null;
    if (!isValidDate(t)) {
      this.note('invalid_date', field, t, `${field} must be a date YYYYMMDD, got "${t}".`);
      return null;
    }
    return t;
  }

  color(i: number, field: string): string | null {
    const t = this.str(i);
    if (t === '') return null;
    if (!COLOR_RE.test(t)) {
      this.note('invalid_color', field, t, `${field} must be six hexadecimal digits such as FFFFFF, got "${t}".`);
      return null;
    }
    return t.toUpperCase();
  }
}
