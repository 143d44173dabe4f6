import { useId } from 'react';
import { LIGHT_COLORS, PROJECT_STATUSES, type ListResponse, type Project } from '../api/types';
import { ErrorBox, Loading } from '../components/Feedback';
import { Page } from '../components/Page';
import { Progress, StatusBadge, StatusLight } from '../components/StatusLight';
import { useI18n } from '../i18n/i18n';
import { cityNameOf, nameOf, useCategories, useCities, useDepartments } from '../lib/reference';
import { Link, navigate, useLocation } from '../lib/router';
import { useApi } from '../lib/useApi';

const FILTER_KEYS = ['category', 'city', 'status', 'light'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

interface SelectProps {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
  testId: string;
}

function FilterSelect({ label, value, options, onChange, testId }: SelectProps) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{t('common.all')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ProjectsPage() {
  const { t, pick, formatInstant } = useI18n();
  const { search } = useLocation();
  const categories = useCategories();
  const cities = useCities();
  const departments = useDepartments();

  // Filters live in the URL so a filtered list can be bookmarked and shared.
  const filters: Record<FilterKey, string> = {
    category: search.get('category') ?? '',
    city: search.get('city') ?? '',
    status: search.get('status') ?? '',
    light: search.get('light') ?? '',
  };
  const setFilter = (key: FilterKey, value: string) => {
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = k === key ? value : filters[k];
      if (v) next.set(k, v);
    }
    const qs = next.toString();
    navigate(qs ? `/projects?${qs}` : '/projects', { replace: true });
  };
  const anyFilter = FILTER_KEYS.some((k) => filters[k] !== '');

  const { data, error, loading, reload } = useApi<ListResponse<Project>>('/api/plan/projects', filters);

  return (
    <Page title={t('projects.title')} lead={t('projects.lead')} testId="page-projects">
      <form className="filters" role="search" aria-label={t('common.filter')} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          label={t('projects.filter.category')}
          value={filters.category}
          testId="filter-category"
          onChange={(v) => setFilter('category', v)}
          options={(categories ?? []).map((c) => ({ value: c.id, label: pick(c.name) }))}
        />
        <FilterSelect
          label={t('projects.filter.city')}
          value={filters.city}
          testId="filter-city"
          onChange={(v) => setFilter('city', v)}
          options={(cities ?? []).map((c) => ({ value: c.id, label: pick({ zh: c.name_zh, en: c.name_en }) }))}
        />
        <FilterSelect
          label={t('projects.filter.status')}
          value={filters.status}
          testId="filter-status"
          onChange={(v) => setFilter('status', v)}
          options={PROJECT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <FilterSelect
          label={t('projects.filter.light')}
          value={filters.light}
          testId="filter-light"
          onChange={(v) => setFilter('light', v)}
          options={LIGHT_COLORS.map((c) => ({ value: c, label: t(`light.${c}`) }))}
        />
        {anyFilter ? (
          <button type="button" className="btn btn-ghost" data-testid="filter-reset" onClick={() => navigate('/projects', { replace: true })}>
            {t('common.reset')}
          </button>
        ) : null}
      </form>

      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <p className="muted" aria-live="polite" data-testid="projects-total">
            {t('common.total', { n: data.total ?? data.items.length })}
            {loading ? ` · ${t('common.loading')}` : ''}
          </p>
          {data.items.length === 0 ? (
            <p className="empty" data-testid="projects-empty">
              {t('projects.empty')}
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table table-projects" data-testid="projects-table">
                <thead>
                  <tr>
                    <th scope="col">{t('projects.col.number')}</th>
                    <th scope="col">{t('projects.col.name')}</th>
                    <th scope="col">{t('projects.col.category')}</th>
                    <th scope="col">{t('projects.col.city')}</th>
                    <th scope="col">{t('projects.col.department')}</th>
                    <th scope="col">{t('projects.col.status')}</th>
                    <th scope="col">{t('projects.col.light')}</th>
                    <th scope="col">{t('projects.col.progress')}</th>
                    <th scope="col">{t('projects.col.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((p) => (
                    <tr
                      key={p.id}
                      data-testid={`project-row-${p.id}`}
                      className="row-link"
                      onClick={(e) => {
                        // Let real links and text selection behave normally.
                        if ((e.target as HTMLElement).closest('a') || window.getSelection()?.toString()) return;
                        navigate(`/projects/${encodeURIComponent(p.id)}`);
                      }}
                    >
                      <td className="nowrap">{p.number ?? t('common.none')}</td>
                      <th scope="row">
                        <Link to={`/projects/${encodeURIComponent(p.id)}`} data-testid={`project-link-${p.id}`}>
                          {pick(p.name)}
                        </Link>
                      </th>
                      <td>{pick(nameOf(categories, p.category))}</td>
                      <td className="nowrap">{pick(cityNameOf(cities, p.cityId))}</td>
                      <td>{pick(nameOf(departments, p.ownerDepartment))}</td>
                      <td className="nowrap">
                        <StatusBadge status={p.status} />
                      </td>
                      <td className="nowrap">
                        <StatusLight light={p.light} />
                      </td>
                      <td className="nowrap">
                        <Progress planned={p.light.plannedPct} actual={p.light.actualPct} />
                      </td>
                      <td className="nowrap muted small">{formatInstant(p.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </Page>
  );
}
