import { Fragment, useEffect, useId, useState, type FormEvent } from 'react';
import type { AuditEntry, ListResponse } from '../api/types';
import { ErrorBox, Loading } from '../components/Feedback';
import { Page } from '../components/Page';
import { useI18n } from '../i18n/i18n';
import { diffObjects, showValue } from '../lib/diff';
import { Link, navigate, useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';

const PAGE_SIZE = 50;
const KEYS = ['entityType', 'entityId', 'actor', 'action', 'from', 'to'] as const;
type Key = (typeof KEYS)[number];
type Filters = Record<Key, string>;

// Dates picked in the form are calendar days in China Standard Time.
const dayStart = (d: string) => (d ? `${d}T00:00:00+08:00` : undefined);
const dayEnd = (d: string) => (d ? `${d}T23:59:59.999+08:00` : undefined);

function Diff({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const rows = diffObjects(entry.before, entry.after);
  if (rows.length === 0) return <p className="muted">{t('audit.diff.none')}</p>;
  return (
    <table className="table diff" data-testid={`audit-diff-${entry.id}`}>
      <thead>
        <tr>
          <th scope="col">{t('audit.diff.field')}</th>
          <th scope="col">{t('audit.diff.before')}</th>
          <th scope="col">{t('audit.diff.after')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.path}>
            <th scope="row">
              <code>{r.path || '·'}</code>
            </th>
            <td className="diff-before">{r.before === undefined ? <span className="muted">{t('audit.diff.empty')}</span> : <span className="diff-val">{showValue(r.before)}</span>}</td>
            <td className="diff-after">{r.after === undefined ? <span className="muted">{t('audit.diff.empty')}</span> : <span className="diff-val">{showValue(r.after)}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function entityHref(e: AuditEntry): string | null {
  return /project/i.test(e.entityType) ? `/projects/${encodeURIComponent(e.entityId)}` : null;
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { t, formatInstant } = useI18n();
  const [open, setOpen] = useState(false);
  const panelId = `audit-panel-${entry.id}`;
  const href = entityHref(entry);
  const actorName = entry.actor.label ?? entry.actor.tokenId ?? t('common.none');
  const roleKey = entry.actor.role === 'admin' || entry.actor.role === 'editor' || entry.actor.role === 'viewer' ? entry.actor.role : null;
  return (
    <Fragment>
      <tr data-testid={`audit-row-${entry.id}`}>
        <td className="nowrap">
          <time dateTime={entry.at}>{formatInstant(entry.at)}</time>
        </td>
        <td>
          {actorName}
          {roleKey ? <span className="muted small"> · {t(`role.${roleKey}`)}</span> : entry.actor.role ? <span className="muted small"> · {entry.actor.role}</span> : null}
        </td>
        <td>
          <span className={`badge badge-action-${entry.action}`}>{t(`action.${entry.action}`)}</span>
        </td>
        <td>
          <code>{entry.entityType}</code>{' '}
          {href ? <Link to={href}>{entry.entityId}</Link> : <span>{entry.entityId}</span>}
        </td>
        <td>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-expanded={open}
            aria-controls={panelId}
            data-testid={`audit-toggle-${entry.id}`}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? t('audit.hide') : t('audit.show')}
          </button>
        </td>
      </tr>
      {open ? (
        <tr id={panelId} className="audit-detail">
          <td colSpan={5}>
            <Diff entry={entry} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function TextFilter({ label, value, onChange, testId }: { label: string; value: string; onChange: (v: string) => void; testId: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </div>
  );
}

export function AuditPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const applied: Filters = Object.fromEntries(KEYS.map((k) => [k, search.get(k) ?? ''])) as Filters;
  const offset = Math.max(0, Number.parseInt(search.get('offset') ?? '0', 10) || 0);
  const [draft, setDraft] = useState<Filters>(applied);
  const appliedKey = KEYS.map((k) => applied[k]).join('\u0000');
  // Back/forward or a link changes the applied filters: show them in the form too.
  useEffect(() => setDraft(applied), [appliedKey]);

  const go = (f: Filters, off: number) => {
    const qs = new URLSearchParams();
    for (const k of KEYS) if (f[k].trim()) qs.set(k, f[k].trim());
    if (off > 0) qs.set('offset', String(off));
    const s = qs.toString();
    navigate(s ? `/audit?${s}` : '/audit');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(draft, 0);
  };

  const query = {
    entityType: applied.entityType,
    entityId: applied.entityId,
    actor: applied.actor,
    action: applied.action,
    from: dayStart(applied.from),
    to: dayEnd(applied.to),
    limit: PAGE_SIZE,
    offset,
  };
  const { data, error, loading, reload } = useApi<ListResponse<AuditEntry>>(session.isAdmin ? '/api/audit' : null, query);
  const actionId = useId();
  const fromId = useId();
  const toId = useId();
  const total = data?.total ?? data?.items.length ?? 0;

  return (
    <Page title={t('audit.title')} lead={t('audit.lead')} testId="page-audit">
      {session.state === 'checking' ? <Loading /> : null}
      {session.state !== 'checking' && !session.isAdmin ? (
        <p className="alert alert-info" role="status" data-testid="audit-admin-only">
          {t('audit.adminOnly')}
        </p>
      ) : null}
      {session.isAdmin ? (
        <>
          <form className="filters" role="search" aria-label={t('common.filter')} onSubmit={submit} data-testid="audit-filters">
            <TextFilter label={t('audit.filter.entityType')} value={draft.entityType} testId="audit-filter-entityType" onChange={(v) => setDraft({ ...draft, entityType: v })} />
            <TextFilter label={t('audit.filter.entityId')} value={draft.entityId} testId="audit-filter-entityId" onChange={(v) => setDraft({ ...draft, entityId: v })} />
            <TextFilter label={t('audit.filter.actor')} value={draft.actor} testId="audit-filter-actor" onChange={(v) => setDraft({ ...draft, actor: v })} />
            <div className="field">
              <label htmlFor={actionId}>{t('audit.filter.action')}</label>
              <select id={actionId} value={draft.action} data-testid="audit-filter-action" onChange={(e) => setDraft({ ...draft, action: e.target.value })}>
                <option value="">{t('common.all')}</option>
                <option value="create">{t('action.create')}</option>
                <option value="update">{t('action.update')}</option>
                <option value="delete">{t('action.delete')}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={fromId}>{t('audit.filter.from')}</label>
              <input id={fromId} type="date" value={draft.from} data-testid="audit-filter-from" onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={toId}>{t('audit.filter.to')}</label>
              <input id={toId} type="date" value={draft.to} data-testid="audit-filter-to" onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
            </div>
            <div className="filter-buttons">
              <button type="submit" className="btn btn-primary" data-testid="audit-apply">
                {t('common.apply')}
              </button>
              <button type="button" className="btn btn-ghost" onClick={() => navigate('/audit')}>
                {t('common.reset')}
              </button>
            </div>
          </form>
          {error ? <ErrorBox error={error} onRetry={reload} listFields /> : null}
          {loading && !data ? <Loading /> : null}
          {data ? (
            data.items.length === 0 ? (
              <p className="empty" data-testid="audit-empty">
                {t('common.empty')}
              </p>
            ) : (
              <>
                <p className="muted" aria-live="polite">
                  {t('common.showing', { from: offset + 1, to: offset + data.items.length, total })}
                </p>
                <div className="table-wrap">
                  <table className="table table-audit" data-testid="audit-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('audit.col.at')}</th>
                        <th scope="col">{t('audit.col.actor')}</th>
                        <th scope="col">{t('audit.col.action')}</th>
                        <th scope="col">{t('audit.col.entity')}</th>
                        <th scope="col">{t('audit.col.changes')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((e) => (
                        <AuditRow key={e.id} entry={e} />
                      ))}
                    </tbody>
                  </table>
                </div>
                <div className="pager">
                  <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => go(applied, Math.max(0, offset - PAGE_SIZE))}>
                    ← {t('common.prev')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={offset + data.items.length >= total}
                    onClick={() => go(applied, offset + PAGE_SIZE)}
                  >
                    {t('common.next')} →
                  </button>
                </div>
              </>
            )
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
