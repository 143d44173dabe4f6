import { Page } from '../components/Page';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../lib/router';

export interface ComingSoonSpec {
  id: string;
  title: MessageKey;
  basis: MessageKey;
  groups: { heading?: MessageKey; items: MessageKey[] }[];
}

export const COMING: Record<string, ComingSoonSpec> = {
  // ecology: built (pages/Ecology.tsx), with its own list of what is still coming.
  industry: {
    id: 'industry',
    title: 'industry.title',
    basis: 'industry.basis',
    groups: [{ items: ['industry.f1', 'industry.f2', 'industry.f3'] }],
  },
  services: {
    id: 'services',
    title: 'services.title',
    basis: 'services.basis',
    groups: [{ items: ['services.f1', 'services.f2', 'services.f3'] }],
  },
  platforms: {
    id: 'platforms',
    title: 'platforms.title',
    basis: 'platforms.basis',
    groups: [{ items: ['platforms.f1', 'platforms.f2', 'platforms.f3'] }],
  },
};

/** A domain page that is not built yet: says plainly what it will do, shows no data. */
export function ComingSoonPage({ spec }: { spec: ComingSoonSpec }) {
  const { t } = useI18n();
  return (
    <Page
      title={t(spec.title)}
      testId={`page-${spec.id}`}
      badge={
        <span className="badge badge-coming" data-testid="coming-badge">
          {t('coming.badge')}
        </span>
      }
    >
      <section className="card">
        <h2 className="h-small">{t('coming.planBasis')}</h2>
        <blockquote className="plan-basis">{t(spec.basis)}</blockquote>
      </section>
      <section className="card">
        <p>{t('coming.intro')}</p>
        {spec.groups.map((g, i) => (
          <div key={g.heading ?? i}>
            {g.heading ? <h2 className="h-small">{t(g.heading)}</h2> : null}
            <ul className="feature-list">
              {g.items.map((k) => (
                <li key={k}>{t(k)}</li>
              ))}
            </ul>
          </div>
        ))}
        <p>
          <Link to="/goals">{t('coming.goalsLink')} →</Link>
        </p>
      </section>
    </Page>
  );
}
