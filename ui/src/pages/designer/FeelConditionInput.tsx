// A FEEL condition over a record, checked as it is typed with the FEEL code the server runs
// (metadata/feel.ts): a syntax error is shown with where it is, and names that are not fields of the
// record are flagged (a name FEEL does not find reads as null, so the condition would quietly fail).
import { useId, useMemo } from 'react';
import { feelConditionProblems } from '../../../../metadata/browser.ts';
import { useI18n } from '../../app/i18n.tsx';

export interface FeelConditionInputProps {
  readonly label: string;
  readonly value: string;
  /** The record's field names the condition may read. */
  readonly fields: readonly string[];
  readonly help?: string;
  onChange(value: string): void;
}

export function FeelConditionInput({ label, value, fields, help, onChange }: FeelConditionInputProps) {
  const { t } = useI18n();
  const id = useId();
  const { syntax, unknown } = useMemo(() => (value.trim() ? feelConditionProblems(value, fields) : { syntax: null, unknown: [] }), [value, fields]);
  // Characters counted from 1, as a person counts them.
  const at = (p: { from: number; to: number }) => ({ from: p.from + 1, to: Math.max(p.from + 1, p.to) });
  const problems = syntax ? [t('designer.feelSyntax', { ...at(syntax.position), message: syntax.message })] : unknown.map((r) => t('designer.feelUnknown', { name: r.name, ...at(r.position) }));
  return (
    <label className="lang-input feel-input">
      <span>{label}</span>
      <input className="input mono" aria-label={label} aria-invalid={problems.length > 0} aria-describedby={`${id}-state`} spellCheck={false} value={value} placeholder='contractor_type = "company"' title={help} onChange={(e) => onChange(e.target.value)} />
      <span id={`${id}-state`} role="status" className={problems.length > 0 ? 'field-errors' : 'muted'}>
        {problems.length > 0 ? problems.join(' · ') : value.trim() ? t('designer.feelValid') : ''}
      </span>
    </label>
  );
}
