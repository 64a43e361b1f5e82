// Entry of the web app: language, notices and the session around the shell; the metadata is
// loaded once someone is signed in.
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { I18nProvider, useI18n } from './app/i18n.tsx';
import { FirstPasswordPage, LoginPage } from './app/LoginPage.tsx';
import { LANGUAGES, type Language } from './app/messages.ts';
import { MetaProvider } from './app/meta.tsx';
import { SessionProvider, useSession } from './app/session.tsx';
import { NoticeProvider, Spinner } from './components/ui.tsx';
import './styles.css';

function Root() {
  const { status, me } = useSession();
  const { setLanguage } = useI18n();
  // A user who never chose a language in this browser gets the one of their account.
  useEffect(() => {
    const preferred = me?.user.language;
    if (preferred && !localStorage.getItem('tessera.language') && (LANGUAGES as readonly string[]).includes(preferred)) setLanguage(preferred as Language);
  }, [me, setLanguage]);
  if (status === 'loading') return <Spinner />;
  if (status === 'anonymous') return <LoginPage />;
  if (me?.user.mustChangePassword) return <FirstPasswordPage />;
  return (
    <MetaProvider>
      <App />
    </MetaProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <NoticeProvider>
        <SessionProvider>
          <Root />
        </SessionProvider>
      </NoticeProvider>
    </I18nProvider>
  </StrictMode>,
);
