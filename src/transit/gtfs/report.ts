/** Text and JSON renderings of a validation report, for the CLI (`xietong transit import`, `--json`). */
import type { Notice, ValidationReport } from './feed.ts';

export function formatReport(report: ValidationReport, opts: { json: boolean }): string {
  if (opts.json) return JSON.stringify(report, null, 2);
  const infos = report.counts.filter((c) => c.severity === 'info').reduce((s, c) => s + c.count, 0);
  const verdict = report.errors > 0 ? 'REJECTED' : 'accepted';
  const out: string[] = [
    `Feed ${report.feedId}: ${verdict} — ${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}, ${infos} info`,
  ];
  const byCode = new Map<string, Notice[]>();
  for (const n of report.notices) {
    const list = byCode.get(n.code);
    if (list) list.push(n);
    else byCode.set(n.code, [n]);
  }
  for (const c of report.counts) {
    const kept = byCode.get(c.code) ?? [];
    out.push('', `${c.severity.toUpperCase()} ${c.code} (${c.count})`);
    for (const n of kept) {
      const where = n.file ? `${n.file}${n.line !== null ? `:${n.line}` : ''}` : '(feed)';
      const field = n.field ? ` ${n.field}${n.value !== null ? `=${JSON.stringify(n.value)}` : ''}` : '';
      out.push(`  ${where}${field}  ${n.message}`);
    }
    if (kept.length < c.count) out.push(`  … and ${c.count - kept.length} more not kept (raise maxNotices to see them)`);
  }
  return out.join('\n');
}
