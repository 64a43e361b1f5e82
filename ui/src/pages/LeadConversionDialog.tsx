// Converting a lead from its card: contractor (new from the lead's company, or an existing one),
// contact person (new from the lead's contact, existing, or none) and the deal's name, in one step
// (POST /api/records/lead/:id/convert, one transaction on the server). Refusals are shown by the
// part of the conversion they concern, in the user's language.
import { useState, type FormEvent } from 'react';
import { problemText } from '../../../forms/index.ts';
import type { Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { convertLead, type ApiRecord, type ConversionChoice, type LeadConversion } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { RecordPicker } from '../components/RecordPicker.tsx';
import { Modal } from '../components/ui.tsx';

type Mode = 'new' | 'existing' | 'none';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const refId = (value: unknown): string | null => (typeof value === 'string' ? value : value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : null);

/** "Jan Maria Kowalski" → ["Jan Maria", "Kowalski"], as the server splits a lead's contact. */
function splitName(name: string): [string, string] {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const last = words.pop() ?? '';
  return [words.join(' ') || last, last];
}

export function LeadConversionDialog({ model, lead, onClose, onConverted }: { model: Model; lead: ApiRecord; onClose(): void; onConverted(result: LeadConversion): void }) {
  const { t, language } = useI18n();
  const [contractorMode, setContractorMode] = useState<Mode>(refId(lead.contractor) ? 'existing' : 'new');
  const [contractorName, setContractorName] = useState(text(lead.company_name) || text(lead.title));
  const [contractorId, setContractorId] = useState<string | null>(refId(lead.contractor));
  const [personMode, setPersonMode] = useState<Mode>(text(lead.contact_name) ? 'new' : 'none');
  const [[firstName, lastName], setName] = useState<[string, string]>(splitName(text(lead.contact_name)));
  const [personId, setPersonId] = useState<string | null>(null);
  const [dealName, setDealName] = useState(text(lead.title));
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const contractor: ConversionChoice = contractorMode === 'existing' && contractorId ? { id: contractorId } : { values: { name: contractorName } };
    const person: ConversionChoice | null = personMode === 'none' ? null : personMode === 'existing' && personId ? { id: personId } : { values: { first_name: firstName, last_name: lastName } };
    setBusy(true);
    try {
      onConverted(await convertLead(String(lead.id), { contractor, person, deal: { values: { name: dealName } } }));
    } catch (error) {
      if (!(error instanceof ApiError)) setProblems([String(error)]);
      else setProblems(error.problem.errors?.length ? error.problem.errors.map((p) => problemText(p, language)) : [error.problem.detail ?? error.message]);
    } finally {
      setBusy(false);
    }
  };

  const radio = (name: string, mode: Mode, current: Mode, set: (m: Mode) => void, caption: string) => (
    <label className="checkbox">
      <input type="radio" name={name} value={mode} checked={current === mode} onChange={() => set(mode)} />
      <span>{caption}</span>
    </label>
  );

  return (
    <Modal
      title={t('convert.title', { name: text(lead.title) })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="lead-conversion" className="btn btn-primary" disabled={busy}>
            {t('convert.submit')}
          </button>
        </>
      }
    >
      <form id="lead-conversion" className="admin-form" onSubmit={(e) => void submit(e)}>
        {problems.length > 0 && (
          <div className="form-banner" role="alert">
            {problems.map((p, i) => (
              <div key={i}>{p}</div>
            ))}
          </div>
        )}
        <p className="muted">{t('convert.carried')}</p>
        <fieldset className="field">
          <legend className="field-label">{t('convert.contractor')}</legend>
          {radio('contractor', 'new', contractorMode, setContractorMode, t('convert.newContractor'))}
          {contractorMode === 'new' && <input className="input" aria-label={t('convert.newContractor')} value={contractorName} onChange={(e) => setContractorName(e.target.value)} />}
          {radio('contractor', 'existing', contractorMode, setContractorMode, t('convert.existingContractor'))}
          {contractorMode === 'existing' && <RecordPicker model={model} target="contractor" value={contractorId} onChange={(id) => setContractorId(id)} />}
        </fieldset>
        <fieldset className="field">
          <legend className="field-label">{t('convert.person')}</legend>
          {radio('person', 'new', personMode, setPersonMode, t('convert.newPerson'))}
          {personMode === 'new' && (
            <div className="convert-name">
              <input className="input" aria-label={t('convert.firstName')} placeholder={t('convert.firstName')} value={firstName} onChange={(e) => setName([e.target.value, lastName])} />
              <input className="input" aria-label={t('convert.lastName')} placeholder={t('convert.lastName')} value={lastName} onChange={(e) => setName([firstName, e.target.value])} />
            </div>
          )}
          {radio('person', 'existing', personMode, setPersonMode, t('convert.existingPerson'))}
          {personMode === 'existing' && <RecordPicker model={model} target="person" value={personId} onChange={(id) => setPersonId(id)} />}
          {radio('person', 'none', personMode, setPersonMode, t('convert.noPerson'))}
        </fieldset>
        <label className="field">
          <span className="field-label">{t('convert.dealName')}</span>
          <input className="input" value={dealName} onChange={(e) => setDealName(e.target.value)} />
        </label>
      </form>
    </Modal>
  );
}
