/**
 * Polls `check` until it gives a value (anything but false/undefined) and returns it; on timeout fails naming
 * what was awaited. A check may return a string diagnostic through `{ pending: '...' }` to be shown then.
 */
export async function waitFor<T>(what: string, check: () => T | false | undefined | { pending: string } | Promise<T | false | undefined | { pending: string }>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && !(typeof v === 'object' && v !== null && 'pending' in v)) return v as T;
    if (typeof v === 'object' && v !== null && 'pending' in v) last = ` (last: ${(v as { pending: string }).pending})`;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
