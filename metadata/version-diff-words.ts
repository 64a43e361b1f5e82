// The words of a metadata version's diff (version-diff.ts) in pl/en/ro: one sentence per change.
import type { ChangeOp, VersionChange } from './version-diff.ts';

export type DiffLanguage = 'en' | 'pl' | 'ro';

const ITEM_WORDS: Record<string, Record<DiffLanguage, string>> = {
  entity: { en: 'entity type', pl: 'typ encji', ro: 'tip de entitate' },
  activityKind: { en: 'activity kind', pl: 'rodzaj aktywności', ro: 'tip de activitate' },
  pipeline: { en: 'pipeline', pl: 'lejek', ro: 'pipeline' },
  statusMachine: { en: 'status machine', pl: 'maszyna statusów', ro: 'mașină de stări' },
  view: { en: 'view', pl: 'widok', ro: 'vizualizare' },
  role: { en: 'role', pl: 'rola', ro: 'rol' },
  trigger: { en: 'trigger', pl: 'wyzwalacz', ro: 'declanșator' },
  report: { en: 'report', pl: 'raport', ro: 'raport' },
  dashboard: { en: 'dashboard', pl: 'pulpit', ro: 'tablou de bord' },
  documentTemplate: { en: 'document template', pl: 'szablon dokumentu', ro: 'șablon de document' },
  manifest: { en: 'package manifest', pl: 'manifest pakietu', ro: 'manifestul pachetului' },
};

/** Templates: {item} the item's kind in words, {state} `stage` or `state` as the item has them, {name}, {part}, {property}, {before}, {after}. */
export const CHANGE_WORDS: Record<ChangeOp, Record<DiffLanguage, string>> = {
  itemAdded: { en: '{item} {name} added', pl: 'dodano {item} {name}', ro: '{item} {name} adăugat' },
  itemRemoved: { en: '{item} {name} removed', pl: 'usunięto {item} {name}', ro: '{item} {name} eliminat' },
  itemRenamed: { en: '{item} renamed from {before} to {after}', pl: 'zmieniono nazwę: {item} {before} → {after}', ro: '{item} redenumit din {before} în {after}' },
  propertyChanged: { en: '{item} {name}: {property} changed from {before} to {after}', pl: '{item} {name}: zmieniono {property} z {before} na {after}', ro: '{item} {name}: {property} schimbat din {before} în {after}' },
  fieldAdded: { en: 'field {part} added ({after})', pl: 'dodano pole {part} ({after})', ro: 'câmpul {part} adăugat ({after})' },
  fieldRemoved: { en: 'field {part} removed', pl: 'usunięto pole {part}', ro: 'câmpul {part} eliminat' },
  fieldRenamed: { en: 'field renamed from {before} to {after}', pl: 'zmieniono nazwę pola z {before} na {after}', ro: 'câmp redenumit din {before} în {after}' },
  fieldChanged: { en: 'field {part}: {property} changed from {before} to {after}', pl: 'pole {part}: zmieniono {property} z {before} na {after}', ro: 'câmpul {part}: {property} schimbat din {before} în {after}' },
  valueAdded: { en: 'field {part}: value {after} added', pl: 'pole {part}: dodano wartość {after}', ro: 'câmpul {part}: valoarea {after} adăugată' },
  valueRemoved: { en: 'field {part}: value {before} removed', pl: 'pole {part}: usunięto wartość {before}', ro: 'câmpul {part}: valoarea {before} eliminată' },
  stateAdded: { en: '{item} {name}: {state} {part} added', pl: '{item} {name}: dodano {state} {part}', ro: '{item} {name}: {state} {part} adăugată' },
  stateRemoved: { en: '{item} {name}: {state} {part} removed', pl: '{item} {name}: usunięto {state} {part}', ro: '{item} {name}: {state} {part} eliminată' },
  stateRenamed: { en: '{item} {name}: {state} renamed from {before} to {after}', pl: '{item} {name}: zmieniono nazwę – {state} {before} → {after}', ro: '{item} {name}: {state} {before} redenumită în {after}' },
  stateChanged: { en: '{item} {name}: {state} {part}: {property} changed from {before} to {after}', pl: '{item} {name}: {state} {part}: zmieniono {property} z {before} na {after}', ro: '{item} {name}: {state} {part}: {property} schimbat din {before} în {after}' },
  transitionAdded: { en: '{item} {name}: transition {part} added', pl: '{item} {name}: dodano przejście {part}', ro: '{item} {name}: tranziția {part} adăugată' },
  transitionRemoved: { en: '{item} {name}: transition {part} removed', pl: '{item} {name}: usunięto przejście {part}', ro: '{item} {name}: tranziția {part} eliminată' },
  transitionChanged: { en: '{item} {name}: transition {part}: {property} changed from {before} to {after}', pl: '{item} {name}: przejście {part}: zmieniono {property} z {before} na {after}', ro: '{item} {name}: tranziția {part}: {property} schimbat din {before} în {after}' },
  rightChanged: { en: 'role {name}: right {property} on {part} changed from {before} to {after}', pl: 'rola {name}: prawo {property} do {part} zmienione z {before} na {after}', ro: 'rolul {name}: dreptul {property} pe {part} schimbat din {before} în {after}' },
  fieldRightChanged: { en: 'role {name}: access to field {part}.{property} changed from {before} to {after}', pl: 'rola {name}: dostęp do pola {part}.{property} zmieniony z {before} na {after}', ro: 'rolul {name}: accesul la câmpul {part}.{property} schimbat din {before} în {after}' },
};

// A pipeline has stages, a status machine states (both feminine in Romanian, so the sentences agree).
const STAGE: Record<DiffLanguage, string> = { en: 'stage', pl: 'etap', ro: 'etapa' };
const STATE: Record<DiffLanguage, string> = { en: 'state', pl: 'stan', ro: 'starea' };
const NONE: Record<DiffLanguage, string> = { en: '(none)', pl: '(brak)', ro: '(nimic)' };
const MAX_VALUE = 80;

/** A value in a sentence: a label in the language, a list joined, anything else as short JSON. */
export function diffValue(value: unknown, language: DiffLanguage): string {
  if (value === undefined || value === null) return NONE[language];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && !Array.isArray(value) && typeof (value as Record<string, unknown>).en === 'string') {
    const label = value as Record<string, string>;
    return label[language] ?? label.en!;
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(', ');
  const json = JSON.stringify(value);
  return json.length > MAX_VALUE ? `${json.slice(0, MAX_VALUE - 1)}…` : json;
}

export function itemWord(kind: string, language: DiffLanguage): string {
  return ITEM_WORDS[kind]?.[language] ?? kind;
}

/** One change as a sentence in the language. */
export function describeChange(change: VersionChange, language: DiffLanguage): string {
  const words: Record<string, string> = {
    item: itemWord(change.item, language),
    state: (change.item === 'pipeline' ? STAGE : STATE)[language],
    name: change.name,
    part: change.part ?? '',
    property: change.property ?? '',
    before: diffValue(change.before, language),
    after: diffValue(change.after, language),
  };
  return CHANGE_WORDS[change.op][language].replace(/\{(\w+)\}/g, (_, key: string) => words[key] ?? '');
}
