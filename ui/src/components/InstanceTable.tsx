// Workflow instances as rows linking to their diagram (the modeler's instance view).
import type { InstanceSummary } from '../api/workflows.ts';
import { useI18n } from '../app/i18n.tsx';
import { Link } from '../app/router.tsx';
import { formatDateTime } from './format.ts';

/** An instance's status in the user's language (the raw value for one the app does not know). */
export function instanceStatus(t: ReturnType<typeof useI18n>['t'], status: string): string {
  return status === 'active' || status === 'completed' || status === 'terminated' ? t(`instance.${status}`) : status;
}

export function InstanceTable({ instances, onOpen }: { instances: readonly InstanceSummary[]; onOpen?: () => void }) {
  const { locale, t } = useI18n();
  return (
    <table className="fields-table">
      <tbody>
        {instances.map((i) => (
          <tr key={i.id}>
            <td>
              <Link to={`/modeler?instance=${i.id}`} onClick={onOpen}>
                {i.processId} v{i.version}
              </Link>
            </td>
            <td>{instanceStatus(t, i.status)}</td>
            <td>{i.activeElementIds.join(', ')}</td>
            <td>{formatDateTime(i.startedAt, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
