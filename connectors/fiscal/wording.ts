// pl/en/ro wording of the fiscal error codes and printer states. Kept beside the codes (as the SMS
// connector does) until the connector platform gives connectors a place in the app's messages.
import type { FiscalErrorReason } from './errors.ts';

type Texts = readonly [en: string, pl: string, ro: string];

const TEXTS: Record<FiscalErrorReason, Texts> = {
  unknownCommand: ['The printer does not know this command (another model or firmware?).', 'Drukarka nie zna tego rozkazu (inny model lub oprogramowanie?).', 'Imprimanta nu cunoaște această comandă (alt model sau firmware?).'],
  missingField: ['A required field was missing in the command to the printer.', 'W rozkazie do drukarki zabrakło wymaganego pola.', 'Un câmp obligatoriu lipsea din comanda către imprimantă.'],
  conversion: ['The printer could not read a value (amount or quantity format).', 'Drukarka nie odczytała wartości (format kwoty lub ilości).', 'Imprimanta nu a putut citi o valoare (formatul sumei sau al cantității).'],
  badChecksum: ['The data was damaged on the way to the printer; sending again.', 'Dane uszkodziły się w drodze do drukarki; wysyłamy ponownie.', 'Datele s-au deteriorat pe drum spre imprimantă; se retrimit.'],
  bufferFull: ['The printer is busy (its buffer is full); will try again.', 'Drukarka jest zajęta (bufor pełny); ponowimy próbę.', 'Imprimanta este ocupată (memoria tampon plină); vom reîncerca.'],
  tokenNotFound: ['The printer no longer remembers the answer to this command.', 'Drukarka nie pamięta już odpowiedzi na ten rozkaz.', 'Imprimanta nu mai reține răspunsul la această comandă.'],
  zeroDailyReport: ['Nothing was sold since the last daily report: a second zero report is not allowed.', 'Od ostatniego raportu dobowego nic nie sprzedano: drugi zerowy raport jest niedozwolony.', 'Nu s-a vândut nimic de la ultimul raport zilnic: un al doilea raport zero nu este permis.'],
  dailyReportMissing: ['The daily report of an earlier day is missing: make the daily report; the receipts waiting then print by themselves.', 'Brak raportu dobowego za poprzedni dzień: wykonaj raport dobowy; oczekujące paragony wydrukują się same.', 'Lipsește raportul zilnic al unei zile anterioare: faceți raportul zilnic; bonurile în așteptare se tipăresc apoi singure.'],
  badVatField: ['The printer refused the VAT rate of a line.', 'Drukarka odrzuciła stawkę VAT pozycji.', 'Imprimanta a refuzat cota de TVA a unei linii.'],
  notInTransaction: ['No receipt is open on the printer.', 'Na drukarce nie jest otwarty żaden paragon.', 'Niciun bon nu este deschis pe imprimantă.'],
  totalMismatch: ['The receipt total does not match the printer’s total.', 'Suma paragonu nie zgadza się z sumą drukarki.', 'Totalul bonului nu corespunde cu totalul imprimantei.'],
  alreadyInTransaction: ['A receipt is already open on the printer.', 'Na drukarce jest już otwarty paragon.', 'Un bon este deja deschis pe imprimantă.'],
  productRateLocked: ['This product name was sold earlier at a lower VAT rate: rename the product or keep its rate.', 'Ten towar sprzedano wcześniej w niższej stawce VAT: zmień nazwę towaru lub zachowaj stawkę.', 'Acest produs a fost vândut anterior cu o cotă TVA mai mică: redenumiți produsul sau păstrați cota.'],
  badParameter: ['The printer refused a parameter of the command.', 'Drukarka odrzuciła parametr rozkazu.', 'Imprimanta a refuzat un parametru al comenzii.'],
  badLineField: ['The printer refused a line (name, quantity, price or amount).', 'Drukarka odrzuciła pozycję (nazwa, ilość, cena lub wartość).', 'Imprimanta a refuzat o linie (denumire, cantitate, preț sau valoare).'],
  transactionBlocked: ['The printer blocked the receipt after an error; it was cancelled.', 'Drukarka zablokowała paragon po błędzie; został anulowany.', 'Imprimanta a blocat bonul după o eroare; a fost anulat.'],
  notAllowedInTransaction: ['Not allowed while a receipt is open.', 'Niedozwolone, gdy paragon jest otwarty.', 'Nu este permis cât timp un bon este deschis.'],
  paperOut: ['The printer is out of paper: load a roll; printing resumes by itself.', 'W drukarce brak papieru: załóż rolkę; drukowanie wznowi się samo.', 'Imprimanta nu mai are hârtie: puneți o rolă; tipărirea se reia singură.'],
  coverOpen: ['The printer’s cover is open: close it; printing resumes by itself.', 'Pokrywa drukarki jest otwarta: zamknij ją; drukowanie wznowi się samo.', 'Capacul imprimantei este deschis: închideți-l; tipărirea se reia singură.'],
  powerLoss: ['The printer lost power; the receipt is being checked and finished or printed again.', 'Drukarka straciła zasilanie; paragon jest sprawdzany i kończony lub drukowany ponownie.', 'Imprimanta a pierdut alimentarea; bonul este verificat și finalizat sau retipărit.'],
  printerBusy: ['The printer waits for someone at its keyboard.', 'Drukarka czeka na obsługę przy klawiaturze.', 'Imprimanta așteaptă o acțiune la tastatura sa.'],
  printerError: ['The printer reported an error.', 'Drukarka zgłosiła błąd.', 'Imprimanta a raportat o eroare.'],
  timeout: ['The printer did not answer; will try again.', 'Drukarka nie odpowiedziała; ponowimy próbę.', 'Imprimanta nu a răspuns; vom reîncerca.'],
  linkClosed: ['The connection to the printer was lost; reconnecting.', 'Utracono połączenie z drukarką; łączymy ponownie.', 'Conexiunea cu imprimanta s-a pierdut; se reconectează.'],
  linkUnavailable: ['The printer cannot be reached (cable, power or address).', 'Nie można połączyć się z drukarką (kabel, zasilanie lub adres).', 'Imprimanta nu poate fi contactată (cablu, alimentare sau adresă).'],
  vatRateMissing: ['The printer has no slot for this VAT rate: a line at this rate cannot be printed.', 'Drukarka nie ma stawki VAT dla tej pozycji: nie można jej wydrukować.', 'Imprimanta nu are această cotă de TVA: linia nu poate fi tipărită.'],
  vatSlotsMismatch: ['The printer’s VAT rates differ from the configured ones.', 'Stawki VAT drukarki różnią się od skonfigurowanych.', 'Cotele TVA ale imprimantei diferă de cele configurate.'],
  invalidReceipt: ['The receipt is not valid (lines, amounts or limits).', 'Paragon jest nieprawidłowy (pozycje, kwoty lub limity).', 'Bonul nu este valid (linii, sume sau limite).'],
  paymentShort: ['The payments do not cover the receipt total.', 'Płatności nie pokrywają sumy paragonu.', 'Plățile nu acoperă totalul bonului.'],
  unsupported: ['This printer’s protocol does not offer this operation.', 'Protokół tej drukarki nie oferuje tej operacji.', 'Protocolul acestei imprimante nu oferă această operație.'],
  unknownPrinter: ['No such printer in the fiscal connector’s settings.', 'Brak takiej drukarki w ustawieniach konektora fiskalnego.', 'Nu există această imprimantă în setările conectorului fiscal.'],
  notLeader: ['This printer is served by another server process.', 'Tę drukarkę obsługuje inny proces serwera.', 'Această imprimantă este deservită de alt proces server.'],
};

type Wording = Record<`fiscal.error.${FiscalErrorReason}`, string>;

function wordingIn(index: 0 | 1 | 2): Wording {
  return Object.fromEntries(Object.entries(TEXTS).map(([reason, texts]) => [`fiscal.error.${reason}`, texts[index]])) as Wording;
}

export const FISCAL_WORDING: Readonly<Record<'pl' | 'en' | 'ro', Wording>> = { en: wordingIn(0), pl: wordingIn(1), ro: wordingIn(2) };
