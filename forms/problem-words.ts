// The server's problem codes in the user's words (pl/en/ro). A problem (the error as a whole, or one
// entry of its `errors`) carries a `code` and, where the words need them, `params`; the app says it
// with these templates, `{name}` filled from the parameters (already turned into labels by the
// caller: entity, field and state names become the metadata's labels). A template whose parameters
// are missing falls back to the plain sentence. Every code the server emits has an entry here:
// test/unit/forms/problem-words.test.ts scans the server's sources and fails on a code without one.
import type { Language } from '../metadata/browser.ts';

type Words = Readonly<Record<Language, string>>;

export interface ProblemWording {
  /** Said when the parameters are not all there. */
  readonly text: Words;
  /** Said with the parameters it names. */
  readonly withParams?: Words;
}

const w = (en: string, pl: string, ro: string): Words => ({ en, pl, ro });
const plain = (en: string, pl: string, ro: string): ProblemWording => ({ text: w(en, pl, ro) });
const params = (text: Words, withParams: Words): ProblemWording => ({ text, withParams });

const WORKFLOW_DEFINITION = plain('The process definition uses something Tessera cannot run here.', 'Definicja procesu używa czegoś, czego Tessera tu nie wykona.', 'Definiția procesului folosește ceva ce Tessera nu poate executa aici.');
const METADATA = plain('The metadata package has an error here.', 'Pakiet metadanych ma tu błąd.', 'Pachetul de metadate are o eroare aici.');
const WORKFLOW_STEP = plain('The workflow could not take this step.', 'Proces nie mógł wykonać tego kroku.', 'Fluxul nu a putut executa acest pas.');

