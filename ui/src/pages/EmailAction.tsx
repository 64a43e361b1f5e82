// The record card's e-mail button: "Write an e-mail" on records activities link to, "Reply" on an
// e-mail activity. Shown only where the e-mail connector is installed and the user has an account to
// send from.
import { useState } from 'react';
import { ACTIVITY_ENTITY, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { emailApi } from '../api/email.ts';
import type { ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useConnectorEnabled } from '../components/ConnectorOff.tsx';
import { useLoad } from '../components/ui.tsx';
import { EmailComposeDialog, type ComposeMode } from './EmailComposeDialog.tsx';

export function EmailAction({ model, entity, record }: { model: Model; entity: EntityModel; record: ApiRecord }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<ComposeMode | null>(null);
  const enabled = useConnectorEnabled('email');
  const installed = model.entities.has('email_account') && enabled === true;
  const reply = entity.name === ACTIVITY_ENTITY && record.kind === 'email';
  const applies = installed && (reply || (entity.activities && entity.name !== ACTIVITY_ENTITY));
  const { data: accounts } = useLoad((signal) => (applies ? emailApi.accounts(signal) : Promise.resolve([])), [applies]);
  if (!applies || !accounts?.length) return null;
  const modes: [ComposeMode, string][] = reply
    ? [
        ['reply', t('mail.reply')],
        ['replyAll', t('mail.replyAll')],
        ['forward', t('mail.forward')],
      ]
    : [['new', t('mail.compose')]];
  return (
    <>
      {modes.map(([mode, caption]) => (
        <button key={mode} type="button" className="btn" onClick={() => setOpen(mode)}>
          {caption}
        </button>
      ))}
      {open && <EmailComposeDialog accounts={accounts} target={{ entity: entity.name, record }} mode={open} onClose={() => setOpen(null)} />}
    </>
  );
}
