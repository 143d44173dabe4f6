import { useEffect, useState } from 'react';
import type { Project } from '../api/types';
import { ErrorBox, Loading } from '../components/Feedback';
import { Page } from '../components/Page';
import { Progress, StatusBadge, StatusLight } from '../components/StatusLight';
import { useI18n } from '../i18n/i18n';
import { cityNameOf, nameOf, useCategories, useCities, useDepartments } from '../lib/reference';
import { Link } from '../lib/router';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';
import { ProjectEditForm } from './ProjectEditForm';

function Milestones({ project }: { project: Project }) {
  const { t, pick, formatDate, formatNumber } = useI18n();
  const ms = [...project.milestones].sort((a, b) => a.order - b.order);
  if (ms.length === 0) return <p className="muted">{t('project.noMilestones')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="milestones-table">
        <thead>
          <tr>
            <th scope="col">{t('project.ms.order')}</th>
            <th scope="col">{t('project.ms.name')}</th>
            <th scope="col">{t('project.ms.planned')}</th>
            <th scope="col">{t('project.ms.done')}</th>
            <th scope="col">{t('project.ms.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {ms.map((m, i) => (
            <tr key={m.id} data-testid={`milestone-${m.id}`} className={m.doneDate ? 'ms-done' : undefined}>
              <td>{i + 1}</td>
              <th scope="row">{pick(m.name)}</th>
              <td className="nowrap">{m.plannedDate ? formatDate(m.plannedDate) : t('common.none')}</td>
              <td className="nowrap">
                {m.doneDate ? (
                  <>
                    <span aria-hidden="true">✓ </span>
                    {formatDate(m.doneDate)}
                  </>
                ) : (
                  <span className="muted">{t('project.ms.open')}</span>
                )}
              </td>
              <td>{formatNumber(m.weight)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ProjectDetailPage({ id }: { id: string }) {
  const { t, pick, formatInstant } = useI18n();
  const session = useSession();
  const categories = useCategories();
  const cities = useCities();
  const departments = useDepartments();
  const { data: project, error, loading, reload, setData } = useApi<Project>(`/api/plan/projects/${encodeURIComponent(id)}`);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setEditing(false);
    setSaved(false);
  }, [id]);

  const title = project ? pick(project.name) : t('projects.title');
  const canEdit = session.canEdit;

  return (
    <Page
      title={title}
      testId="page-project"
      lead={
        <Link to="/projects" className="back-link">
          ← {t('project.back')}
        </Link>
      }
      actions={
        project && canEdit && !editing ? (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="edit-button"
            onClick={() => {
              setEditing(true);
              setSaved(false);
            }}
          >
            {t('project.edit')}
          </button>
        ) : null
      }
    >
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {loading && !project ? <Loading /> : null}
      {saved ? (
        <p className="alert alert-success" role="status" data-testid="save-success">
          {t('project.saved')}
        </p>
      ) : null}
      {project ? (
        <>
          {editing ? (
            <ProjectEditForm
              key={`${project.id}-${project.version}`}
              project={project}
              onCancel={() => setEditing(false)}
              onReload={() => {
                setEditing(false);
                reload();
              }}
              onSaved={(p) => {
                setData(p);
                setEditing(false);
                setSaved(true);
              }}
            />
          ) : null}
          <div className="detail-grid">
            <section className="card" aria-labelledby="pd-facts">
              <h2 id="pd-facts">{t('project.facts')}</h2>
              <dl className="facts" data-testid="project-facts">
                <dt>{t('project.number')}</dt>
                <dd>{project.number ?? t('common.none')}</dd>
                <dt>{t('project.category')}</dt>
                <dd>{pick(nameOf(categories, project.category))}</dd>
                <dt>{t('project.city')}</dt>
                <dd>{pick(cityNameOf(cities, project.cityId))}</dd>
                <dt>{t('project.department')}</dt>
                <dd>{pick(nameOf(departments, project.ownerDepartment))}</dd>
                <dt>{t('project.status')}</dt>
                <dd data-testid="project-status">
                  <StatusBadge status={project.status} />
                </dd>
                <dt>{t('project.light')}</dt>
                <dd data-testid="project-light">
                  <StatusLight light={project.light} />
                </dd>
                <dt>{t('project.lightReason')}</dt>
                <dd>{pick(project.light.reason) || t('common.none')}</dd>
                <dt>
                  {t('project.planned')} / {t('project.actual')}
                </dt>
                <dd>
                  <Progress planned={project.light.plannedPct} actual={project.light.actualPct} />
                </dd>
                {project.note ? (
                  <>
                    <dt>{t('project.note')}</dt>
                    <dd>{project.note}</dd>
                  </>
                ) : null}
                <dt>{t('project.updated')}</dt>
                <dd>
                  {formatInstant(project.updatedAt)}{' '}
                  <span className="muted small">
                    ({t('project.version')} {project.version})
                  </span>
                </dd>
              </dl>
              {session.isAdmin ? (
                <p className="small">
                  <Link to={`/audit?entityId=${encodeURIComponent(project.id)}`} data-testid="project-audit-link">
                    {t('project.auditLink')} →
                  </Link>
                </p>
              ) : null}
            </section>
            <section className="card" aria-labelledby="pd-desc">
              <h2 id="pd-desc">{t('project.description')}</h2>
              <p className="prose">{pick(project.description) || t('common.none')}</p>
            </section>
          </div>
          <section className="card" aria-labelledby="pd-ms">
            <h2 id="pd-ms">{t('project.milestones')}</h2>
            <Milestones project={project} />
          </section>
        </>
      ) : null}
    </Page>
  );
}