export const PROBLEM_WORDS: Readonly<Record<string, ProblemWording>> = {
  // ---- errors as a whole (the `code` of the problem document) ----
  LINE_WRITE: params(
    w('These records are lines of another record: change them in that record.', 'Te rekordy są pozycjami innego rekordu: zmieniaj je w tamtym rekordzie.', 'Aceste înregistrări sunt linii ale altei înregistrări: modificați-le în aceea.'),
    w('These records are lines of a {parent}: change them in its “{field}”.', 'Te rekordy są pozycjami rekordu {parent}: zmieniaj je w polu „{field}”.', 'Aceste înregistrări sunt linii ale unei înregistrări {parent}: modificați-le în „{field}”.'),
  ),
  VALIDATION_FAILED: plain('Some values are not right: see the marked fields.', 'Niektóre wartości są niepoprawne: zobacz zaznaczone pola.', 'Unele valori nu sunt corecte: vedeți câmpurile marcate.'),
  NO_SECRET_KEY: plain('Secrets cannot be stored: the installation has no secret key (TESSERA_SECRET_KEY).', 'Nie można zapisać sekretu: instalacja nie ma klucza szyfrowania (TESSERA_SECRET_KEY).', 'Secretele nu pot fi salvate: instalarea nu are o cheie secretă (TESSERA_SECRET_KEY).'),
  METADATA_INVALID: plain('The metadata package is invalid.', 'Pakiet metadanych jest niepoprawny.', 'Pachetul de metadate nu este valid.'),
  METADATA_CONFLICT: plain('Someone else changed the metadata meanwhile: reload and try again.', 'Ktoś inny zmienił w międzyczasie metadane: odśwież i spróbuj ponownie.', 'Altcineva a modificat între timp metadatele: reîncărcați și încercați din nou.'),
  MIGRATION_REFUSED: plain('The change would delete data and was refused.', 'Zmiana usunęłaby dane, więc została odrzucona.', 'Modificarea ar șterge date și a fost refuzată.'),
  MIGRATION_FAILED: plain('The database could not be changed to the new metadata.', 'Nie udało się dostosować bazy danych do nowych metadanych.', 'Baza de date nu a putut fi adaptată noilor metadate.'),
  NOT_FOUND: plain('Not found: it does not exist or you may not see it.', 'Nie znaleziono: nie istnieje albo nie masz do niego dostępu.', 'Nu a fost găsit: nu există sau nu aveți acces.'),
  UNKNOWN_ENTITY: params(w('There is no such record type.', 'Nie ma takiego typu rekordów.', 'Nu există un astfel de tip de înregistrări.'), w('There is no record type “{entity}”.', 'Nie ma typu rekordów „{entity}”.', 'Nu există tipul de înregistrări „{entity}”.')),
  VERSION_CONFLICT: plain('Someone else changed this record meanwhile: reload it to see their change.', 'Ktoś inny zmienił w międzyczasie ten rekord: odśwież, aby zobaczyć zmianę.', 'Altcineva a modificat între timp această înregistrare: reîncărcați pentru a vedea modificarea.'),
  VERSION_REQUIRED: plain('The change must name the version it was made on.', 'Zmiana musi wskazywać wersję, na której ją wprowadzono.', 'Modificarea trebuie să indice versiunea pe care a fost făcută.'),
  ILLEGAL_TRANSITION: params(
    w('This change of state is not allowed.', 'Taka zmiana stanu jest niedozwolona.', 'Această schimbare de stare nu este permisă.'),
    w('{field} cannot go from “{from}” to “{to}”.', '{field}: nie można przejść z „{from}” do „{to}”.', '{field} nu poate trece din „{from}” în „{to}”.'),
  ),
  TRANSITION_GUARD_FAILED: params(
    w('The condition for this change of state is not met.', 'Warunek tej zmiany stanu nie jest spełniony.', 'Condiția acestei schimbări de stare nu este îndeplinită.'),
    w('Cannot move to “{to}”: {message}', 'Nie można przejść do „{to}”: {message}', 'Nu se poate trece în „{to}”: {message}'),
  ),
  RECORD_GUARD_FAILED: params(
    w('The record does not meet a condition required to save it.', 'Rekord nie spełnia warunku wymaganego do zapisu.', 'Înregistrarea nu îndeplinește o condiție necesară salvării.'),
    w('Cannot be saved: {message}', 'Nie można zapisać: {message}', 'Nu se poate salva: {message}'),
  ),
  REFERENCE_NOT_FOUND: params(w('The linked record does not exist or you may not see it.', 'Powiązany rekord nie istnieje albo nie masz do niego dostępu.', 'Înregistrarea legată nu există sau nu aveți acces.'), w('No such {target} (or you may not see it).', 'Nie ma takiego rekordu: {target} (albo nie masz do niego dostępu).', 'Nu există această înregistrare: {target} (sau nu aveți acces).')),
  DELETE_RESTRICTED: params(
    w('It cannot be deleted: other records still refer to it.', 'Nie można usunąć: inne rekordy wciąż się do niego odwołują.', 'Nu poate fi șters: alte înregistrări încă fac referire la el.'),
    w('It cannot be deleted: {count} record(s) of {referencedBy} still refer to it ({field}). Delete or relink them first.', 'Nie można usunąć: {count} rekord(ów) typu {referencedBy} wciąż się do niego odwołuje (pole {field}). Najpierw je usuń albo powiąż z innym.', 'Nu poate fi șters: {count} înregistrare(ări) de tip {referencedBy} încă fac referire la el (câmpul {field}). Ștergeți-le sau legați-le de altceva mai întâi.'),
  ),
  DUPLICATE_RECORD: plain('Another record already has this value.', 'Inny rekord ma już tę wartość.', 'O altă înregistrare are deja această valoare.'),
  DUPLICATE: plain('This is given twice or matches another record.', 'Ta wartość powtarza się lub pasuje do innego rekordu.', 'Această valoare se repetă sau corespunde altei înregistrări.'),
  EXCLUSION_VIOLATION: params(
    w('It overlaps another record that holds the same slot.', 'Koliduje z innym rekordem, który zajmuje ten sam termin.', 'Se suprapune cu altă înregistrare care ocupă același interval.'),
    w('It overlaps “{conflict}”, which holds the same slot.', 'Koliduje z „{conflict}”, który zajmuje ten sam termin.', 'Se suprapune cu „{conflict}”, care ocupă același interval.'),
  ),
  EXCLUSION: params(w('overlaps another record', 'koliduje z innym rekordem', 'se suprapune cu altă înregistrare'), w('overlaps “{conflict}”', 'koliduje z „{conflict}”', 'se suprapune cu „{conflict}”')),
  SAME_RECORD: plain('A record cannot be merged into itself.', 'Nie można scalić rekordu z nim samym.', 'O înregistrare nu poate fi comasată cu ea însăși.'),
  CHECK: plain('The database refused this value (a check of the table).', 'Baza danych odrzuciła tę wartość (warunek tabeli).', 'Baza de date a refuzat această valoare (o condiție a tabelului).'),
  RANGE: plain('The number is out of the allowed range.', 'Liczba jest poza dozwolonym zakresem.', 'Numărul este în afara intervalului permis.'),
  NOT_A_MEMBER: plain('You can share only with a team you belong to.', 'Możesz udostępniać tylko zespołowi, do którego należysz.', 'Puteți partaja doar cu o echipă din care faceți parte.'),
  UNIQUE_VIOLATION: plain('This value is already used by another record.', 'Ta wartość jest już używana przez inny rekord.', 'Această valoare este deja folosită de altă înregistrare.'),
  BAD_QUERY: plain('The list query is not valid.', 'Zapytanie listy jest niepoprawne.', 'Interogarea listei nu este validă.'),
  MALFORMED_JSON: plain('The request is not valid JSON.', 'Żądanie nie jest poprawnym JSON-em.', 'Cererea nu este JSON valid.'),
  MALFORMED_REQUEST: plain('The request is malformed.', 'Żądanie jest niepoprawne.', 'Cererea este incorectă.'),
  HEADERS_TOO_LARGE: plain('The request headers are too large.', 'Nagłówki żądania są za duże.', 'Antetele cererii sunt prea mari.'),
  REQUEST_TIMEOUT: plain('The request took too long.', 'Żądanie trwało zbyt długo.', 'Cererea a durat prea mult.'),
  PAYLOAD_TOO_LARGE: plain('What you sent is too large.', 'Przesłane dane są za duże.', 'Datele trimise sunt prea mari.'),
  UNSUPPORTED_MEDIA_TYPE: plain('This kind of content is not accepted here.', 'Ten rodzaj treści nie jest tu przyjmowany.', 'Acest tip de conținut nu este acceptat aici.'),
  UNAUTHENTICATED: plain('Please sign in.', 'Zaloguj się.', 'Autentificați-vă.'),
  FORBIDDEN: plain('You do not have the right to do this.', 'Nie masz uprawnień do tej operacji.', 'Nu aveți dreptul să faceți acest lucru.'),
  CSRF_REJECTED: plain('The page is out of date: reload it and try again.', 'Strona jest nieaktualna: odśwież ją i spróbuj ponownie.', 'Pagina nu mai este actuală: reîncărcați-o și încercați din nou.'),
  UNAVAILABLE: plain('Not available here right now: try again in a moment.', 'Chwilowo niedostępne tutaj: spróbuj ponownie za chwilę.', 'Momentan indisponibil aici: încercați din nou în câteva clipe.'),
  TOO_MANY_REQUESTS: plain('Too many attempts: wait a moment and try again.', 'Zbyt wiele prób: odczekaj chwilę i spróbuj ponownie.', 'Prea multe încercări: așteptați puțin și încercați din nou.'),
  DATABASE_LOCKED: plain('The database is busy: try again in a moment.', 'Baza danych jest zajęta: spróbuj za chwilę.', 'Baza de date este ocupată: încercați din nou peste puțin timp.'),
  CONFLICT: plain('This cannot be done in the current state.', 'Nie można tego zrobić w obecnym stanie.', 'Acest lucru nu se poate face în starea actuală.'),
  WORKFLOW_INVALID: plain('The process definition cannot be deployed.', 'Nie można wdrożyć definicji procesu.', 'Definiția procesului nu poate fi implementată.'),
  INTERNAL: plain('Something went wrong on the server; it has been logged.', 'Wystąpił błąd serwera; został zapisany w dzienniku.', 'A apărut o eroare pe server; a fost înregistrată.'),
  // ---- the audit trail's archive (tessera audit-archive) ----
  NOT_ARCHIVED: plain('That month of the audit trail is not archived: only months detached by the retention are exported.', 'Ten miesiąc dziennika zmian nie jest zarchiwizowany: eksportuje się tylko miesiące odłączone przez retencję.', 'Această lună a jurnalului de audit nu este arhivată: se exportă doar lunile detașate de retenție.'),
  ALREADY_DROPPED: plain('That month of the audit trail was exported and removed already.', 'Ten miesiąc dziennika zmian został już wyeksportowany i usunięty.', 'Această lună a jurnalului de audit a fost deja exportată și ștearsă.'),
  EXPORT_FAILED: plain('The archived month could not be written to the file; nothing was removed.', 'Nie udało się zapisać zarchiwizowanego miesiąca do pliku; niczego nie usunięto.', 'Luna arhivată nu a putut fi scrisă în fișier; nu s-a șters nimic.'),
  // ---- backup and restore (tessera backup / restore) ----
  BACKUP_EXISTS: plain('A file of that name exists already; a backup never overwrites one.', 'Plik o tej nazwie już istnieje; kopia zapasowa nigdy go nie nadpisuje.', 'Un fișier cu acest nume există deja; o copie de rezervă nu îl suprascrie niciodată.'),
  BACKUP_NO_DATABASE: plain('There is no database here to back up.', 'Nie ma tu bazy danych do skopiowania.', 'Aici nu există nicio bază de date de salvat.'),
  BACKUP_UNREADABLE: plain('The file is not a readable Tessera backup.', 'Plik nie jest czytelną kopią zapasową Tessery.', 'Fișierul nu este o copie de rezervă Tessera lizibilă.'),
  BACKUP_MANIFEST_INVALID: plain('The backup\'s description (manifest) is not valid.', 'Opis kopii zapasowej (manifest) jest nieprawidłowy.', 'Descrierea copiei de rezervă (manifestul) nu este validă.'),
  BACKUP_FILE_MISSING: plain('A file the backup lists is missing from it.', 'W kopii zapasowej brakuje pliku, który wymienia.', 'Din copia de rezervă lipsește un fișier pe care îl listează.'),
  BACKUP_CHECKSUM_MISMATCH: plain('The backup is damaged or was changed: a checksum does not match.', 'Kopia zapasowa jest uszkodzona lub zmieniona: suma kontrolna się nie zgadza.', 'Copia de rezervă este deteriorată sau modificată: o sumă de control nu corespunde.'),
  BACKUP_WRONG_DATABASE_KIND: plain('This backup is of the other kind of database (embedded or server).', 'Ta kopia zapasowa dotyczy innego rodzaju bazy (wbudowanej lub serwera).', 'Această copie de rezervă este a celuilalt tip de bază de date (încorporată sau server).'),
  BACKUP_METADATA_CHANGED: plain('The metadata changed while the backup ran; run it again.', 'Metadane zmieniły się w trakcie kopiowania; uruchom kopię ponownie.', 'Metadatele s-au schimbat în timpul copierii; rulați din nou.'),
  BACKUP_METADATA_MISMATCH: plain('The restored database does not hold the metadata version the backup names.', 'Odtworzona baza nie ma wersji metadanych podanej w kopii.', 'Baza de date restaurată nu are versiunea de metadate indicată în copie.'),
  RESTORE_TARGET_NOT_EMPTY: plain('Restore only into an empty place: this one holds data.', 'Odtwarzaj tylko do pustego miejsca: to zawiera dane.', 'Restaurați doar într-un loc gol: acesta conține date.'),
  RESTORE_TARGET_IN_USE: plain('A server is running on that data directory; stop it first.', 'Na tym katalogu danych działa serwer; najpierw go zatrzymaj.', 'Pe acest director de date rulează un server; opriți-l mai întâi.'),
  DUMP_TOOL_MISSING: plain('PostgreSQL\'s client tools (pg_dump, pg_restore) are not installed.', 'Narzędzia klienta PostgreSQL (pg_dump, pg_restore) nie są zainstalowane.', 'Instrumentele client PostgreSQL (pg_dump, pg_restore) nu sunt instalate.'),
  DUMP_TOOL_TOO_OLD: plain('PostgreSQL\'s client tools are older than the server; install newer ones.', 'Narzędzia klienta PostgreSQL są starsze niż serwer; zainstaluj nowsze.', 'Instrumentele client PostgreSQL sunt mai vechi decât serverul; instalați unele mai noi.'),
  DUMP_TOOL_FAILED: plain('pg_dump or pg_restore failed; nothing was restored.', 'pg_dump lub pg_restore zakończył się błędem; nic nie odtworzono.', 'pg_dump sau pg_restore a eșuat; nu s-a restaurat nimic.'),

  // ---- one value (an entry of `errors`) ----
  REQUIRED: plain('is required', 'jest wymagane', 'este obligatoriu'),
  TOO_MANY: plain('lists too many records: choose them by a filter instead', 'wymienia zbyt wiele rekordów: wybierz je filtrem', 'enumeră prea multe înregistrări: alegeți-le printr-un filtru'),
  UNREADABLE: plain('is a record you may not read', 'to rekord, którego nie możesz odczytać', 'este o înregistrare pe care nu o puteți citi'),
  RATE_MISSING: params(
    w('no exchange rate to convert the amounts: the rates of that day have not been fetched', 'brak kursu do przeliczenia kwot: kursy z tego dnia nie zostały pobrane', 'lipsește cursul pentru conversia sumelor: cursurile din acea zi nu au fost preluate'),
    w('no {source} rate of {currency} on or before {date}', 'brak kursu {source} dla {currency} z dnia {date} ani wcześniejszego', 'lipsește cursul {source} pentru {currency} din {date} sau anterior'),
  ),
  RATE_DATE_MISSING: params(
    w('a record has no date to take the exchange rate of', 'rekord nie ma daty, z której wziąć kurs', 'o înregistrare nu are data pentru care să se ia cursul'),
    w('a {entity} has no “{field}” to take the exchange rate of', 'rekord {entity} nie ma pola „{field}”, z którego wziąć kurs', 'o înregistrare {entity} nu are „{field}” pentru care să se ia cursul'),
  ),
  // The e-mail connector (connectors/email): addresses, templates, serial correspondence.
  EMAIL_ADDRESS: plain('is not an e-mail address', 'nie jest adresem e-mail', 'nu este o adresă de e-mail'),
  CALENDAR_NO_MAIL_ACCOUNT: plain('You have no mail account to send the invitation from.', 'Nie masz konta pocztowego, z którego można wysłać zaproszenie.', 'Nu aveți un cont de e-mail din care să trimiteți invitația.'),
  CALENDAR_NOT_SCHEDULED: plain('The activity has no start time or is cancelled: there is nothing to invite to.', 'Czynność nie ma początku albo jest odwołana: nie ma na co zapraszać.', 'Activitatea nu are oră de început sau este anulată: nu există la ce invita.'),
  CALENDAR_DISCOVERY: plain('No calendars were found at this address with this login.', 'Pod tym adresem i z tym loginem nie znaleziono kalendarzy.', 'La această adresă și cu această autentificare nu s-au găsit calendare.'),
  CALENDAR_NO_ATTENDEES: plain('Nobody to invite: add attendees or link a person with an e-mail address.', 'Nie ma kogo zaprosić: dodaj uczestników albo powiąż osobę z adresem e-mail.', 'Nu are cine fi invitat: adăugați participanți sau legați o persoană cu adresă de e-mail.'),
  EMAIL_NO_CONSENT_FIELD: plain('A marketing template needs a consent field on the recipients.', 'Szablon marketingowy wymaga pola zgody u odbiorców.', 'Un șablon de marketing necesită un câmp de acord la destinatari.'),
  TEMPLATE_SYNTAX: params(w('The template is not written correctly.', 'Szablon jest niepoprawnie zapisany.', 'Șablonul nu este scris corect.'), w('The template is not written correctly near “{placeholder}”.', 'Szablon jest niepoprawnie zapisany przy „{placeholder}”.', 'Șablonul nu este scris corect lângă „{placeholder}”.')),
  TEMPLATE_UNKNOWN_FIELD: params(w('The template names a field the record does not have.', 'Szablon wskazuje pole, którego rekord nie ma.', 'Șablonul numește un câmp pe care înregistrarea nu îl are.'), w('The record has no “{placeholder}”.', 'Rekord nie ma pola „{placeholder}”.', 'Înregistrarea nu are „{placeholder}”.')),
  STATE_REQUIRES_FIELD: params(w('is required in this state', 'jest wymagane w tym stanie', 'este obligatoriu în această stare'), w('is required to enter “{state}”', 'jest wymagane, aby przejść do „{state}”', 'este obligatoriu pentru a trece în „{state}”')),
  ILLEGAL_INITIAL_STATE: params(w('a new record cannot start in this state', 'nowy rekord nie może zacząć w tym stanie', 'o înregistrare nouă nu poate începe în această stare'), w('a new record cannot start in “{state}”', 'nowy rekord nie może zacząć w stanie „{state}”', 'o înregistrare nouă nu poate începe în „{state}”')),
  UNKNOWN_FIELD: plain('is not a field here', 'nie jest tu polem', 'nu este un câmp aici'),
  KIND_FIELD: params(w('is not a field of this kind of activity', 'nie jest polem tego rodzaju czynności', 'nu este un câmp al acestui tip de activitate'), w('is not a field of the kind “{kind}”', 'nie jest polem rodzaju „{kind}”', 'nu este un câmp al tipului „{kind}”')),
  READ_ONLY: plain('is read-only', 'jest tylko do odczytu', 'este doar pentru citire'),
  NOT_A_LINE: plain('is not a line of this record', 'nie jest pozycją tego rekordu', 'nu este o linie a acestei înregistrări'),
  DUPLICATE_LINE: plain('is listed twice', 'występuje dwa razy', 'apare de două ori'),
  NO_PRICE: plain('has no price in the price lists: enter it', 'nie ma ceny w cennikach: wpisz ją', 'nu are preț în listele de prețuri: introduceți-l'),
  FIELD_FORBIDDEN: plain('you may not change this field', 'nie możesz zmieniać tego pola', 'nu aveți voie să modificați acest câmp'),
  REQUIRES_LINK: params(w('link the record it is about', 'powiąż rekord, którego dotyczy', 'legați înregistrarea la care se referă'), w('link one of: {links}', 'powiąż jedno z: {links}', 'legați unul dintre: {links}')),
  DUPLICATE_LINK: plain('is linked twice', 'jest powiązany dwukrotnie', 'este legat de două ori'),
  TYPE: plain('has the wrong type', 'ma niewłaściwy typ', 'are un tip greșit'),
  ENUM: plain('is not one of the allowed values', 'nie jest jedną z dozwolonych wartości', 'nu este una dintre valorile permise'),
  FORMAT: plain('is not in the right format', 'ma niepoprawny format', 'nu are formatul corect'),
  MINIMUM: params(w('is too small', 'jest za mała', 'este prea mică'), w('must be at least {limit}', 'musi wynosić co najmniej {limit}', 'trebuie să fie cel puțin {limit}')),
  MAXIMUM: params(w('is too large', 'jest za duża', 'este prea mare'), w('must be at most {limit}', 'może wynosić najwyżej {limit}', 'trebuie să fie cel mult {limit}')),
  MINLENGTH: params(w('is too short', 'jest za krótkie', 'este prea scurt'), w('must have at least {limit} characters', 'musi mieć co najmniej {limit} znaków', 'trebuie să aibă cel puțin {limit} caractere')),
  MAXLENGTH: params(w('is too long', 'jest za długie', 'este prea lung'), w('may have at most {limit} characters', 'może mieć najwyżej {limit} znaków', 'poate avea cel mult {limit} caractere')),
  MAXITEMS: params(w('has too many entries', 'ma za dużo pozycji', 'are prea multe elemente'), w('may have at most {limit} entries', 'może mieć najwyżej {limit} pozycji', 'poate avea cel mult {limit} elemente')),
  UNIQUEITEMS: plain('has an entry twice', 'zawiera tę samą pozycję dwukrotnie', 'conține un element de două ori'),
  PATTERN: plain('is not in the right form', 'ma niepoprawną postać', 'nu are forma corectă'),
  MULTIPLEOF: plain('has too many decimal places', 'ma za dużo miejsc po przecinku', 'are prea multe zecimale'),
  CONST: plain('has a value that is not allowed', 'ma niedozwoloną wartość', 'are o valoare nepermisă'),
  NOT: plain('has a value that is not allowed', 'ma niedozwoloną wartość', 'are o valoare nepermisă'),
  INVALID: plain('is not valid', 'jest niepoprawne', 'nu este valid'),
  UNIQUE: plain('is already used', 'jest już używane', 'este deja folosit'),
  DEPTH: plain('is nested too deeply', 'jest zbyt głęboko zagnieżdżone', 'este imbricat prea adânc'),
  TEXT: plain('is not acceptable text', 'nie jest dopuszczalnym tekstem', 'nu este un text acceptabil'),
  PASSWORD_POLICY: plain('the password is too weak', 'hasło jest za słabe', 'parola este prea slabă'),
  WRONG_PASSWORD: plain('is wrong', 'jest niepoprawne', 'este greșită'),
  NOT_IN_FUTURE: plain('must be in the future', 'musi być w przyszłości', 'trebuie să fie în viitor'),
  NAME_PATTERN: plain('use lower-case letters, digits and “_”, starting with a letter', 'użyj małych liter, cyfr i „_”, zaczynając od litery', 'folosiți litere mici, cifre și „_”, începând cu o literă'),
  ADMIN_ONLY: plain('only an administrator may do this', 'tylko administrator może to zrobić', 'doar un administrator poate face acest lucru'),
  UNKNOWN_ROLE: plain('there is no such role', 'nie ma takiej roli', 'nu există un astfel de rol'),
  UNKNOWN_TEAM: plain('there is no such team', 'nie ma takiego zespołu', 'nu există o astfel de echipă'),
  LEAD_CLOSED: params(w('the lead is already closed', 'lead jest już zamknięty', 'lead-ul este deja închis'), w('the lead is already “{state}”', 'lead ma już status „{state}”', 'lead-ul este deja „{state}”')),
  UNKNOWN_CONVERSION: params(w('there is no such conversion', 'nie ma takiej konwersji', 'nu există o astfel de conversie'), w('a {entity} has no such conversion', 'rekord {entity} nie ma takiej konwersji', 'o înregistrare {entity} nu are o astfel de conversie')),
  CONVERSION_NOT_ALLOWED: params(w('the record cannot be converted now', 'rekordu nie można teraz przekształcić', 'înregistrarea nu poate fi convertită acum'), w('this {entity} cannot be converted now', 'tego rekordu {entity} nie można teraz przekształcić', 'această înregistrare {entity} nu poate fi convertită acum')),
  CONVERSION_RECIPIENTS: plain('this conversion runs for a selection of recipients only (or has none)', 'ta konwersja działa tylko dla wybranych adresatów (albo nie ma adresatów)', 'această conversie rulează doar pentru o selecție de destinatari (sau nu are destinatari)'),
  CONVERSION_MAPPING: plain('the conversion could not map the record’s values', 'konwersja nie mogła przenieść wartości rekordu', 'conversia nu a putut prelua valorile înregistrării'),
  NO_NUMBERING_SERIES: plain('no numbering series applies: choose one', 'żadna seria numeracji nie pasuje: wybierz serię', 'nicio serie de numerotare nu se aplică: alegeți una'),
  UNKNOWN_ACTION: params(w('there is no such action', 'nie ma takiej akcji', 'nu există o astfel de acțiune'), w('a {entity} has no such action', 'rekord {entity} nie ma takiej akcji', 'o înregistrare {entity} nu are o astfel de acțiune')),
  ACTION_NOT_ALLOWED: params(w('this action is not available for the record now', 'ta akcja nie jest teraz dostępna dla rekordu', 'această acțiune nu este disponibilă acum pentru înregistrare'), w('this action is not available for this {entity} now', 'ta akcja nie jest teraz dostępna dla rekordu {entity}', 'această acțiune nu este disponibilă acum pentru această înregistrare {entity}')),
  CONVERSION_CHOICE: plain('choose an existing record or give the values of a new one', 'wybierz istniejący rekord albo podaj dane nowego', 'alegeți o înregistrare existentă sau dați datele uneia noi'),

  // ---- the metadata designer (a package's problems) ----
  META_INVALID: plain('The metadata package is invalid.', 'Pakiet metadanych jest niepoprawny.', 'Pachetul de metadate nu este valid.'),
  META_FILE_UNREADABLE: METADATA,
  META_JSON_SYNTAX: plain('is not valid JSON', 'nie jest poprawnym JSON-em', 'nu este JSON valid'),
  META_SCHEMA: plain('does not match the metadata schema', 'nie jest zgodne ze schematem metadanych', 'nu corespunde schemei de metadate'),
  META_MANIFEST_MISSING: plain('the package has no manifest (tessera.json)', 'pakiet nie ma manifestu (tessera.json)', 'pachetul nu are manifest (tessera.json)'),
  META_DUPLICATE_ID: plain('this id is already used', 'ten identyfikator jest już użyty', 'acest identificator este deja folosit'),
  META_DUPLICATE_NAME: plain('this name is already used', 'ta nazwa jest już użyta', 'acest nume este deja folosit'),
  META_RESERVED_NAME: plain('this name is reserved', 'ta nazwa jest zarezerwowana', 'acest nume este rezervat'),
  META_COLUMN_CLASH: plain('clashes with another column', 'koliduje z inną kolumną', 'intră în conflict cu altă coloană'),
  META_UNKNOWN_ENTITY: plain('names a record type that does not exist', 'wskazuje nieistniejący typ rekordów', 'indică un tip de înregistrări inexistent'),
  META_UNKNOWN_FIELD: plain('names a field that does not exist', 'wskazuje nieistniejące pole', 'indică un câmp inexistent'),
  META_UNKNOWN_STATE: plain('names a state that does not exist', 'wskazuje nieistniejący stan', 'indică o stare inexistentă'),
  META_UNKNOWN_MODULE: plain('names a module that does not exist', 'wskazuje nieistniejący moduł', 'indică un modul inexistent'),
  META_FIELD_KIND: plain('this kind of field cannot be used here', 'tego rodzaju pola nie można tu użyć', 'acest tip de câmp nu poate fi folosit aici'),
  META_STATE_BINDING: plain('the state field is bound wrongly', 'pole stanu jest źle powiązane', 'câmpul de stare este legat greșit'),
  META_CYCLE: plain('forms a cycle', 'tworzy cykl', 'formează un ciclu'),
  META_FEEL_SYNTAX: plain('the expression is not valid FEEL', 'wyrażenie nie jest poprawnym FEEL', 'expresia nu este FEEL valid'),
  META_INVALID_DEFAULT: plain('the default value does not fit the field', 'wartość domyślna nie pasuje do pola', 'valoarea implicită nu se potrivește câmpului'),
  META_FILTER: plain('the filter is not valid', 'filtr jest niepoprawny', 'filtrul nu este valid'),
  META_PATTERN: plain('the pattern is not a valid regular expression', 'wzorzec nie jest poprawnym wyrażeniem regularnym', 'modelul nu este o expresie regulată validă'),
  META_TRIGGER: plain('the trigger is not valid', 'wyzwalacz jest niepoprawny', 'declanșatorul nu este valid'),
  META_DOCUMENT_TEMPLATE: plain('the document template does not fit its entity type', 'szablon dokumentu nie pasuje do swojego typu rekordów', 'șablonul de document nu se potrivește tipului său de înregistrări'),
  META_LIMIT: plain('goes over a limit of the platform', 'przekracza limit platformy', 'depășește o limită a platformei'),
  META_CONTRIBUTED_FILE: plain('belongs to a connector, which declares it: it cannot be changed here', 'należy do konektora, który go deklaruje: nie można go tu zmienić', 'aparține unui conector, care îl declară: nu poate fi modificat aici'),

  // ---- the process modeler (deploying BPMN) ----
  BPMN_LOAD_FAILED: plain('The deployed process could not be loaded.', 'Nie udało się wczytać wdrożonego procesu.', 'Procesul implementat nu a putut fi încărcat.'),
  BPMN_PARSE_ERROR: plain('The file is not valid BPMN.', 'Plik nie jest poprawnym BPMN.', 'Fișierul nu este BPMN valid.'),
  BPMN_ENCODING: plain('The file’s text encoding is not supported.', 'Kodowanie tekstu pliku nie jest obsługiwane.', 'Codificarea textului fișierului nu este acceptată.'),
  BPMN_INVALID_CHARACTER: plain('The file contains a character that is not allowed.', 'Plik zawiera niedozwolony znak.', 'Fișierul conține un caracter nepermis.'),
  BPMN_TOO_LARGE: plain('The process is too large.', 'Proces jest za duży.', 'Procesul este prea mare.'),
  BPMN_NO_EXECUTABLE_PROCESS: plain('The file has no executable process.', 'Plik nie zawiera wykonywalnego procesu.', 'Fișierul nu conține un proces executabil.'),
  BPMN_INVALID_FORM: plain('The task form is not a valid Camunda form.', 'Formularz zadania nie jest poprawnym formularzem Camunda.', 'Formularul sarcinii nu este un formular Camunda valid.'),
  BPMN_UNSUPPORTED_ELEMENT: plain('This BPMN element is not supported.', 'Ten element BPMN nie jest obsługiwany.', 'Acest element BPMN nu este acceptat.'),
  BPMN_UNSUPPORTED_EVENT_DEFINITION: plain('This kind of event is not supported here.', 'Ten rodzaj zdarzenia nie jest tu obsługiwany.', 'Acest tip de eveniment nu este acceptat aici.'),
  BPMN_UNSUPPORTED_EXTENSION: plain('This extension is not supported.', 'To rozszerzenie nie jest obsługiwane.', 'Această extensie nu este acceptată.'),
  BPMN_UNSUPPORTED_LOOP: plain('This kind of loop is not supported.', 'Ten rodzaj pętli nie jest obsługiwany.', 'Acest tip de buclă nu este acceptat.'),
  BPMN_CONDITION_NOT_ALLOWED: plain('A condition is not allowed on this flow.', 'Warunek nie jest dozwolony na tym przepływie.', 'O condiție nu este permisă pe acest flux.'),
  BPMN_CONDITION_NOT_FEEL: plain('The condition must be a FEEL expression (starting with “=”).', 'Warunek musi być wyrażeniem FEEL (zaczynającym się od „=”).', 'Condiția trebuie să fie o expresie FEEL (care începe cu „=”).'),
  BPMN_FEEL_SYNTAX: plain('The FEEL expression is not valid.', 'Wyrażenie FEEL jest niepoprawne.', 'Expresia FEEL nu este validă.'),
  BPMN_INVALID_BOUNDARY_EVENT: WORKFLOW_DEFINITION,
  BPMN_INVALID_DEFAULT_FLOW: plain('The default flow must leave this element.', 'Przepływ domyślny musi wychodzić z tego elementu.', 'Fluxul implicit trebuie să plece din acest element.'),
  BPMN_INVALID_EVENT_GATEWAY: plain('An event-based gateway must lead to catching events only.', 'Bramka oparta na zdarzeniach musi prowadzić tylko do zdarzeń oczekujących.', 'O poartă bazată pe evenimente trebuie să ducă doar la evenimente de așteptare.'),
  BPMN_INVALID_EVENT_SUBPROCESS: WORKFLOW_DEFINITION,
  BPMN_INVALID_FLOW: plain('A sequence flow is not connected properly.', 'Przepływ sekwencji nie jest poprawnie połączony.', 'Un flux de secvență nu este conectat corect.'),
  BPMN_INVALID_MAPPING: plain('An input or output mapping is not valid.', 'Mapowanie wejścia lub wyjścia jest niepoprawne.', 'O mapare de intrare sau ieșire nu este validă.'),
  BPMN_INVALID_MULTI_INSTANCE: WORKFLOW_DEFINITION,
  BPMN_INVALID_START_EVENT: plain('This start event is not valid here.', 'To zdarzenie początkowe jest tu niepoprawne.', 'Acest eveniment de start nu este valid aici.'),
  BPMN_INVALID_TIMER: plain('The timer is not valid.', 'Czasomierz jest niepoprawny.', 'Temporizatorul nu este valid.'),
  BPMN_MISSING_CALLED_ELEMENT: plain('The call activity names no process.', 'Wywołanie nie wskazuje procesu.', 'Activitatea de apel nu indică niciun proces.'),
  BPMN_MISSING_CONDITION: plain('This flow needs a condition (or make it the default).', 'Ten przepływ wymaga warunku (albo ustaw go jako domyślny).', 'Acest flux are nevoie de o condiție (sau faceți-l implicit).'),
  BPMN_MISSING_CORRELATION_KEY: plain('The message needs a correlation key.', 'Komunikat wymaga klucza korelacji.', 'Mesajul are nevoie de o cheie de corelare.'),
  BPMN_MISSING_ERROR_CODE: plain('The error needs an error code.', 'Błąd wymaga kodu błędu.', 'Eroarea are nevoie de un cod de eroare.'),
  BPMN_MISSING_MESSAGE: plain('The event names no message.', 'Zdarzenie nie wskazuje komunikatu.', 'Evenimentul nu indică niciun mesaj.'),
  BPMN_MISSING_OUTGOING_FLOW: plain('This element has no way out.', 'Ten element nie ma wyjścia.', 'Acest element nu are nicio ieșire.'),
  BPMN_MISSING_SIGNAL: plain('The event names no signal.', 'Zdarzenie nie wskazuje sygnału.', 'Evenimentul nu indică niciun semnal.'),
  BPMN_MISSING_TASK_TYPE: plain('The task names no task type.', 'Zadanie nie wskazuje typu zadania.', 'Sarcina nu indică niciun tip de sarcină.'),

  // ---- running processes (incidents, refused steps) ----
  FEEL_EVALUATION: plain('An expression of the process could not be evaluated.', 'Nie udało się obliczyć wyrażenia procesu.', 'O expresie a procesului nu a putut fi evaluată.'),
  NO_FLOW_MATCHED: plain('No outgoing flow’s condition was met.', 'Żaden warunek przepływu wychodzącego nie został spełniony.', 'Nicio condiție a fluxurilor de ieșire nu a fost îndeplinită.'),
  UNHANDLED_ERROR: plain('A BPMN error was raised that nothing catches.', 'Zgłoszono błąd BPMN, którego nic nie przechwytuje.', 'A fost ridicată o eroare BPMN pe care nimic nu o tratează.'),
  INVALID_TIMER: plain('The timer’s time could not be computed.', 'Nie udało się obliczyć czasu czasomierza.', 'Timpul temporizatorului nu a putut fi calculat.'),
  JOB_NO_RETRIES: plain('The task failed and has no retries left.', 'Zadanie nie powiodło się i nie ma już ponowień.', 'Sarcina a eșuat și nu mai are reîncercări.'),
  CHILD_TERMINATED: plain('The called process was terminated.', 'Wywołany proces został przerwany.', 'Procesul apelat a fost oprit.'),
  STEP_LIMIT: plain('The process ran too many steps at once.', 'Proces wykonał naraz zbyt wiele kroków.', 'Procesul a executat prea mulți pași deodată.'),
  TASK_CANCELLED: plain('The task’s activity was cancelled or deleted by hand.', 'Czynność zadania została ręcznie anulowana lub usunięta.', 'Activitatea sarcinii a fost anulată sau ștearsă manual.'),
  INSTANCE_EXISTS: WORKFLOW_STEP,
  INSTANCE_MISSING: plain('The process instance no longer exists.', 'Instancja procesu już nie istnieje.', 'Instanța procesului nu mai există.'),
  INSTANCE_ENDED: plain('The process instance has already ended.', 'Instancja procesu już się zakończyła.', 'Instanța procesului s-a încheiat deja.'),
  WAIT_NOT_FOUND: plain('The process is no longer waiting for this.', 'Proces już na to nie czeka.', 'Procesul nu mai așteaptă acest lucru.'),
  ELEMENT_INSTANCE_NOT_FOUND: WORKFLOW_STEP,
  INCIDENT_NOT_FOUND: plain('The incident no longer exists.', 'Incydent już nie istnieje.', 'Incidentul nu mai există.'),
  NO_NONE_START_EVENT: plain('The process cannot be started by hand (it has no plain start event).', 'Procesu nie można uruchomić ręcznie (nie ma zwykłego zdarzenia początkowego).', 'Procesul nu poate fi pornit manual (nu are un eveniment de start simplu).'),
  UNKNOWN_START_EVENT: plain('There is no such start event.', 'Nie ma takiego zdarzenia początkowego.', 'Nu există un astfel de eveniment de start.'),
  // Import of CSV/XLSX files (engine/imports): cells that cannot be read, look-ups, the mapping.
  IMPORT_NUMBER: params(w('is not a number', 'nie jest liczbą', 'nu este un număr'), w('“{value}” is not a number', '„{value}” nie jest liczbą', '„{value}” nu este un număr')),
  IMPORT_CURRENCY: params(w('names no currency', 'nie ma waluty', 'nu are monedă'), w('“{value}” names no currency', '„{value}” nie podaje waluty', '„{value}” nu indică moneda')),
  IMPORT_BOOLEAN: params(w('is neither yes nor no', 'nie jest ani tak, ani nie', 'nu este nici da, nici nu'), w('“{value}” is neither yes nor no', '„{value}” nie jest ani tak, ani nie', '„{value}” nu este nici da, nici nu')),
  IMPORT_DATE: params(w('is not a date', 'nie jest datą', 'nu este o dată'), w('“{value}” is not a date', '„{value}” nie jest datą', '„{value}” nu este o dată')),
  IMPORT_CHOICE: params(w('is none of the choices', 'nie jest żadną z opcji', 'nu este niciuna dintre opțiuni'), w('“{value}” is none of the choices', '„{value}” nie jest żadną z opcji', '„{value}” nu este niciuna dintre opțiuni')),
  IMPORT_JSON: plain('is not JSON', 'nie jest poprawnym JSON', 'nu este JSON valid'),
  IMPORT_UNSUPPORTED: plain('cannot be imported from a table', 'nie może być importowane z tabeli', 'nu poate fi importat dintr-un tabel'),
  IMPORT_REFERENCE_NOT_FOUND: params(w('names no record', 'nie wskazuje żadnego rekordu', 'nu indică nicio înregistrare'), w('no {entity} “{value}” was found', 'nie znaleziono: {entity} „{value}”', 'nu s-a găsit {entity} „{value}”')),
  IMPORT_REFERENCE_AMBIGUOUS: params(w('names several records', 'wskazuje kilka rekordów', 'indică mai multe înregistrări'), w('{count} records match “{value}”', '{count} rekordów pasuje do „{value}”', '{count} înregistrări corespund cu „{value}”')),
  IMPORT_KEY_AMBIGUOUS: params(w('several records have this value', 'kilka rekordów ma tę wartość', 'mai multe înregistrări au această valoare'), w('{count} records have this value', '{count} rekordów ma tę wartość', '{count} înregistrări au această valoare')),
  IMPORT_KEY_UNMAPPED: plain('no column is mapped to this field', 'żadna kolumna nie jest przypisana do tego pola', 'nicio coloană nu este asociată acestui câmp'),
  IMPORT_UNKNOWN_COLUMN: params(w('is not a column of the file', 'nie jest kolumną pliku', 'nu este o coloană a fișierului'), w('“{column}” is not a column of the file', '„{column}” nie jest kolumną pliku', '„{column}” nu este o coloană a fișierului')),
  IMPORT_COLUMN_TWICE: params(w('another column is already mapped to this field', 'inna kolumna jest już przypisana do tego pola', 'altă coloană este deja asociată acestui câmp'), w('column “{column}” is already mapped to this field', 'kolumna „{column}” jest już przypisana do tego pola', 'coloana „{column}” este deja asociată acestui câmp')),
  IMPORT_FILE: plain('The file cannot be read.', 'Nie można odczytać pliku.', 'Fișierul nu poate fi citit.'),
};

const PLACEHOLDER = /\{(\w+)\}/g;

/** The placeholders of a template (for checks). Pure. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * A problem in a language from its code and parameters (values already as the reader should see
 * them); null when the code has no wording (the caller keeps the server's detail then).
 */
export function wordProblem(code: string | undefined, values: Readonly<Record<string, string | number>> | undefined, language: Language): string | null {
  const wording = code ? PROBLEM_WORDS[code] : undefined;
  if (!wording) return null;
  const template = wording.withParams?.[language];
  if (template && values && placeholders(template).every((name) => values[name] !== undefined && values[name] !== '')) {
    return template.replace(PLACEHOLDER, (_m, name: string) => String(values[name]));
  }
  return wording.text[language];
}
