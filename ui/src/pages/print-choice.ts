// The document template and language a printout uses, where a record's type has several: the first
// template, in the app's language when it prints in it, else its first language.
import { useState } from 'react';
import { templateLanguages, type DocumentLanguage, type DocumentTemplate, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { useI18n } from '../app/i18n.tsx';

export interface PrintChoice {
  readonly templates: readonly DocumentTemplate[];
  readonly template: DocumentTemplate | undefined;
  readonly languages: readonly DocumentLanguage[];
  readonly lang: DocumentLanguage;
  chooseTemplate(name: string): void;
  chooseLanguage(language: DocumentLanguage): void;
}

export function usePrintChoice(model: Model, entity: EntityModel): PrintChoice {
  const { language } = useI18n();
  const templates = model.pkg.documentTemplates.filter((d) => d.entity === entity.name);
  const [name, setName] = useState(templates[0]?.name ?? '');
  const template = templates.find((d) => d.name === name) ?? templates[0];
  const languages = template ? templateLanguages(template) : [];
  const [chosen, setChosen] = useState<DocumentLanguage | null>(null);
  const lang = chosen && languages.includes(chosen) ? chosen : (languages.find((l) => l === language) ?? languages[0] ?? 'en');
  return { templates, template, languages, lang, chooseTemplate: setName, chooseLanguage: setChosen };
}
