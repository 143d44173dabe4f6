/** Serializes one CSV record the RFC 4180 way: a field is quoted only when it holds a quote, comma or line break. */
export function toCsvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
}
