import { Header } from './components/Header';
import { Nav } from './components/Nav';
import { Page } from './components/Page';
import { useI18n } from './i18n/i18n';
import { useLocation } from './lib/router';
import { SessionProvider } from './lib/session';
import { AuditPage } from './pages/Audit';
import { COMING, ComingSoonPage } from './pages/ComingSoon';
import { EcologyPage } from './pages/Ecology';
import { GoalsPage } from './pages/Goals';
import { OverviewPage } from './pages/Overview';
import { ProjectDetailPage } from './pages/ProjectDetail';
import { ProjectsPage } from './pages/Projects';
import { TransportPage } from './pages/Transport';

function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t('notFound.title')} testId="page-not-found">
      <p>{t('notFound.body')}</p>
    </Page>
  );
}

function Routes() {
  const { path } = useLocation();
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (clean === '/') return <OverviewPage />;
  if (clean === '/goals') return <GoalsPage />;
  if (clean === '/projects') return <ProjectsPage />;
  const m = /^\/projects\/([^/]+)$/.exec(clean);
  if (m?.[1]) {
    const id = decodeURIComponent(m[1]);
    return <ProjectDetailPage key={id} id={id} />;
  }
  if (clean === '/transport') return <TransportPage />;
  if (clean === '/ecology') return <EcologyPage />;
  if (clean === '/audit') return <AuditPage />;
  const coming = COMING[clean.slice(1)];
  if (coming) return <ComingSoonPage key={coming.id} spec={coming} />;
  return <NotFound />;
}

export function App() {
  const { t } = useI18n();
  const { path } = useLocation();
  return (
    <SessionProvider>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <div className="app">
        <Header />
        <div className="app-body">
          <Nav />
          <main id="main" className="app-main" tabIndex={-1}>
            {/* key: a new page gets fresh state and its heading takes focus */}
            <Routes key={path} />
          </main>
        </div>
        <footer className="app-footer">
          <p>{t('app.footer')}</p>
        </footer>
      </div>
    </SessionProvider>
  );
}
