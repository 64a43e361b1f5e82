// The record card's e-mail button: "Write an e-mail" on records activities link to, "Reply" on an
// e-mail activity. Shown only where the e-mail connector is installed and the user has an account to
// send from.
import { useState } from 'react';
import { ACTIVITY_ENTITY, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { emailApi } from '../api/email.ts';
import type { ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useLoad } from '../components/ui.tsx';
import { EmailComposeDialog } from './EmailComposeDialog.tsx';

export function EmailAction({ model, entity, record }: { model: Model; entity: EntityModel; record: ApiRecord }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const installed = model.entities.has('email_account');
  const reply = entity.name === ACTIVITY_ENTITY && record.kind === 'email';
  const applies = installed && (reply || (entity.activities && entity.name !== ACTIVITY_ENTITY));
  const { data: accounts } = useLoad((signal) => (applies ? emailApi.accounts(signal) : Promise.resolve([])), [applies]);
  if (!applies || !accounts?.length) return null;
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        {reply ? t('mail.reply') : t('mail.compose')}
      </button>
      {open && <EmailComposeDialog accounts={accounts} target={{ entity: entity.name, record }} onClose={() => setOpen(false)} />}
    </>
  );
}
