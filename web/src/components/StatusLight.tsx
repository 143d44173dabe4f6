import type { Light, ProjectStatus } from '../api/types';
import { useI18n } from '../i18n/i18n';

export function StatusLight({ light, showReason = false }: { light: Light; showReason?: boolean }) {
  const { t, pick, formatNumber } = useI18n();
  const label = t(`light.${light.color}`);
  const reason = pick(light.reason);
  return (
    <span className={`light light-${light.color}`} title={reason || undefined} data-light={light.color}>
      <span className="light-dot" aria-hidden="true" />
      <span className="light-label">{label}</span>
      {light.behindPoints !== null && light.behindPoints > 0 ? (
        <span className="light-behind">({t('light.behind', { n: formatNumber(light.behindPoints, 1) })})</span>
      ) : null}
      {showReason && reason ? <span className="light-reason">{reason}</span> : null}
    </span>
  );
}

export function StatusBadge({ status }: { status: ProjectStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

export function Progress({ planned, actual }: { planned: number | null; actual: number | null }) {
  const { formatNumber, t } = useI18n();
  const fmt = (n: number | null) => (n === null ? t('common.none') : `${formatNumber(n, 0)}%`);
  return (
    <span className="progress-pair">
      {fmt(planned)} / {fmt(actual)}
    </span>
  );
}
