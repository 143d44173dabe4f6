import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

interface PageProps {
  title: string;
  lead?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  badge?: ReactNode;
}

/** A page with its heading; the heading takes focus when the page opens so screen readers announce it. */
export function Page({ title, lead, actions, children, testId, badge }: PageProps) {
  const { t } = useI18n();
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  useEffect(() => {
    // Only move focus after in-app navigation, not on first load (keeps the skip link first).
    if (document.activeElement && document.activeElement !== document.body) h1.current?.focus({ preventScroll: false });
  }, []);
  return (
    <section className="page" data-testid={testId} aria-labelledby="page-title">
      <div className="page-head">
        <div>
          <h1 id="page-title" ref={h1} tabIndex={-1}>
            {title}
            {badge}
          </h1>
          {lead ? <p className="lead">{lead}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}
