import { LIGHT_COLORS, type ListResponse, type Project } from '../api/types';
import { ErrorBox, Loading } from '../components/Feedback';
import { Page } from '../components/Page';
import { RegionMap } from '../components/RegionMap';
import { useI18n } from '../i18n/i18n';
import { usePlanTree } from '../lib/goals';
import { Link } from '../lib/router';
import { useApi } from '../lib/useApi';

export const CENTRE_CITY_ID = 'shijiazhuang';

function ProjectSummary() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useApi<ListResponse<Project>>('/api/plan/projects');
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  const total = data.total ?? data.items.length;
  const counts = LIGHT_COLORS.map((c) => ({ color: c, n: data.items.filter((p) => p.light.color === c).length }));
  return (
    <>
      <p>{t('overview.projects.count', { n: total })}</p>
      <ul className="stat-row" data-testid="overview-lights">
        {counts.map(({ color, n }) => (
          <li key={color}>
            <Link to={`/projects?light=${color}`} className={`stat stat-${color}`} data-testid={`overview-light-${color}`}>
              <span className="stat-value">{n}</span>
              <span className="stat-label">
                <span className={`light light-${color}`}>
                  <span className="light-dot" aria-hidden="true" />
                </span>
                {t(`light.${color}`)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/projects">{t('overview.projects.link')} →</Link>
      </p>
    </>
  );
}

function PlanSummary() {
  const { t, pick } = useI18n();
  const { tree, error, loading, reload } = usePlanTree();
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (loading || !tree) return <Loading />;
  const goals = tree.pillars.flatMap((p) => p.goals);
  const indicators = goals.flatMap((g) => g.indicators);
  const measured = indicators.filter((i) => i.value !== null).length;
  return (
    <>
      <p>{t('overview.indicators.summary', { goals: goals.length, indicators: indicators.length, measured })}</p>
      <h3 className="h-small">{t('overview.pillars.title')}</h3>
      <ul className="pillar-list">
        {tree.pillars.map(({ pillar, goals: g }) => (
          <li key={pillar.id}>
            <Link to={`/goals#pillar-${pillar.id}`} className="pillar-link">
              <strong>{pick(pillar.name)}</strong>
              <span className="muted"> · {t('overview.pillar.goals', { n: g.length })}</span>
            </Link>
            <p className="muted small">{pick(pillar.summary)}</p>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/goals">{t('overview.indicators.link')} →</Link>
      </p>
    </>
  );
}

export function OverviewPage() {
  const { t } = useI18n();
  return (
    <Page title={t('overview.title')} lead={t('overview.lead')} testId="page-overview">
      <div className="overview-grid">
        <section className="card map-card" aria-labelledby="ov-map">
          <h2 id="ov-map">{t('overview.map.title')}</h2>
          <RegionMap highlightId={CENTRE_CITY_ID} showLegend />
          <p className="caption">{t('overview.map.caption')}</p>
        </section>
        <div className="overview-side">
          <section className="card" aria-labelledby="ov-projects">
            <h2 id="ov-projects">{t('overview.projects.title')}</h2>
            <ProjectSummary />
          </section>
          <section className="card" aria-labelledby="ov-goals">
            <h2 id="ov-goals">{t('overview.indicators.title')}</h2>
            <PlanSummary />
          </section>
        </div>
      </div>
    </Page>
  );
}
