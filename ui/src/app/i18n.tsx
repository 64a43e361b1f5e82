// The language of the app (UI strings and metadata labels), chosen in the header and remembered.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { type Label, labelText } from '../../../metadata/browser.ts';
import { formatMessage } from './message-format.ts';
import { LANGUAGES, LOCALES, MESSAGES, type Language, type MessageKey } from './messages.ts';

export interface I18n {
  readonly language: Language;
  readonly locale: string;
  setLanguage(language: Language): void;
  /** A UI string with {placeholders} filled in. */
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** A metadata label in the current language (English when it has none). */
  label(label: Label | undefined): string;
}

const STORAGE_KEY = 'tessera.language';

export function initialLanguage(fallback?: string): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  if (fallback && (LANGUAGES as readonly string[]).includes(fallback)) return fallback as Language;
  const browser = globalThis.navigator?.language?.slice(0, 2);
  return browser === 'pl' || browser === 'ro' ? browser : 'en';
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, fallback }: { children: ReactNode; fallback?: string }) {
  const [language, setLanguageState] = useState<Language>(() => initialLanguage(fallback));
  const value = useMemo<I18n>(() => {
    const messages = MESSAGES[language];
    return {
      language,
      locale: LOCALES[language],
      setLanguage(next) {
        globalThis.localStorage?.setItem(STORAGE_KEY, next);
        document.documentElement.lang = next;
        setLanguageState(next);
      },
      t(key, values) {
        return formatMessage(messages[key] ?? MESSAGES.en[key] ?? key, values, LOCALES[language]);
      },
      label: (l) => labelText(l, language),
    };
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
