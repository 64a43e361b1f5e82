// A page that lives on a connector (mail, fiscal printers) on an installation where that connector is
// not switched on: its routes answer 404, so the page says what to do instead of "something went
// wrong", and links to Administration → Connectors.
import type { ReactNode } from 'react';
import { connectorsApi } from '../api/connectors.ts';
import { useI18n } from '../app/i18n.tsx';
import { Link } from '../app/router.tsx';
import { Spinner, useLoad } from './ui.tsx';

/** Whether the connector is enabled (null while loading). */
export function useConnectorEnabled(id: string): boolean | null {
  const enabled = useLoad((signal) => connectorsApi.enabled(signal), []);
  if (enabled.loading) return null;
  return enabled.data?.includes(id) ?? false;
}

/** The note for a connector that is off, with the way to switch it on (a spinner while that is being asked). */
export function ConnectorOff({ enabled, note }: { enabled: boolean | null; note: ReactNode }) {
  const { t } = useI18n();
  if (enabled === null) return <Spinner />;
  return (
    <div className="card" role="note">
      <p>{note}</p>
      <Link to="/admin/connectors">{t('mail.disabledLink')}</Link>
    </div>
  );
}
