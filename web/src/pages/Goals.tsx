import { useEffect } from 'react';
import type { Goal, Indicator } from '../api/types';
import { ErrorBox, Loading } from '../components/Feedback';
import { Page } from '../components/Page';
import { useI18n } from '../i18n/i18n';
import { usePlanTree } from '../lib/goals';

function IndicatorRow({ ind }: { ind: Indicator }) {
  const { t, pick, formatNumber, formatInstant } = useI18n();
  const unit = pick(ind.unit);
  const target =
    ind.target !== null ? `${formatNumber(ind.target)}${unit ? ` ${unit}` : ''}` : ind.targetText ? pick(ind.targetText) : t('common.none');
  return (
    <tr data-testid={`indicator-row-${ind.id}`}>
      <th scope="row">{pick(ind.name)}</th>
      <td className="nowrap">{unit || t('common.none')}</td>
      <td>{target}</td>
      <td className="nowrap">
        <span className={`direction direction-${ind.direction}`}>{t(`direction.${ind.direction}`)}</span>
      </td>
      <td>
        <code className="engine">{ind.engine}</code>
      </td>
      <td data-testid={`indicator-value-${ind.id}`} className="nowrap">
        {ind.value === null ? (
          <span className="not-measured">{t('goals.notMeasured')}</span>
        ) : (
          <>
            <strong>{formatNumber(ind.value)}</strong>
            {unit ? ` ${unit}` : ''}
            {ind.measuredAt ? (
              <span className="muted small block">{t('goals.measuredAt', { at: formatInstant(ind.measuredAt) })}</span>
            ) : null}
          </>
        )}
      </td>
    </tr>
  );
}

function GoalCard({ goal }: { goal: Goal }) {
  const { t, pick } = useI18n();
  const headingId = `goal-${goal.id}`;
  // The bundled plan text is an English translation of the Chinese plan; say so when that is what we show.
  const quoteIsZh = /[\u4e00-\u9fff]/.test(goal.sourceQuote ?? '');
  return (
    <article className="goal card" aria-labelledby={headingId} data-testid={`goal-${goal.id}`}>
      <h3 id={headingId}>{pick(goal.name)}</h3>
      {pick(goal.description) ? <p>{pick(goal.description)}</p> : null}
      {goal.sourceQuote ? (
        <figure className="quote">
          <figcaption>{quoteIsZh ? t('goals.sourceQuote') : t('goals.sourceQuoteEn')}</figcaption>
          <blockquote lang={quoteIsZh ? 'zh-CN' : 'en'}>{goal.sourceQuote}</blockquote>
        </figure>
      ) : null}
      {goal.indicators.length === 0 ? (
        <p className="muted">{t('goals.noIndicators')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('goals.col.indicator')}</th>
                <th scope="col">{t('goals.col.unit')}</th>
                <th scope="col">{t('goals.col.target')}</th>
                <th scope="col">{t('goals.col.direction')}</th>
                <th scope="col">{t('goals.col.engine')}</th>
                <th scope="col">{t('goals.col.value')}</th>
              </tr>
            </thead>
            <tbody>
              {goal.indicators.map((ind) => (
                <IndicatorRow key={ind.id} ind={ind} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

export function GoalsPage() {
  const { t, pick } = useI18n();
  const { tree, error, loading, reload } = usePlanTree();

  // Deep links such as /goals#pillar-transport: scroll once the content exists.
  useEffect(() => {
    if (!tree || !window.location.hash) return;
    const el = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    el?.scrollIntoView({ block: 'start' });
  }, [tree]);

  return (
    <Page title={t('goals.title')} lead={t('goals.lead')} testId="page-goals">
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {loading && !tree ? <Loading /> : null}
      {tree ? (
        <div className="goals-layout">
          <nav className="subnav" aria-label={t('goals.pillarNav')}>
            <ul>
              {tree.pillars.map(({ pillar }) => (
                <li key={pillar.id}>
                  <a href={`#pillar-${pillar.id}`}>{pick(pillar.name)}</a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="goals-main">
            {tree.pillars.map(({ pillar, goals }) => (
              <section key={pillar.id} id={`pillar-${pillar.id}`} className="pillar" aria-labelledby={`ph-${pillar.id}`} data-testid={`pillar-${pillar.id}`}>
                <h2 id={`ph-${pillar.id}`}>{pick(pillar.name)}</h2>
                {pick(pillar.summary) ? <p className="muted">{pick(pillar.summary)}</p> : null}
                {goals.length === 0 ? <p className="muted">{t('goals.noGoals')}</p> : goals.map((g) => <GoalCard key={g.id} goal={g} />)}
              </section>
            ))}
          </div>
        </div>
      ) : null}
    </Page>
  );
}
