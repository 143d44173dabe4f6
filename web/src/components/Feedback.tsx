import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { useI18n, type I18n } from '../i18n/i18n';

/** The sentence the user should read for an API error, in the current language. */
export function errorSummary(error: ApiError, t: I18n['t']): string {
  switch (error.status) {
    case 0:
      return t('error.network');
    case 401:
      return t('error.401');
    case 403:
      return t('error.403');
    case 404:
      return t('error.404');
    case 409:
      return t('error.409');
    case 400:
    case 422:
      return t('error.422');
    default:
      return error.problem ? t('error.generic', { status: error.status }) : t('error.badResponse');
  }
}

interface ErrorBoxProps {
  error: ApiError;
  onRetry?: () => void;
  /** Also list field errors (when they are not shown beside form fields). */
  listFields?: boolean;
  children?: ReactNode;
  testId?: string;
}

export function ErrorBox({ error, onRetry, listFields = false, children, testId = 'error' }: ErrorBoxProps) {
  const { t } = useI18n();
  const summary = errorSummary(error, t);
  const detail = error.problem?.detail ?? error.problem?.title;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-status={error.status}>
      <p className="alert-title">{summary}</p>
      {detail && detail !== summary ? <p className="alert-detail">{detail}</p> : null}
      {listFields && error.fieldErrors.length > 0 ? (
        <ul className="alert-list">
          {error.fieldErrors.map((fe, i) => (
            <li key={`${fe.field}-${i}`}>
              {fe.field ? <code>{fe.field}</code> : null} {fe.message}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      {label ?? t('common.loading')}
    </p>
  );
}
