import { useI18n, type MessageKey } from '../i18n/i18n';
import { isActive, Link, useLocation } from '../lib/router';
import { useSession } from '../lib/session';

export interface NavItem {
  path: string;
  label: MessageKey;
  id: string;
  adminOnly?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { path: '/', label: 'nav.overview', id: 'overview' },
  { path: '/goals', label: 'nav.goals', id: 'goals' },
  { path: '/projects', label: 'nav.projects', id: 'projects' },
  { path: '/transport', label: 'nav.transport', id: 'transport' },
  { path: '/ecology', label: 'nav.ecology', id: 'ecology' },
  { path: '/industry', label: 'nav.industry', id: 'industry' },
  { path: '/services', label: 'nav.services', id: 'services' },
  { path: '/platforms', label: 'nav.platforms', id: 'platforms' },
  { path: '/audit', label: 'nav.audit', id: 'audit', adminOnly: true },
];

export function Nav() {
  const { t } = useI18n();
  const { path } = useLocation();
  const session = useSession();
  return (
    <nav className="app-nav" aria-label={t('nav.aria')}>
      <ul>
        {NAV_ITEMS.map((item) => {
          const active = isActive(path, item.path);
          return (
            <li key={item.id}>
              <Link
                to={item.path}
                className={`nav-link${active ? ' active' : ''}${item.adminOnly && !session.isAdmin ? ' nav-muted' : ''}`}
                aria-current={active ? 'page' : undefined}
                data-testid={`nav-${item.id}`}
              >
                {t(item.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
