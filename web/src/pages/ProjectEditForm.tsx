import { useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, apiRequest } from '../api/client';
import { PROJECT_STATUSES, type MilestoneInput, type Project, type ProjectPatch, type ProjectStatus } from '../api/types';
import { ErrorBox } from '../components/Feedback';
import { useI18n } from '../i18n/i18n';

interface MilestoneDraft {
  key: string;
  id: string;
  nameZh: string;
  nameEn: string;
  plannedDate: string;
  doneDate: string;
  weight?: number;
}

let keySeq = 0;
const newKey = () => `new-${++keySeq}`;

/** Ids for new milestones are made here: the server requires one per item ([A-Za-z0-9_-]{1,40}). */
function newMilestoneId(taken: Set<string>): string {
  for (;;) {
    const rand = Math.random().toString(36).slice(2, 8);
    const id = `m-${Date.now().toString(36)}-${rand}`;
    if (!taken.has(id)) return id;
  }
}

function toDrafts(p: Project): MilestoneDraft[] {
  return [...p.milestones]
    .sort((a, b) => a.order - b.order)
    .map((m) => ({
      key: m.id,
      id: m.id,
      nameZh: m.name.zh ?? '',
      nameEn: m.name.en ?? '',
      plannedDate: m.plannedDate ?? '',
      doneDate: m.doneDate ?? '',
      weight: m.weight,
    }));
}

function toInput(d: MilestoneDraft): MilestoneInput {
  const out: MilestoneInput = {
    id: d.id,
    name: { zh: d.nameZh.trim(), en: d.nameEn.trim() },
    plannedDate: d.plannedDate || null,
    doneDate: d.doneDate || null,
  };
  if (d.weight !== undefined) out.weight = d.weight;
  return out;
}

/**
 * problem+json field paths look like "milestones.0.plannedDate"; accept the JSON-pointer and bracket
 * spellings too ("/milestones/0/plannedDate", "body.milestones[0].plannedDate").
 */
export function normalizeField(field: string): string {
  return field
    .replace(/^\/+/, '')
    .replace(/\//g, '.')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^body\./, '')
    .replace(/^\.+|\.+$/g, '');
}

/** Assigns each server error to the most specific field on screen that contains it; the rest are "other". */
export function assignErrors(errors: { field: string; message: string }[], shown: string[]): { byField: Map<string, string[]>; other: { field: string; message: string }[] } {
  const byField = new Map<string, string[]>();
  const other: { field: string; message: string }[] = [];
  for (const e of errors) {
    const f = normalizeField(e.field ?? '');
    let best: string | null = null;
    for (const p of shown) {
      if ((f === p || f.startsWith(`${p}.`)) && (best === null || p.length > best.length)) best = p;
    }
    if (best === null) other.push(e);
    else byField.set(best, [...(byField.get(best) ?? []), e.message]);
  }
  return { byField, other };
}

interface FieldProps {
  label: string;
  path: string;
  errors: Map<string, string[]>;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined }) => ReactNode;
}

