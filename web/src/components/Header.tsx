import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { cityNameOf, nameOf, useCities, useDepartments } from '../lib/reference';
import { Link } from '../lib/router';
import { useSession } from '../lib/session';
import { setLang, setToken, useSettings } from '../lib/settings';
import { errorSummary } from './Feedback';

function LangSwitch() {
  const { lang, t } = useI18n();
  const target = lang === 'zh' ? 'en' : 'zh';
  return (
    <button
      type="button"
      className="btn btn-ghost lang-switch"
      data-testid="lang-switch"
      lang={target === 'en' ? 'en' : 'zh-CN'}
      aria-label={t('lang.switch.aria')}
      onClick={() => setLang(target)}
    >
      {t('lang.switch')}
    </button>
  );
}

function SessionStatus() {
  const { t, pick } = useI18n();
  const session = useSession();
  const cities = useCities();
  const departments = useDepartments();

  let text: string;
  let cls = 'session-status';
  if (session.state === 'checking') text = t('token.checking');
  else if (session.state === 'invalid') {
    text = t('token.invalid');
    cls += ' session-bad';
  } else if (session.state === 'error' && session.error) {
    text = t('token.error', { detail: errorSummary(session.error, t) });
    cls += ' session-bad';
  } else if (session.state === 'signed-in' && session.me?.authenticated) {
    const { role, scope, label } = session.me;
    const parts: string[] = [];
    if (scope.cityId) parts.push(pick(cityNameOf(cities, scope.cityId)));
    if (scope.departmentId) parts.push(pick(nameOf(departments, scope.departmentId)));
    const scopeText = parts.length > 0 ? t('token.scope', { scope: parts.join(' · ') }) : t('token.scope.all');
    text = `${label ? `${label} · ` : ''}${t('token.role', { role: t(`role.${role}`) })} · ${scopeText}`;
    cls += ' session-ok';
  } else text = t('token.anonymous');

  return (
    <p className={cls} data-testid="session-status" data-role={session.role ?? ''} aria-live="polite">
      {text}
    </p>
  );
}

function TokenField() {
  const { t } = useI18n();
  const { token } = useSettings();
  const [draft, setDraft] = useState(token ?? '');
  const [visible, setVisible] = useState(false);
  const id = useId();

  // Keep the field in step when the token changes elsewhere (another tab, sign-out).
  useEffect(() => setDraft(token ?? ''), [token]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setToken(draft);
  };

  return (
    <form className="token-form" onSubmit={submit} data-testid="token-form">
      <label htmlFor={id} className="token-label">
        {t('token.label')}
      </label>
      <input
        id={id}
        className="token-input"
        data-testid="token-input"
        type={visible ? 'text' : 'password'}
        autoComplete="off"
        spellCheck={false}
        placeholder={t('token.placeholder')}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button
        type="button"
        className="btn btn-ghost btn-small btn-icon"
        aria-pressed={visible}
        aria-label={visible ? t('token.hide') : t('token.show')}
        title={visible ? t('token.hide') : t('token.show')}
        onClick={() => setVisible((v) => !v)}
      >
        {visible ? t('token.hideShort') : t('token.showShort')}
      </button>
      <button type="submit" className="btn btn-small" data-testid="token-apply">
        {t('token.apply')}
      </button>
      {token ? (
        <button
          type="button"
          className="btn btn-ghost btn-small"
          data-testid="token-clear"
          onClick={() => {
            setDraft('');
            setToken(null);
          }}
        >
          {t('token.clear')}
        </button>
      ) : null}
    </form>
  );
}

export function Header() {
  const { t } = useI18n();
  return (
    <header className="app-header">
      <div className="brand">
        <Link to="/" className="brand-link">
          <span className="brand-mark" aria-hidden="true">
            协
          </span>
          <span className="brand-text">
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-sub">{t('app.subtitle')}</span>
          </span>
        </Link>
      </div>
      <div className="header-tools">
        <div className="identity">
          <TokenField />
          <SessionStatus />
        </div>
        <LangSwitch />
      </div>
    </header>
  );
}
