export interface DiffRow {
  path: string;
  before: unknown;
  after: unknown;
}

type Leaves = Map<string, unknown>;

function flatten(value: unknown, prefix: string, out: Leaves): void {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) {
      out.set(prefix, value);
      return;
    }
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, value);
}

const MISSING = Symbol('missing');

/** Field-level differences between two JSON objects, as dotted paths (milestones.0.plannedDate). */
export function diffObjects(before: unknown, after: unknown): DiffRow[] {
  const a: Leaves = new Map();
  const b: Leaves = new Map();
  if (before !== null && before !== undefined) flatten(before, '', a);
  if (after !== null && after !== undefined) flatten(after, '', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const rows: DiffRow[] = [];
  for (const k of keys) {
    const va = a.has(k) ? a.get(k) : MISSING;
    const vb = b.has(k) ? b.get(k) : MISSING;
    if (JSON.stringify(va) === JSON.stringify(vb) && va !== MISSING && vb !== MISSING) continue;
    // An empty list or object on one side is already shown by the entries under it on the other.
    const isEmpty = (v: unknown) => v !== null && typeof v === 'object' && Object.keys(v as object).length === 0;
    const hasChildren = (m: Leaves) => [...m.keys()].some((x) => x.startsWith(`${k}.`));
    if ((isEmpty(va) && hasChildren(b)) || (isEmpty(vb) && hasChildren(a))) continue;
    rows.push({ path: k, before: va === MISSING ? undefined : va, after: vb === MISSING ? undefined : vb });
  }
  // Keep natural order of array indices (milestones.2 before milestones.10).
  return rows.sort((x, y) => x.path.localeCompare(y.path, 'en', { numeric: true }));
}

export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