function Field({ label, path, errors, children }: FieldProps) {
  const id = useId();
  const msgs = errors.get(path);
  const errId = `${id}-err`;
  return (
    <div className={`field${msgs ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(msgs), 'aria-describedby': msgs ? errId : undefined })}
      {msgs ? (
        <p className="field-error" id={errId} data-testid={`field-error-${path}`}>
          {msgs.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

interface Props {
  project: Project;
  onSaved: (p: Project) => void;
  onCancel: () => void;
  onReload: () => void;
}

export function ProjectEditForm({ project, onSaved, onCancel, onReload }: Props) {
  const { t } = useI18n();
  const [status, setStatus] = useState<ProjectStatus>(project.status);
  const [drafts, setDrafts] = useState<MilestoneDraft[]>(() => toDrafts(project));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const initialMilestones = useRef(JSON.stringify(toDrafts(project).map((d) => toInput(d))));
  const formRef = useRef<HTMLFormElement>(null);

  const shownPaths = useMemo(() => {
    const paths = ['status', 'milestones'];
    drafts.forEach((_, i) => {
      paths.push(`milestones.${i}`, `milestones.${i}.name.zh`, `milestones.${i}.name.en`, `milestones.${i}.plannedDate`, `milestones.${i}.doneDate`);
    });
    return paths;
  }, [drafts]);

  const { byField, other } = useMemo(
    () => assignErrors(error?.fieldErrors ?? [], shownPaths),
    [error, shownPaths],
  );

  const clearFieldError = (path: string) => {
    if (!error || !byField.has(path)) return;
    const rest = error.fieldErrors.filter((e) => normalizeField(e.field) !== path);
    setError(new ApiError(error.status, { ...error.problem, errors: rest }, error.message));
  };

  const update = (i: number, patch: Partial<MilestoneDraft>, path: string) => {
    setDrafts((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)));
    clearFieldError(path);
    setNotice(null);
  };

  // Indices in server errors refer to the array as sent; once rows move they no longer match.
  const restructure = (next: MilestoneDraft[]) => {
    setDrafts(next);
    if (error && error.fieldErrors.length > 0) setError(null);
    setNotice(null);
  };

  const move = (i: number, delta: number) => {
    const j = i + delta;
    if (j < 0 || j >= drafts.length) return;
    const next = [...drafts];
    const a = next[i];
    const b = next[j];
    if (!a || !b) return;
    next[i] = b;
    next[j] = a;
    restructure(next);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: ProjectPatch = { version: project.version };
    if (status !== project.status) body.status = status;
    const milestones = drafts.map((d) => toInput(d));
    if (JSON.stringify(milestones) !== initialMilestones.current) body.milestones = milestones;
    if (body.status === undefined && body.milestones === undefined) {
      setNotice(t('edit.noChanges'));
      return;
    }
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await apiRequest<Project>(`/api/plan/projects/${encodeURIComponent(project.id)}`, {
        method: 'PATCH',
        body,
      });
      onSaved(saved);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, null, String(err)));
      // Bring the first marked field into view for keyboard and screen-reader users.
      requestAnimationFrame(() => {
        const bad = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
        bad?.focus();
      });
    } finally {
      setSaving(false);
    }
  };

  const hasFieldErrors = error !== null && error.fieldErrors.length > 0;

  return (
    <form ref={formRef} className="edit-form card" onSubmit={submit} noValidate data-testid="project-edit-form" aria-labelledby="edit-title">
      <h2 id="edit-title">{t('edit.title')}</h2>

      {error && !hasFieldErrors ? (
        <ErrorBox error={error} testId="save-error">
          {error.status === 409 ? (
            <button type="button" className="btn btn-small" data-testid="reload-button" onClick={onReload}>
              {t('project.reload')}
            </button>
          ) : null}
        </ErrorBox>
      ) : null}
      {hasFieldErrors ? (
        <div className="alert alert-error" role="alert" data-testid="save-error" data-status={error.status}>
          <p className="alert-title">{t('error.422')}</p>
          {error.problem?.detail ? <p className="alert-detail">{error.problem.detail}</p> : null}
          {other.length > 0 ? (
            <>
              <p>{t('edit.otherErrors')}</p>
              <ul className="alert-list">
                {other.map((o, i) => (
                  <li key={`${o.field}-${i}`}>
                    {o.field ? <code>{o.field}</code> : null} {o.message}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
      {notice ? (
        <p className="alert alert-info" role="status">
          {notice}
        </p>
      ) : null}

      <Field label={t('edit.status')} path="status" errors={byField}>
        {(a) => (
          <select
            {...a}
            value={status}
            data-testid="status-select"
            onChange={(e) => {
              setStatus(e.target.value as ProjectStatus);
              clearFieldError('status');
              setNotice(null);
            }}
          >
            {PROJECT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>

      <fieldset className="milestones-edit">
        <legend>{t('edit.milestones')}</legend>
        {byField.get('milestones') ? (
          <p className="field-error" data-testid="field-error-milestones">
            {byField.get('milestones')?.join(' ')}
          </p>
        ) : null}
        {drafts.length === 0 ? <p className="muted">{t('project.noMilestones')}</p> : null}
        <ol className="ms-list">
          {drafts.map((d, i) => {
            const base = `milestones.${i}`;
            const rowErrors = byField.get(base);
            return (
              <li key={d.key} className={`ms-row${rowErrors ? ' ms-row-invalid' : ''}`} data-testid={`milestone-row-${i}`}>
                <fieldset>
                  <legend>{t('edit.ms.legend', { n: i + 1 })}</legend>
                  {rowErrors ? (
                    <p className="field-error" data-testid={`field-error-${base}`}>
                      {rowErrors.join(' ')}
                    </p>
                  ) : null}
                  <div className="ms-grid">
                    <Field label={t('edit.ms.nameZh')} path={`${base}.name.zh`} errors={byField}>
                      {(a) => (
                        <input
                          {...a}
                          type="text"
                          lang="zh-CN"
                          value={d.nameZh}
                          data-testid={`milestone-name-zh-${i}`}
                          onChange={(e) => update(i, { nameZh: e.target.value }, `${base}.name.zh`)}
                        />
                      )}
                    </Field>
                    <Field label={t('edit.ms.nameEn')} path={`${base}.name.en`} errors={byField}>
                      {(a) => (
                        <input
                          {...a}
                          type="text"
                          lang="en"
                          value={d.nameEn}
                          data-testid={`milestone-name-en-${i}`}
                          onChange={(e) => update(i, { nameEn: e.target.value }, `${base}.name.en`)}
                        />
                      )}
                    </Field>
                    <Field label={t('edit.ms.planned')} path={`${base}.plannedDate`} errors={byField}>
                      {(a) => (
                        <input
                          {...a}
                          type="date"
                          value={d.plannedDate}
                          data-testid={`milestone-planned-${i}`}
                          onChange={(e) => update(i, { plannedDate: e.target.value }, `${base}.plannedDate`)}
                        />
                      )}
                    </Field>
                    <Field label={t('edit.ms.done')} path={`${base}.doneDate`} errors={byField}>
                      {(a) => (
                        <input
                          {...a}
                          type="date"
                          value={d.doneDate}
                          data-testid={`milestone-done-${i}`}
                          onChange={(e) => update(i, { doneDate: e.target.value }, `${base}.doneDate`)}
                        />
                      )}
                    </Field>
                    <div className="ms-actions">
                      <button
                        type="button"
                        className="btn btn-ghost btn-small"
                        onClick={() => move(i, -1)}
                        disabled={i === 0}
                        aria-label={`${t('edit.ms.up')} · ${t('edit.ms.legend', { n: i + 1 })}`}
                        title={t('edit.ms.up')}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        className="btn btn-ghost btn-small"
                        onClick={() => move(i, 1)}
                        disabled={i === drafts.length - 1}
                        aria-label={`${t('edit.ms.down')} · ${t('edit.ms.legend', { n: i + 1 })}`}
                        title={t('edit.ms.down')}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        className="btn btn-danger btn-small"
                        data-testid={`milestone-remove-${i}`}
                        aria-label={`${t('edit.ms.remove')} · ${t('edit.ms.legend', { n: i + 1 })}`}
                        onClick={() => restructure(drafts.filter((_, j) => j !== i))}
                      >
                        {t('edit.ms.remove')}
                      </button>
                    </div>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          className="btn"
          data-testid="milestone-add"
          onClick={() =>
            restructure([
              ...drafts,
              { key: newKey(), id: newMilestoneId(new Set(drafts.map((d) => d.id))), nameZh: '', nameEn: '', plannedDate: '', doneDate: '' },
            ])
          }
        >
          + {t('edit.ms.add')}
        </button>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="save-button" disabled={saving}>
          {saving ? t('edit.saving') : t('edit.save')}
        </button>
        <button type="button" className="btn btn-ghost" data-testid="cancel-button" onClick={onCancel} disabled={saving}>
          {t('edit.cancel')}
        </button>
      </div>
    </form>
  );
}
