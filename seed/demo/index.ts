// Demo data for the default CRM package (seed/metadata). Pure and deterministic: no I/O, no clock,
// no randomness; every date is an offset from the `today` argument, so a fresh install always
// shows overdue tasks, upcoming meetings and deals closing next month. Tax ids are invented bodies
// whose check digits are computed with the platform's own validators.
import { isValidCui, isValidNip } from '../../metadata/index.ts';

export interface DemoRecord {
  readonly ref: string;
  readonly entity: string;
  readonly values: Readonly<Record<string, unknown>>;
}

type Values = Record<string, unknown>;
type Country = 'pl' | 'ro';

interface PersonSeed {
  readonly first: string;
  readonly last: string;
  readonly gender: 'female' | 'male';
  readonly position: string;
  readonly department?: string;
  readonly birthday?: string;
  /** MM-DD; stored in the year of `today`. */
  readonly nameDay?: string;
  readonly hobbies?: string;
}

interface CompanySeed {
  readonly key: string;
  readonly name: string;
  readonly short: string;
  readonly code: string;
  readonly country: Country;
  /** NIP without its check digit (9 digits) or CUI without its check digit. */
  readonly taxBody?: string;
  readonly register?: string;
  readonly street: string;
  readonly postal: string;
  readonly locality: string;
  readonly county: string;
  readonly region: string;
  readonly industry: string;
  readonly turnover?: number;
  readonly employees?: number;
  readonly credit?: number;
  readonly domain: string;
  readonly phone: string;
  readonly groups: readonly string[];
  readonly salesRep: string;
  readonly serviceRep?: string;
  readonly eInvoice?: boolean;
  readonly naturalPerson?: boolean;
  readonly persons: readonly PersonSeed[];
}

/** Completes a 9-digit NIP body with its check digit (bodies whose check would be 10 move to the next body). */
function nip(body: string): string {
  for (let n = Number(body); ; n++) {
    const candidate = String(n).padStart(9, '0');
    for (let d = 0; d <= 9; d++) if (isValidNip(`${candidate}${d}`)) return `${candidate}${d}`;
  }
}

/** Completes a CUI body with its check digit (one always exists: the key maps 10 to 0). */
function cui(body: string): string {
  for (let d = 0; d <= 9; d++) if (isValidCui(`${body}${d}`)) return `${body}${d}`;
  throw new Error(`no CUI check digit for ${body}`);
}

/** ASCII form of a name for e-mail addresses (ł does not decompose under NFD). */
function ascii(text: string): string {
  return text.replace(/ł/g, 'l').replace(/Ł/g, 'L').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

const currencyOf = (country: Country) => (country === 'pl' ? 'PLN' : 'RON');

const COMPANIES: readonly CompanySeed[] = [
  // ── Poland ──
  { key: 'iskra', name: 'Mazowiecka Hurtownia Elektryczna „Iskra” Sp. z o.o.', short: 'Iskra', code: 'ISKRA', country: 'pl', taxBody: '525418903', register: '0000418392', street: 'ul. Puławska 145', postal: '02-677', locality: 'Warszawa', county: 'Warszawa', region: 'mazowieckie', industry: 'wholesale', turnover: 64_000_000, employees: 140, credit: 150_000, domain: 'iskra-hurtownia.example', phone: '+48 22 555 01 10', groups: ['clients', 'key_accounts'], salesRep: 'katarzyna', serviceRep: 'marek', eInvoice: true,
    persons: [
      { first: 'Małgorzata', last: 'Wójcik', gender: 'female', position: 'Dyrektor zakupów', department: 'Zakupy', birthday: '1978-03-14', nameDay: '07-13', hobbies: 'Żeglarstwo, kuchnia włoska' },
      { first: 'Krzysztof', last: 'Jabłoński', gender: 'male', position: 'Kierownik magazynu', department: 'Logistyka', nameDay: '07-25' },
      { first: 'Ewa', last: 'Kamińska', gender: 'female', position: 'Główna księgowa', department: 'Księgowość', nameDay: '12-24' },
    ] },
  { key: 'baltic', name: 'Bałtyckie Centrum Logistyczne S.A.', short: 'BCL', code: 'BCL', country: 'pl', taxBody: '586230417', register: '0000287154', street: 'ul. Portowa 8', postal: '81-336', locality: 'Gdynia', county: 'Gdynia', region: 'pomorskie', industry: 'transport_logistics', turnover: 210_000_000, employees: 480, credit: 300_000, domain: 'bcl-logistyka.example', phone: '+48 58 555 20 40', groups: ['clients', 'key_accounts'], salesRep: 'piotr', serviceRep: 'marek', eInvoice: true,
    persons: [
      { first: 'Tomasz', last: 'Zieliński', gender: 'male', position: 'Prezes zarządu', department: 'Zarząd', birthday: '1969-11-02', nameDay: '12-21' },
      { first: 'Joanna', last: 'Szewczyk', gender: 'female', position: 'Kierownik IT', department: 'Dział IT', nameDay: '05-30', hobbies: 'Bieganie, maratony' },
    ] },
  { key: 'wislomet', name: 'Zakłady Mechaniczne „Wisłomet” Sp. z o.o.', short: 'Wisłomet', code: 'WISLOMET', country: 'pl', taxBody: '873301582', register: '0000119375', street: 'ul. Przemysłowa 12', postal: '33-100', locality: 'Tarnów', county: 'Tarnów', region: 'małopolskie', industry: 'manufacturing', turnover: 88_000_000, employees: 260, credit: 120_000, domain: 'wislomet.example', phone: '+48 14 555 33 00', groups: ['clients'], salesRep: 'piotr', serviceRep: 'pawel',
    persons: [
      { first: 'Andrzej', last: 'Kowalczyk', gender: 'male', position: 'Dyrektor techniczny', department: 'Produkcja', nameDay: '11-30' },
      { first: 'Beata', last: 'Pawlak', gender: 'female', position: 'Specjalista ds. zakupów', department: 'Zakupy', nameDay: '05-09' },
    ] },
  { key: 'zloty_klos', name: 'Piekarnia „Złoty Kłos” Grzegorz Michalski Sp.j.', short: 'Złoty Kłos', code: 'ZLOTYKLOS', country: 'pl', taxBody: '779214608', street: 'ul. Głogowska 201', postal: '60-104', locality: 'Poznań', county: 'Poznań', region: 'wielkopolskie', industry: 'agriculture_food', turnover: 9_500_000, employees: 42, credit: 20_000, domain: 'zlotyklos.example', phone: '+48 61 555 42 42', groups: ['prospects'], salesRep: 'katarzyna',
    persons: [{ first: 'Grzegorz', last: 'Michalski', gender: 'male', position: 'Wspólnik', department: 'Zarząd', nameDay: '03-12' }] },
  { key: 'klinika', name: 'Klinika Stomatologiczna „Uśmiech” Sp. z o.o.', short: 'Klinika Uśmiech', code: 'USMIECH', country: 'pl', taxBody: '898167245', register: '0000532118', street: 'ul. Świdnicka 40', postal: '50-024', locality: 'Wrocław', county: 'Wrocław', region: 'dolnośląskie', industry: 'healthcare', turnover: 12_000_000, employees: 38, credit: 50_000, domain: 'klinika-usmiech.example', phone: '+48 71 555 18 18', groups: ['clients'], salesRep: 'katarzyna', serviceRep: 'marek', eInvoice: true,
    persons: [
      { first: 'Dorota', last: 'Krawczyk', gender: 'female', position: 'Kierownik administracyjny', department: 'Administracja', nameDay: '02-06' },
      { first: 'Marcin', last: 'Grabowski', gender: 'male', position: 'Lekarz stomatolog', department: 'Zespół medyczny', nameDay: '11-11' },
    ] },
  { key: 'budomex', name: 'Budomex Śląsk Sp. z o.o.', short: 'Budomex', code: 'BUDOMEX', country: 'pl', taxBody: '634402718', register: '0000376204', street: 'ul. Chorzowska 50', postal: '40-101', locality: 'Katowice', county: 'Katowice', region: 'śląskie', industry: 'construction', turnover: 47_000_000, employees: 190, credit: 80_000, domain: 'budomex-slask.example', phone: '+48 32 555 70 70', groups: ['clients'], salesRep: 'katarzyna',
    persons: [
      { first: 'Jarosław', last: 'Wieczorek', gender: 'male', position: 'Kierownik budowy', department: 'Realizacja', nameDay: '04-25' },
      { first: 'Monika', last: 'Adamczyk', gender: 'female', position: 'Specjalista ds. zaopatrzenia', department: 'Zaopatrzenie', nameDay: '08-27' },
      { first: 'Rafał', last: 'Dudek', gender: 'male', position: 'Dyrektor finansowy', department: 'Finanse', nameDay: '09-29' },
    ] },
  { key: 'softlab', name: 'Softlab Rzeszów Sp. z o.o.', short: 'Softlab', code: 'SOFTLAB', country: 'pl', taxBody: '813375120', register: '0000611093', street: 'ul. Hetmańska 9', postal: '35-045', locality: 'Rzeszów', county: 'Rzeszów', region: 'podkarpackie', industry: 'it_telecom', turnover: 15_000_000, employees: 55, domain: 'softlab-rzeszow.example', phone: '+48 17 555 90 10', groups: ['partners'], salesRep: 'piotr',
    persons: [{ first: 'Łukasz', last: 'Sikora', gender: 'male', position: 'Dyrektor handlowy', department: 'Sprzedaż', nameDay: '10-18' }] },
  { key: 'hotel', name: 'Hotel „Pod Jodłami” Sp. z o.o.', short: 'Hotel Pod Jodłami', code: 'PODJODLAMI', country: 'pl', taxBody: '736180254', register: '0000204517', street: 'ul. Kościuszki 17', postal: '34-500', locality: 'Zakopane', county: 'tatrzański', region: 'małopolskie', industry: 'hospitality', turnover: 21_000_000, employees: 75, credit: 40_000, domain: 'podjodlami.example', phone: '+48 18 555 20 00', groups: ['prospects'], salesRep: 'piotr',
    persons: [
      { first: 'Halina', last: 'Gąsienica', gender: 'female', position: 'Dyrektor hotelu', department: 'Zarząd' },
      { first: 'Wojciech', last: 'Bukowski', gender: 'male', position: 'Kierownik recepcji', department: 'Recepcja', nameDay: '04-23' },
    ] },
  { key: 'energo', name: 'Energo-Instal Lublin Sp. z o.o.', short: 'Energo-Instal', code: 'ENERGOINST', country: 'pl', taxBody: '712290463', register: '0000398561', street: 'ul. Zemborzycka 112', postal: '20-445', locality: 'Lublin', county: 'Lublin', region: 'lubelskie', industry: 'energy', turnover: 33_000_000, employees: 120, credit: 60_000, domain: 'energo-instal.example', phone: '+48 81 555 64 00', groups: ['clients'], salesRep: 'katarzyna',
    persons: [
      { first: 'Stanisław', last: 'Wróbel', gender: 'male', position: 'Prezes zarządu', department: 'Zarząd', nameDay: '05-08' },
      { first: 'Iwona', last: 'Mazurek', gender: 'female', position: 'Kierownik biura', department: 'Administracja', nameDay: '05-19' },
    ] },
  { key: 'kancelaria', name: 'Nowicki i Wspólnicy Doradcy Podatkowi Sp.k.', short: 'Nowicki i Wspólnicy', code: 'NOWICKI', country: 'pl', taxBody: '725188390', street: 'ul. Piotrkowska 220', postal: '90-368', locality: 'Łódź', county: 'Łódź', region: 'łódzkie', industry: 'professional_services', turnover: 6_800_000, employees: 24, credit: 15_000, domain: 'nowicki-doradcy.example', phone: '+48 42 555 12 12', groups: ['prospects'], salesRep: 'katarzyna',
    persons: [
      { first: 'Jacek', last: 'Nowicki', gender: 'male', position: 'Partner zarządzający', department: 'Zarząd', nameDay: '08-17' },
      { first: 'Aleksandra', last: 'Kubiak', gender: 'female', position: 'Doradca podatkowy', department: 'Doradztwo' },
    ] },
  { key: 'lingwista', name: 'Szkoła Językowa „Lingwista” Sp. z o.o.', short: 'Lingwista', code: 'LINGWISTA', country: 'pl', taxBody: '542318076', register: '0000450032', street: 'ul. Lipowa 32', postal: '15-427', locality: 'Białystok', county: 'Białystok', region: 'podlaskie', industry: 'education', turnover: 3_900_000, employees: 31, credit: 10_000, domain: 'lingwista.example', phone: '+48 85 555 31 31', groups: ['clients'], salesRep: 'katarzyna',
    persons: [{ first: 'Natalia', last: 'Kozłowska', gender: 'female', position: 'Dyrektor szkoły', department: 'Dyrekcja', nameDay: '07-27' }] },
  { key: 'agropol', name: 'Agro-Pol Kujawy Sp. z o.o.', short: 'Agro-Pol', code: 'AGROPOL', country: 'pl', taxBody: '556207341', register: '0000173820', street: 'ul. Szymborska 4', postal: '88-100', locality: 'Inowrocław', county: 'inowrocławski', region: 'kujawsko-pomorskie', industry: 'agriculture_food', turnover: 52_000_000, employees: 95, credit: 70_000, domain: 'agropol-kujawy.example', phone: '+48 52 555 80 80', groups: ['clients'], salesRep: 'katarzyna', serviceRep: 'pawel',
    persons: [
      { first: 'Henryk', last: 'Czarnecki', gender: 'male', position: 'Prezes', department: 'Zarząd', nameDay: '07-15' },
      { first: 'Magdalena', last: 'Baran', gender: 'female', position: 'Księgowa', department: 'Księgowość', nameDay: '07-22' },
    ] },
  { key: 'gmina', name: 'Urząd Gminy Zielonka Dolna', short: 'UG Zielonka Dolna', code: 'UGZIELONKA', country: 'pl', taxBody: '739104285', street: 'Zielonka Dolna 27', postal: '11-015', locality: 'Zielonka Dolna', county: 'olsztyński', region: 'warmińsko-mazurskie', industry: 'public_sector', employees: 28, domain: 'zielonkadolna.example', phone: '+48 89 555 27 27', groups: ['prospects'], salesRep: 'piotr', eInvoice: true,
    persons: [
      { first: 'Zbigniew', last: 'Lis', gender: 'male', position: 'Sekretarz gminy', department: 'Sekretariat', nameDay: '03-17' },
      { first: 'Renata', last: 'Witkowska', gender: 'female', position: 'Inspektor ds. zamówień publicznych', department: 'Zamówienia publiczne' },
    ] },
  { key: 'kolorland', name: 'Drukarnia Offsetowa „Kolorland” Sp. z o.o.', short: 'Kolorland', code: 'KOLORLAND', country: 'pl', taxBody: '851276930', register: '0000264419', street: 'ul. Wyszyńskiego 3', postal: '70-203', locality: 'Szczecin', county: 'Szczecin', region: 'zachodniopomorskie', industry: 'manufacturing', turnover: 26_000_000, employees: 85, credit: 50_000, domain: 'kolorland.example', phone: '+48 91 555 43 21', groups: ['prospects'], salesRep: 'piotr',
    persons: [
      { first: 'Sebastian', last: 'Kołodziej', gender: 'male', position: 'Kierownik produkcji', department: 'Produkcja', nameDay: '01-20' },
      { first: 'Karolina', last: 'Górecka', gender: 'female', position: 'Specjalista ds. obsługi klienta', department: 'Obsługa klienta' },
    ] },
  { key: 'transkarpaty', name: 'TransKarpaty Spedycja Sp. z o.o.', short: 'TransKarpaty', code: 'TRANSKARP', country: 'pl', taxBody: '734266018', register: '0000345870', street: 'ul. Lwowska 88', postal: '33-300', locality: 'Nowy Sącz', county: 'Nowy Sącz', region: 'małopolskie', industry: 'transport_logistics', turnover: 18_000_000, employees: 60, credit: 35_000, domain: 'transkarpaty.example', phone: '+48 18 555 44 88', groups: ['clients'], salesRep: 'piotr', serviceRep: 'pawel',
    persons: [{ first: 'Mateusz', last: 'Sowa', gender: 'male', position: 'Kierownik spedycji', department: 'Spedycja', nameDay: '09-21' }] },
  { key: 'wroblewski', name: 'Tomasz Wróblewski', short: 'Wróblewski', code: 'WROBLEWSKI', country: 'pl', naturalPerson: true, street: 'ul. Ozimska 15/4', postal: '45-058', locality: 'Opole', county: 'Opole', region: 'opolskie', industry: 'other', domain: 'poczta-wroblewski.example', phone: '+48 77 555 15 04', groups: ['prospects'], salesRep: 'katarzyna',
    persons: [{ first: 'Tomasz', last: 'Wróblewski', gender: 'male', position: 'Klient indywidualny', birthday: '1985-09-09', nameDay: '07-03' }] },
  // ── Romania ──
  { key: 'carpatica', name: 'Carpatica Construct S.R.L.', short: 'Carpatica', code: 'CARPATICA', country: 'ro', taxBody: '2841597', register: 'J08/1452/2011', street: 'Str. Zizinului nr. 110', postal: '500407', locality: 'Brașov', county: 'Brașov', region: 'Centru', industry: 'construction', turnover: 36_000_000, employees: 150, credit: 100_000, domain: 'carpatica-construct.example', phone: '+40 268 555 010', groups: ['clients', 'romania'], salesRep: 'radu', eInvoice: true,
    persons: [
      { first: 'Adrian', last: 'Mureșan', gender: 'male', position: 'Administrator', department: 'Conducere', nameDay: '08-26' },
      { first: 'Roxana', last: 'Dobre', gender: 'female', position: 'Responsabil achiziții', department: 'Achiziții' },
    ] },
  { key: 'dunarea', name: 'Dunărea Logistic Trans S.A.', short: 'Dunărea Logistic', code: 'DUNAREA', country: 'ro', taxBody: '1637420', register: 'J17/388/2004', street: 'Str. Portului nr. 34', postal: '800025', locality: 'Galați', county: 'Galați', region: 'Sud-Est', industry: 'transport_logistics', turnover: 48_000_000, employees: 320, credit: 150_000, domain: 'dunarea-logistic.example', phone: '+40 236 555 200', groups: ['prospects', 'romania'], salesRep: 'radu', eInvoice: true,
    persons: [
      { first: 'Gheorghe', last: 'Stan', gender: 'male', position: 'Director general', department: 'Conducere', nameDay: '04-23' },
      { first: 'Alina', last: 'Neagu', gender: 'female', position: 'Manager IT', department: 'IT' },
    ] },
  { key: 'transilvania', name: 'Transilvania Soft Solutions S.R.L.', short: 'Transilvania Soft', code: 'TRANSSOFT', country: 'ro', taxBody: '3570862', register: 'J12/2931/2016', street: 'Str. Memorandumului nr. 28', postal: '400114', locality: 'Cluj-Napoca', county: 'Cluj', region: 'Nord-Vest', industry: 'it_telecom', turnover: 11_000_000, employees: 48, domain: 'transilvania-soft.example', phone: '+40 264 555 128', groups: ['partners', 'romania'], salesRep: 'ioana',
    persons: [{ first: 'Bogdan', last: 'Pop', gender: 'male', position: 'Director tehnic', department: 'Dezvoltare' }] },
  { key: 'moara', name: 'Moara Bărăganului S.R.L.', short: 'Moara Bărăganului', code: 'MOARABARAG', country: 'ro', taxBody: '2391048', register: 'J21/205/2008', street: 'Bd. Matei Basarab nr. 5', postal: '920031', locality: 'Slobozia', county: 'Ialomița', region: 'Sud-Muntenia', industry: 'agriculture_food', turnover: 27_000_000, employees: 110, credit: 60_000, domain: 'moara-baraganului.example', phone: '+40 243 555 305', groups: ['prospects', 'romania'], salesRep: 'radu',
    persons: [
      { first: 'Vasile', last: 'Dumitru', gender: 'male', position: 'Administrator', department: 'Conducere', nameDay: '01-01' },
      { first: 'Elena', last: 'Rădulescu', gender: 'female', position: 'Contabil-șef', department: 'Contabilitate', nameDay: '05-21' },
    ] },
  { key: 'vitalis', name: 'Clinica Medicală Vitalis S.R.L.', short: 'Vitalis', code: 'VITALIS', country: 'ro', taxBody: '3128655', register: 'J22/1780/2013', street: 'Bd. Ștefan cel Mare și Sfânt nr. 12', postal: '700064', locality: 'Iași', county: 'Iași', region: 'Nord-Est', industry: 'healthcare', turnover: 14_000_000, employees: 65, credit: 40_000, domain: 'clinica-vitalis.example', phone: '+40 232 555 412', groups: ['clients', 'romania'], salesRep: 'ioana', serviceRep: 'marek',
    persons: [
      { first: 'Cristian', last: 'Apostol', gender: 'male', position: 'Director medical', department: 'Conducere' },
      { first: 'Simona', last: 'Țurcanu', gender: 'female', position: 'Manager administrativ', department: 'Administrativ' },
    ] },
  { key: 'electrobanat', name: 'Electro Banat Distribuție S.R.L.', short: 'Electro Banat', code: 'ELBANAT', country: 'ro', taxBody: '2705319', register: 'J35/2210/2010', street: 'Calea Aradului nr. 60', postal: '300291', locality: 'Timișoara', county: 'Timiș', region: 'Vest', industry: 'wholesale', turnover: 58_000_000, employees: 140, credit: 120_000, domain: 'electro-banat.example', phone: '+40 256 555 600', groups: ['clients', 'romania'], salesRep: 'radu',
    persons: [
      { first: 'Florin', last: 'Lazăr', gender: 'male', position: 'Director vânzări', department: 'Vânzări' },
      { first: 'Daniela', last: 'Popovici', gender: 'female', position: 'Specialist achiziții', department: 'Achiziții', nameDay: '12-17' },
    ] },
  { key: 'marul', name: 'Pensiunea Mărul de Aur S.R.L.', short: 'Mărul de Aur', code: 'MARULAUR', country: 'ro', taxBody: '3469107', register: 'J32/640/2015', street: 'Str. Nicolae Bălcescu nr. 17', postal: '550159', locality: 'Sibiu', county: 'Sibiu', region: 'Centru', industry: 'hospitality', turnover: 2_400_000, employees: 14, domain: 'marul-de-aur.example', phone: '+40 269 555 017', groups: ['prospects', 'romania'], salesRep: 'radu',
    persons: [{ first: 'Ana', last: 'Bălan', gender: 'female', position: 'Administrator', department: 'Conducere', nameDay: '07-26' }] },
  { key: 'oltenia', name: 'Oltenia Energie Verde S.A.', short: 'Oltenia Energie', code: 'OLTENIAEV', country: 'ro', taxBody: '4108273', register: 'J16/912/2019', street: 'Str. Brestei nr. 150', postal: '200581', locality: 'Craiova', county: 'Dolj', region: 'Sud-Vest Oltenia', industry: 'energy', turnover: 95_000_000, employees: 210, credit: 200_000, domain: 'oltenia-energie.example', phone: '+40 251 555 150', groups: ['clients', 'key_accounts', 'romania'], salesRep: 'ioana', serviceRep: 'pawel', eInvoice: true,
    persons: [
      { first: 'Marius', last: 'Enache', gender: 'male', position: 'Director de operațiuni', department: 'Operațiuni' },
      { first: 'Irina', last: 'Voicu', gender: 'female', position: 'Șef serviciu juridic', department: 'Juridic' },
    ] },
  { key: 'litoral', name: 'Tipografia Litoral Print S.R.L.', short: 'Litoral Print', code: 'LITORAL', country: 'ro', taxBody: '1923564', register: 'J13/1104/2007', street: 'Bd. Tomis nr. 201', postal: '900178', locality: 'Constanța', county: 'Constanța', region: 'Sud-Est', industry: 'manufacturing', turnover: 8_700_000, employees: 36, credit: 25_000, domain: 'litoral-print.example', phone: '+40 241 555 201', groups: ['prospects', 'romania'], salesRep: 'ioana',
    persons: [{ first: 'Ștefan', last: 'Ciobanu', gender: 'male', position: 'Șef producție', department: 'Producție', nameDay: '12-27' }] },
  { key: 'consult', name: 'Ionescu & Asociații Consultanță Fiscală S.R.L.', short: 'Ionescu & Asociații', code: 'IONESCUAS', country: 'ro', taxBody: '3047718', register: 'J40/8812/2012', street: 'Calea Victoriei nr. 88, Sector 1', postal: '010091', locality: 'București', county: 'București', region: 'București-Ilfov', industry: 'professional_services', turnover: 5_200_000, employees: 22, credit: 20_000, domain: 'ionescu-asociatii.example', phone: '+40 21 555 8812', groups: ['clients', 'romania'], salesRep: 'ioana',
    persons: [
      { first: 'Mihaela', last: 'Ionescu', gender: 'female', position: 'Partener', department: 'Conducere' },
      { first: 'Andrei', last: 'Stoica', gender: 'male', position: 'Consultant fiscal', department: 'Consultanță', nameDay: '11-30' },
    ] },
];

const DAY_MS = 86_400_000;

/** Demo records in dependency order: a record references only records listed before it. */
export function demoRecords(today: string): DemoRecord[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || new Date(`${today}T00:00:00Z`).toISOString().slice(0, 10) !== today) {
    throw new RangeError(`demoRecords: today must be a calendar date YYYY-MM-DD, got ${JSON.stringify(today)}`);
  }
  const base = Date.parse(`${today}T00:00:00Z`);
  const year = today.slice(0, 4);
  const day = (offset: number): string => new Date(base + offset * DAY_MS).toISOString().slice(0, 10);
  const at = (offset: number, time: string): string => `${day(offset)}T${time}:00Z`;

  const records: DemoRecord[] = [];
  const add = (ref: string, entity: string, values: Values): string => {
    records.push({ ref, entity, values });
    return ref;
  };
  const ref = (key: string) => ({ $ref: key });
  const links = (keys: readonly string[], role?: string) => keys.map((key) => (role ? { $ref: key, role } : { $ref: key }));
  const admin = { $user: 'admin' };
  const pln = (amount: number) => ({ amount, currency: 'PLN' });
  const ron = (amount: number) => ({ amount, currency: 'RON' });

  // ── Organisation ─────────────────────────────────────────────────────────
  add('business_unit.waw', 'business_unit', { name: 'Centrala — Warszawa', code: 'WAW', tax_id: nip('527301846'), locality: 'Warszawa', active: true });
  add('business_unit.krk', 'business_unit', { name: 'Oddział Kraków', code: 'KRK', locality: 'Kraków', parent: ref('business_unit.waw'), active: true });
  add('business_unit.buc', 'business_unit', { name: 'Sucursala București', code: 'BUC', tax_id: `RO${cui('4251730')}`, locality: 'București', parent: ref('business_unit.waw'), active: true });

  const employees: [key: string, name: string, title: string, unit: string, supervisor?: string, hours?: number][] = [
    ['adam', 'Adam Nowak', 'Dyrektor sprzedaży', 'waw'],
    ['katarzyna', 'Katarzyna Lewandowska', 'Przedstawiciel handlowy', 'waw', 'adam'],
    ['piotr', 'Piotr Mazur', 'Key Account Manager', 'krk', 'adam'],
    ['agnieszka', 'Agnieszka Kaczmarek', 'Kierownik marketingu', 'waw', 'adam'],
    ['marek', 'Marek Dąbrowski', 'Serwisant', 'waw', 'adam', 7.5],
    ['pawel', 'Paweł Szymański', 'Serwisant', 'krk', 'piotr'],
    ['ioana', 'Ioana Constantinescu', 'Director vânzări România', 'buc', 'adam'],
    ['radu', 'Radu Popa', 'Agent vânzări', 'buc', 'ioana'],
    ['cristina', 'Cristina Munteanu', 'Specialist marketing', 'buc', 'ioana', 4],
  ];
  employees.forEach(([key, name, title, unit, supervisor, hours], i) => {
    const [first, last] = name.split(' ') as [string, string];
    add(`employee.${key}`, 'employee', {
      name,
      job_title: title,
      email: `${ascii(first)}.${ascii(last)}@tessera-demo.example`,
      phone: unit === 'buc' ? `+40 21 555 70${String(i).padStart(2, '0')}` : `+48 22 555 70${String(i).padStart(2, '0')}`,
      business_unit: ref(`business_unit.${unit}`),
      ...(supervisor ? { supervisor: ref(`employee.${supervisor}`) } : {}),
      // Only the administrator has a login in a fresh install; the others get e-mail notifications.
      ...(key === 'adam' ? { user_account: admin } : {}),
      available_hours_per_day: hours ?? 8,
      active: true,
    });
  });

  // ── Reference lists ──────────────────────────────────────────────────────
  const groups: [key: string, name: string, criterion: string][] = [
    ['clients', 'Klienci', 'Kontrahenci z co najmniej jedną zrealizowaną sprzedażą.'],
    ['prospects', 'Potencjalni klienci', 'Kontrahenci bez sprzedaży, z którymi prowadzimy rozmowy.'],
    ['key_accounts', 'Kluczowi klienci', 'Obrót roczny z nami powyżej 100 000 PLN lub strategiczne znaczenie.'],
    ['partners', 'Partnerzy', 'Firmy współpracujące przy wdrożeniach (także konkurenci w części projektów).'],
    ['suppliers', 'Dostawcy', 'Dostawcy sprzętu i części zamiennych.'],
    ['romania', 'Clienți România', 'Parteneri cu sediul în România, deserviți de sucursala din București.'],
  ];
  for (const [key, name, criterion] of groups) add(`contractor_group.${key}`, 'contractor_group', { name, criterion });

  const lostReasons: [key: string, name: string, description: string][] = [
    ['competitor', 'Obecność konkurencji', 'Klient wybrał ofertę konkurenta.'],
    ['price', 'Zbyt wysokie ceny', 'Nasze ceny były wyższe niż oczekiwania klienta.'],
    ['no_budget', 'Brak budżetu u klienta', 'Klient nie ma środków na zakup w tym okresie.'],
    ['postponed', 'Projekt przesunięty w czasie', 'Klient odłożył decyzję na później.'],
    ['no_decision', 'Brak decyzji klienta', 'Klient przestał odpowiadać na kontakty.'],
    ['requirements', 'Niespełnione wymagania', 'Produkt nie spełnia wymagań technicznych klienta.'],
  ];
  for (const [key, name, description] of lostReasons) add(`lost_reason.${key}`, 'lost_reason', { name, description, active: true });

  // ── Contractors and their persons ────────────────────────────────────────
  let personNo = 0;
  for (const c of COMPANIES) {
    const cur = currencyOf(c.country);
    const taxId = c.taxBody === undefined ? undefined : c.country === 'pl' ? nip(c.taxBody) : `RO${cui(c.taxBody)}`;
    add(`contractor.${c.key}`, 'contractor', {
      name: c.name,
      short_name: c.short,
      contractor_type: c.naturalPerson ? 'natural_person' : 'company',
      internal_code: c.code,
      ...(taxId ? { tax_id: taxId } : {}),
      vat_payer: !c.naturalPerson,
      ...(c.register ? { trade_register_no: c.register } : {}),
      active: true,
      street: c.street,
      postal_code: c.postal,
      locality: c.locality,
      county: c.county,
      region: c.region,
      country: c.country,
      phone: c.phone,
      email: c.naturalPerson ? `tomasz@${c.domain}` : `${c.country === 'pl' ? 'biuro' : 'office'}@${c.domain}`,
      ...(c.naturalPerson ? {} : { website: `https://www.${c.domain}` }),
      industry: c.industry,
      ...(c.turnover !== undefined ? { turnover: { amount: c.turnover, currency: cur } } : {}),
      ...(c.employees !== undefined ? { employees: c.employees } : {}),
      ...(c.credit !== undefined ? { credit_limit: { amount: c.credit, currency: cur } } : {}),
      payment_terms_days: c.naturalPerson ? 0 : c.country === 'pl' ? 14 : 30,
      e_invoice_consent: c.eInvoice ?? false,
      sales_rep: ref(`employee.${c.salesRep}`),
      ...(c.serviceRep ? { service_rep: ref(`employee.${c.serviceRep}`) } : {}),
      groups: links(c.groups.map((g) => `contractor_group.${g}`)),
    });
    c.persons.forEach((p, i) => {
      personNo++;
      add(`person.${c.key}.${i + 1}`, 'person', {
        first_name: p.first,
        last_name: p.last,
        gender: p.gender,
        contractor: ref(`contractor.${c.key}`),
        primary_contact: i === 0,
        active: true,
        position: p.position,
        ...(p.department ? { department: p.department } : {}),
        ...(i > 0 ? { superior: ref(`person.${c.key}.1`) } : {}),
        email: c.naturalPerson ? `tomasz@${c.domain}` : `${ascii(p.first)}.${ascii(p.last)}@${c.domain}`,
        phone: c.phone,
        mobile: c.country === 'pl' ? `+48 601 200 ${String(100 + personNo)}` : `+40 722 300 ${String(100 + personNo)}`,
        ...(p.birthday ? { birthday: p.birthday } : {}),
        ...(p.nameDay ? { name_day: `${year}-${p.nameDay}` } : {}),
        ...(p.hobbies ? { hobbies: p.hobbies } : {}),
        marketing_consent: i === 0,
      });
    });
  }
  const person = (company: string, n = 1) => ref(`person.${company}.${n}`);
  const contractor = (key: string) => ref(`contractor.${key}`);
  const employee = (key: string) => ref(`employee.${key}`);

  // ── Products ─────────────────────────────────────────────────────────────
  const ean = (body12: string): string => {
    const sum = [...body12].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
    return `${body12}${(10 - (sum % 10)) % 10}`;
  };
  const products: [key: string, code: string, name: string, type: 'good' | 'service', unit: string, sale: number, extra?: Values][] = [
    ['implementation', 'USL-WDR-H', 'Usługi wdrożeniowe CRM (roboczogodzina)', 'service', 'h', 220, { hourly_rate: pln(220), product_group: 'Usługi wdrożeniowe' }],
    ['training', 'USL-SZK-D', 'Szkolenie stacjonarne (dzień)', 'service', 'day', 2400, { product_group: 'Szkolenia' }],
    ['inspection', 'USL-PRZ', 'Przegląd okresowy urządzenia', 'service', 'pcs', 350, { product_group: 'Serwis' }],
    ['support', 'USL-SERW-H', 'Serwis pogwarancyjny (godzina)', 'service', 'h', 180, { hourly_rate: pln(180), product_group: 'Serwis' }],
    ['subscription', 'USL-ABO-M', 'Abonament serwisowy (miesiąc)', 'service', 'month', 499, { product_group: 'Serwis' }],
    ['license', 'LIC-CRM-U', 'Licencja CRM (użytkownik / rok)', 'service', 'year', 960, { product_group: 'Licencje' }],
    ['printer', 'TOW-DRK-A3', 'Drukarka wielofunkcyjna A3 KX-3000', 'good', 'pcs', 8900, { purchase_price: pln(6200), barcode: ean('590123400001'), product_group: 'Urządzenia drukujące' }],
    ['scanner', 'TOW-SKN-20', 'Skaner dokumentów DS-20', 'good', 'pcs', 3100, { purchase_price: pln(2150), barcode: ean('590123400002'), product_group: 'Skanery' }],
    ['projector', 'TOW-PRJ-4K', 'Projektor multimedialny 4K', 'good', 'pcs', 5400, { purchase_price: pln(3900), barcode: ean('590123400003'), product_group: 'Prezentacja' }],
    ['fuser', 'CZ-FUS-3000', 'Moduł utrwalający (fuser) do KX-3000', 'good', 'pcs', 1250, { purchase_price: pln(780), barcode: ean('590123400004'), product_group: 'Części zamienne' }],
    ['toner', 'CZ-TON-3000', 'Toner czarny do KX-3000', 'good', 'pcs', 420, { purchase_price: pln(260), barcode: ean('590123400005'), product_group: 'Materiały eksploatacyjne' }],
  ];
  for (const [key, code, name, type, unit, sale, extra] of products) {
    add(`product.${key}`, 'product', {
      code, name, product_type: type, unit, sale_price: pln(sale), vat_rate: 'vat_23', active: true,
      ...(type === 'good' ? { supplier: contractor('iskra') } : {}),
      ...extra,
    });
  }
  const product = (key: string) => ref(`product.${key}`);

  // ── Campaigns ────────────────────────────────────────────────────────────
  add('campaign.fair', 'campaign', {
    name: 'Targi Przemysłowe Poznań — stoisko Tessera', status: 'completed', channel: 'trade_fair', responsible: employee('agnieszka'),
    objectives: 'Pozyskać 20 leadów z branży produkcyjnej i logistycznej; 5 transakcji w ciągu kwartału.', segment: 'Produkcja i logistyka, 50–500 pracowników',
    start_date: day(-50), end_date: day(-47), estimated_cost: pln(45_000), estimated_revenue: pln(400_000),
    members: links(['wislomet', 'kolorland', 'budomex', 'baltic', 'transkarpaty'].map((k) => `contractor.${k}`)),
  });
  add('campaign.ro_email', 'campaign', {
    name: 'Campanie e-mail: service digital pentru IMM-uri', status: 'active', channel: 'email', responsible: employee('cristina'),
    objectives: 'Prezentarea ofertei de service și CRM către IMM-urile din România; 10 întâlniri de prezentare.', segment: 'IMM-uri, 10–200 de angajați',
    start_date: day(-20), end_date: day(40), estimated_cost: ron(12_000), estimated_revenue: ron(250_000),
    members: links(['moara', 'carpatica', 'marul', 'vitalis', 'electrobanat'].map((k) => `contractor.${k}`)),
  });
  add('campaign.webinar', 'campaign', {
    name: 'Webinar: KSeF i e-faktury w praktyce', status: 'planned', channel: 'webinar', responsible: employee('agnieszka'),
    objectives: 'Pokazać integrację CRM z KSeF; zebrać zapisy na wdrożenia.', segment: 'Biura rachunkowe i małe firmy',
    start_date: day(14), end_date: day(14), estimated_cost: pln(3_000), estimated_revenue: pln(60_000),
    members: links(['kancelaria', 'agropol', 'zloty_klos', 'gmina'].map((k) => `contractor.${k}`)),
  });

  // ── Leads ────────────────────────────────────────────────────────────────
  add('lead.kolorland', 'lead', { title: 'Wymiana floty drukarek w drukarni', status: 'qualified', contractor: contractor('kolorland'), source: 'trade_fair', campaign: ref('campaign.fair'), industry: 'manufacturing', employees: 85, interests: 'Drukarki A3, abonament serwisowy.' });
  add('lead.elektromax', 'lead', { title: 'Zapytanie ze strony WWW — system CRM dla hurtowni', status: 'new', company_name: 'Elektro-Max Radom Sp. z o.o.', contact_name: 'Robert Majewski', email: 'robert.majewski@elektro-max.example', phone: '+48 48 555 36 36', source: 'website', industry: 'wholesale', employees: 35, interests: 'CRM z obsługą zamówień i e-mailem.' });
  add('lead.moara', 'lead', { title: 'Implementare CRM — Moara Bărăganului', status: 'contacted', contractor: contractor('moara'), source: 'campaign', campaign: ref('campaign.ro_email'), industry: 'agriculture_food', turnover: ron(27_000_000), employees: 110 });
  add('lead.saldo', 'lead', { title: 'Szkolenie KSeF dla biura rachunkowego', status: 'new', company_name: 'Biuro Rachunkowe „Saldo” Barbara Zając', contact_name: 'Barbara Zając', email: 'biuro@saldo-rachunkowe.example', source: 'campaign', campaign: ref('campaign.webinar'), industry: 'professional_services', employees: 6 });
  add('lead.klinika', 'lead', { title: 'Serwis urządzeń drukujących w klinice', status: 'converted', contractor: contractor('klinika'), source: 'referral', industry: 'healthcare', service_responsible: employee('marek') });
  add('lead.ardeal', 'lead', { title: 'Cerere ofertă videoproiectoare', status: 'disqualified', company_name: 'Asociația Culturală Ardeal', contact_name: 'Dan Moldovan', phone: '+40 269 555 310', source: 'inbound_call', industry: 'education', disqualification_reason: 'Fără buget în acest an; revenim în trimestrul următor.' });
  add('lead.hotel', 'lead', { title: 'CRM dla sieci hoteli', status: 'contacted', contractor: contractor('hotel'), source: 'referral', industry: 'hospitality', employees: 75, competitors: links(['contractor.softlab']), service_responsible: employee('marek'), interests: 'Rezerwacje sal, obsługa gości grupowych.' });
  add('lead.dunarea', 'lead', { title: 'Echipamente pentru depozitul nou', status: 'qualified', contractor: contractor('dunarea'), source: 'cold_call', industry: 'transport_logistics', turnover: ron(48_000_000), employees: 320 });

  // ── Deals: every stage of the sales pipeline ─────────────────────────────
  const STAGE = {
    new: { probability: 0, potential: 'zero' },
    presentation: { probability: 20, potential: 'low' },
    offering: { probability: 40, potential: 'medium' },
    negotiation: { probability: 70, potential: 'high' },
    sale: { probability: 100, potential: 'very_high' },
    lost: { probability: 0, potential: 'zero' },
  } as const;
  type Stage = keyof typeof STAGE;
  interface DealSeed {
    readonly key: string;
    readonly name: string;
    readonly company: string;
    readonly stage: Stage;
    readonly amount: number;
    readonly currency?: 'EUR';
    readonly sign: number;
    readonly rep: string;
    readonly saleType?: 'direct' | 'intermediary' | 'services';
    readonly lead?: string;
    readonly campaign?: string;
    readonly parties?: readonly [company: string, role: string][];
    readonly lost?: string;
    readonly lostComment?: string;
    readonly info?: string;
  }
  const deals: DealSeed[] = [
    { key: 'd01', name: 'Rozbudowa systemu CRM dla hurtowni', company: 'iskra', stage: 'new', amount: 85_000, sign: 75, rep: 'katarzyna' },
    { key: 'd02', name: 'Drukarki A3 do kancelarii', company: 'kancelaria', stage: 'new', amount: 18_000, sign: 60, rep: 'katarzyna' },
    { key: 'd03', name: 'Echipamente pentru depozitul nou', company: 'dunarea', stage: 'new', amount: 240_000, sign: 90, rep: 'radu', lead: 'dunarea' },
    { key: 'd04', name: 'Kiosk informacyjny dla urzędu gminy', company: 'gmina', stage: 'new', amount: 32_000, sign: 120, rep: 'piotr' },
    { key: 'd05', name: 'Wdrożenie CRM w hotelu', company: 'hotel', stage: 'presentation', amount: 120_000, sign: 45, rep: 'piotr', lead: 'hotel', parties: [['hotel', 'buyer'], ['softlab', 'competitor']] },
    { key: 'd06', name: 'Serwis urządzeń drukujących — 2 lata', company: 'klinika', stage: 'presentation', amount: 36_000, sign: 30, rep: 'katarzyna', saleType: 'services', lead: 'klinika' },
    { key: 'd07', name: 'Implementare CRM pentru Moara Bărăganului', company: 'moara', stage: 'presentation', amount: 95_000, sign: 50, rep: 'radu', lead: 'moara', campaign: 'ro_email' },
    { key: 'd08', name: 'Projektory do sal lekcyjnych', company: 'lingwista', stage: 'presentation', amount: 24_000, sign: 40, rep: 'katarzyna' },
    { key: 'd09', name: 'Sistem de programări online', company: 'vitalis', stage: 'presentation', amount: 60_000, sign: 55, rep: 'ioana', campaign: 'ro_email' },
    { key: 'd10', name: 'Flota drukarek dla drukarni', company: 'kolorland', stage: 'offering', amount: 145_000, sign: 25, rep: 'piotr', lead: 'kolorland', campaign: 'fair' },
    { key: 'd11', name: 'Modernizacja sieci i drukarek w biurze', company: 'energo', stage: 'offering', amount: 52_000, sign: 20, rep: 'katarzyna' },
    { key: 'd12', name: 'Licențe CRM și instruire', company: 'electrobanat', stage: 'offering', amount: 78_000, sign: 30, rep: 'radu', saleType: 'intermediary', parties: [['electrobanat', 'buyer'], ['transilvania', 'intermediary']] },
    { key: 'd13', name: 'Abonament serwisowy dla skanerów', company: 'transkarpaty', stage: 'offering', amount: 28_800, sign: 18, rep: 'piotr', saleType: 'services' },
    { key: 'd14', name: 'Echipamente de tipar digital', company: 'litoral', stage: 'offering', amount: 40_000, currency: 'EUR', sign: 35, rep: 'ioana' },
    { key: 'd15', name: 'Wdrożenie CRM i szkolenia', company: 'wislomet', stage: 'negotiation', amount: 210_000, sign: 12, rep: 'piotr', campaign: 'fair', parties: [['wislomet', 'buyer'], ['softlab', 'competitor']], info: 'Klient negocjuje rabat 8% przy płatności z góry.' },
    { key: 'd16', name: 'Contract de service pentru echipamente', company: 'oltenia', stage: 'negotiation', amount: 150_000, sign: 10, rep: 'ioana', saleType: 'services' },
    { key: 'd17', name: 'Sprzęt biurowy do nowej siedziby', company: 'budomex', stage: 'negotiation', amount: 96_000, sign: 14, rep: 'katarzyna', campaign: 'fair', parties: [['budomex', 'buyer'], ['budomex', 'payer'], ['baltic', 'recipient']] },
    { key: 'd18', name: 'Dostawa tonerów i serwis roczny', company: 'agropol', stage: 'negotiation', amount: 22_000, sign: 8, rep: 'katarzyna', saleType: 'services' },
    { key: 'd19', name: 'Wdrożenie CRM — logistyka', company: 'baltic', stage: 'sale', amount: 180_000, sign: -20, rep: 'piotr', campaign: 'fair', parties: [['baltic', 'buyer'], ['baltic', 'payer']] },
    { key: 'd20', name: 'Abonament CRM pe 24 de luni', company: 'carpatica', stage: 'sale', amount: 72_000, sign: -35, rep: 'radu', saleType: 'services' },
    { key: 'd21', name: 'Urządzenia wielofunkcyjne dla kliniki', company: 'klinika', stage: 'sale', amount: 44_500, sign: -12, rep: 'katarzyna' },
    { key: 'd22', name: 'Consultanță pentru implementare', company: 'consult', stage: 'sale', amount: 18_000, currency: 'EUR', sign: -5, rep: 'ioana', saleType: 'services' },
    { key: 'd23', name: 'Kasy i drukarki fiskalne dla piekarni', company: 'zloty_klos', stage: 'lost', amount: 35_000, sign: -10, rep: 'katarzyna', lost: 'competitor', lostComment: 'Klient wybrał ofertę lokalnego dystrybutora.' },
    { key: 'd24', name: 'Digitalizarea arhivei pensiunii', company: 'marul', stage: 'lost', amount: 25_000, sign: -25, rep: 'radu', lost: 'price', lostComment: 'Bugetul clientului era de 15.000 RON.' },
    { key: 'd25', name: 'Drukarka do domowego biura', company: 'wroblewski', stage: 'lost', amount: 3_200, sign: -8, rep: 'katarzyna', lost: 'no_budget' },
  ];
  const unitOf = (rep: string) => (['ioana', 'radu', 'cristina'].includes(rep) ? 'buc' : rep === 'piotr' ? 'krk' : 'waw');
  for (const d of deals) {
    const c = COMPANIES.find((x) => x.key === d.company)!;
    const open = d.stage !== 'sale' && d.stage !== 'lost';
    add(`deal.${d.key}`, 'deal', {
      name: d.name,
      deal_date: day(open ? -Math.max(5, Math.round(d.sign / 3)) : d.sign - 40),
      sale_type: d.saleType ?? 'direct',
      business_unit: ref(`business_unit.${unitOf(d.rep)}`),
      salesperson: employee(d.rep),
      contractor: contractor(d.company),
      person: person(d.company),
      ...(d.parties ? { parties: d.parties.map(([company, role]) => ({ $ref: `contractor.${company}`, role })) } : {}),
      ...(d.lead ? { lead: ref(`lead.${d.lead}`) } : {}),
      ...(d.campaign ? { campaign: ref(`campaign.${d.campaign}`) } : {}),
      estimated_revenue: { amount: d.amount, currency: d.currency ?? currencyOf(c.country) },
      revenue_probability: STAGE[d.stage].probability,
      probability: STAGE[d.stage].probability,
      potential: STAGE[d.stage].potential,
      expected_sign_date: day(d.sign),
      stage: d.stage,
      ...(open ? { stage_delegate: employee(d.rep), follow_up_date: day(Math.min(10, Math.max(1, Math.round(d.sign / 6)))) } : {}),
      ...(d.info ? { stage_info: d.info } : {}),
      ...(d.lost ? { lost_reason: ref(`lost_reason.${d.lost}`) } : {}),
      ...(d.lostComment ? { lost_comment: d.lostComment } : {}),
    });
  }

  // ── Offers with lines; the total is the sum of the lines ─────────────────
  interface OfferSeed {
    readonly key: string;
    readonly deal: string;
    readonly company: string;
    readonly title: string;
    readonly status: 'draft' | 'sent' | 'accepted' | 'rejected';
    readonly offset: number;
    readonly currency: string;
    readonly lines: readonly [product: string | null, description: string | null, qty: number, unit: string, price: number, discount?: number][];
    readonly recipients?: readonly string[];
    readonly lost?: string;
  }
  const offers: OfferSeed[] = [
    { key: 'o1', deal: 'd10', company: 'kolorland', title: 'Flota drukarek A3 z abonamentem serwisowym', status: 'sent', offset: -6, currency: 'PLN', lines: [['printer', null, 14, 'szt.', 8900, 5], ['subscription', null, 24, 'mies.', 499], ['implementation', 'Instalacja i konfiguracja urządzeń', 40, 'godz.', 220]] },
    { key: 'o2', deal: 'd11', company: 'energo', title: 'Drukarki i skanery do biura', status: 'draft', offset: -1, currency: 'PLN', lines: [['printer', null, 4, 'szt.', 8900], ['scanner', null, 5, 'szt.', 3100]] },
    { key: 'o3', deal: 'd12', company: 'electrobanat', title: 'Licențe CRM și instruire utilizatori', status: 'sent', offset: -4, currency: 'RON', lines: [['license', 'Licență CRM (utilizator / an)', 40, 'buc.', 1500], [null, 'Instruire utilizatori la sediul clientului (zi)', 6, 'zi', 3000]], recipients: ['transilvania'] },
    { key: 'o4', deal: 'd14', company: 'litoral', title: 'Echipamente de tipar digital', status: 'draft', offset: -2, currency: 'EUR', lines: [['printer', 'Multifuncțională A3 KX-3000', 18, 'buc.', 2050, 3], [null, 'Transport și instalare', 1, 'set', 1200]] },
    { key: 'o5', deal: 'd15', company: 'wislomet', title: 'Wdrożenie CRM ze szkoleniami', status: 'sent', offset: -9, currency: 'PLN', lines: [['license', null, 60, 'szt.', 960], ['implementation', null, 600, 'godz.', 220], ['training', null, 8, 'dzień', 2400]] },
    { key: 'o6', deal: 'd19', company: 'baltic', title: 'Wdrożenie CRM dla centrum logistycznego', status: 'accepted', offset: -30, currency: 'PLN', lines: [['license', null, 80, 'szt.', 960], ['implementation', null, 420, 'godz.', 220], ['training', null, 5, 'dzień', 2400]] },
    { key: 'o7', deal: 'd21', company: 'klinika', title: 'Urządzenia wielofunkcyjne z serwisem', status: 'accepted', offset: -18, currency: 'PLN', lines: [['printer', null, 5, 'szt.', 8900]] },
    { key: 'o8', deal: 'd23', company: 'zloty_klos', title: 'Kasy fiskalne i drukarki dla sieci sklepów', status: 'rejected', offset: -25, currency: 'PLN', lines: [[null, 'Kasa fiskalna online z instalacją', 10, 'szt.', 2900], ['toner', null, 20, 'szt.', 420]], lost: 'competitor' },
    { key: 'o9', deal: 'd13', company: 'transkarpaty', title: 'Abonament serwisowy dla skanerów DS-20', status: 'sent', offset: -3, currency: 'PLN', lines: [['subscription', null, 24, 'mies.', 1200]], recipients: ['baltic'] },
  ];
  const vat = (prod: string | null): string => (prod === 'training' ? 'zw' : 'vat23');
  /** An offer's lines as written (orders and invoices copy them, as the conversions would). */
  const linesOf = (o: OfferSeed) =>
    o.lines.map(([prod, description, qty, unit, price, discount]) => ({
      ...(prod ? { product: product(prod) } : {}),
      ...(description ? { description } : {}),
      quantity: qty,
      unit,
      net_price: price,
      vat_rate: vat(prod),
      ...(discount ? { discount_percent: discount } : {}),
    }));
  for (const o of offers) {
    add(`offer.${o.key}`, 'offer', {
      title: o.title,
      offer_date: day(o.offset),
      valid_until: day(o.offset + 30),
      status: o.status,
      currency: o.currency.toLowerCase(),
      contractor: contractor(o.company),
      person: person(o.company),
      deal: ref(`deal.${o.deal}`),
      ...(o.recipients ? { recipients: links(o.recipients.map((k) => `contractor.${k}`)) } : {}),
      // The lines are written with the offer; its totals are computed from them.
      lines: linesOf(o),
      payment_terms_days: 14,
      ...(o.status !== 'draft' ? { sent_on: day(o.offset + 1) } : {}),
      ...(o.lost ? { lost_reason: ref(`lost_reason.${o.lost}`) } : {}),
    });
  }

  // ── Sales orders and invoices (as the offers' conversions would make them) ──
  const offerLines = (key: string) => linesOf(offers.find((x) => x.key === key)!);
  const offerOf = (key: string) => offers.find((x) => x.key === key)!;
  const orderOf = (key: string, offerKey: string, offset: number, status: string, delivered: (qty: number, i: number) => number, extra: Values = {}) => {
    const o = offerOf(offerKey);
    add(`sales_order.${key}`, 'sales_order', {
      order_date: day(offset), delivery_date: day(offset + 21), status, currency: o.currency.toLowerCase(), contractor: contractor(o.company), person: person(o.company),
      deal: ref(`deal.${o.deal}`), offer: ref(`offer.${offerKey}`), payment_terms_days: 14,
      lines: offerLines(offerKey).map((l, i) => ({ ...l, quantity_delivered: delivered(l.quantity, i) })),
      ...extra,
    });
  };
  // Baltic's implementation: licences delivered, hours partly worked, training not yet.
  orderOf('z1', 'o6', -28, 'partially_delivered', (qty, i) => (i === 0 ? qty : i === 1 ? 180 : 0), { business_unit: ref('business_unit.waw') });
  orderOf('z2', 'o7', -16, 'delivered', (qty) => qty, { business_unit: ref('business_unit.krk') });
  const invoiceOf = (key: string, offerKey: string, kind: string, offset: number, extra: Values = {}) => {
    const o = offerOf(offerKey);
    add(`invoice.${key}`, 'invoice', {
      kind, issue_date: day(offset), sale_date: day(offset), payment_due: day(offset + 14), payment_terms_days: 14, currency: o.currency.toLowerCase(),
      contractor: contractor(o.company), person: person(o.company), deal: ref(`deal.${o.deal}`), offer: ref(`offer.${offerKey}`),
      lines: offerLines(offerKey), ...extra,
    });
  };
  // Sales commissions: three tiers of the month's paid revenue for everyone, a better top tier for one.
  add('commission_rule.base', 'commission_rule', { name: 'Prowizja podstawowa do 50 tys. zł', min_revenue: 0, rate: 3, valid_from: day(-365) });
  add('commission_rule.mid', 'commission_rule', { name: 'Prowizja od 50 tys. zł', min_revenue: 50_000, rate: 5, valid_from: day(-365) });
  add('commission_rule.top', 'commission_rule', { name: 'Prowizja od 200 tys. zł', min_revenue: 200_000, rate: 7, valid_from: day(-365) });
  add('commission_rule.katarzyna', 'commission_rule', { name: 'Katarzyna: od 200 tys. zł', salesperson: employee('katarzyna'), min_revenue: 200_000, rate: 8, valid_from: day(-90) });
  invoiceOf('pf1', 'o1', 'proforma', -5);
  invoiceOf('fv1', 'o7', 'invoice', -10, { sales_order: ref('sales_order.z2'), business_unit: ref('business_unit.krk'), salesperson: employee('katarzyna'), split_payment: true, paid: true, paid_date: day(-4), paid_amount: 54_735 });
  invoiceOf('fv2', 'o6', 'invoice', -20, { sales_order: ref('sales_order.z1'), business_unit: ref('business_unit.waw'), salesperson: employee('katarzyna'), paid_amount: 50_000 });
  // One printer came back damaged: the correction takes it off the invoice.
  invoiceOf('kor1', 'o7', 'correction', -3, { corrected_invoice: ref('invoice.fv1'), correction_reason: 'Zwrot jednego urządzenia uszkodzonego w transporcie.', lines: [{ product: product('printer'), quantity: -1, unit: 'szt.', net_price: 8900, vat_rate: 'vat23' }] });

  // ── Devices ──────────────────────────────────────────────────────────────
  const devices: [key: string, name: string, serial: string, model: string | null, owner: string | null, extra: Values][] = [
    ['klinika1', 'Drukarka KX-3000 — rejestracja', 'KX3-2023-004512', 'printer', 'klinika', { purchase_date: day(-400), warranty_until: day(330), next_inspection: day(20), location: 'Rejestracja, parter' }],
    ['klinika2', 'Drukarka KX-3000 — gabinety', 'KX3-2023-004513', 'printer', 'klinika', { purchase_date: day(-400), warranty_until: day(330), next_inspection: day(20), location: 'Korytarz gabinetów, I piętro' }],
    ['transkarpaty1', 'Skaner DS-20 — biuro spedycji', 'DS20-22-118734', 'scanner', 'transkarpaty', { purchase_date: day(-700), next_inspection: day(45) }],
    ['iskra1', 'Drukarka KX-3000 — magazyn', 'KX3-2022-001877', 'printer', 'iskra', { purchase_date: day(-820), next_inspection: day(-3), location: 'Magazyn centralny' }],
    ['vitalis1', 'Scaner DS-20 — recepție', 'DS20-23-120051', 'scanner', 'vitalis', { purchase_date: day(-300), warranty_until: day(65) }],
    ['carpatica1', 'Multifuncțională KX-3000 — birou tehnic', 'KX3-2021-000954', 'printer', 'carpatica', { purchase_date: day(-1100) }],
    ['projector1', 'Projektor 4K — nr 1', 'PRJ4K-2024-0007', 'projector', null, { rentable: true, purchase_date: day(-200), next_inspection: day(90), location: 'Magazyn wypożyczalni, Warszawa' }],
    ['projector2', 'Projektor 4K — nr 2', 'PRJ4K-2024-0008', 'projector', null, { rentable: true, purchase_date: day(-200), next_inspection: day(90), location: 'Magazyn wypożyczalni, Warszawa' }],
    ['laptop1', 'Laptop prezentacyjny', 'NB-2024-1102', null, null, { rentable: true, purchase_date: day(-150), location: 'Sala „Wisła”' }],
  ];
  for (const [key, name, serial, model, owner, extra] of devices) {
    add(`device.${key}`, 'device', {
      name, serial_no: serial,
      ...(model ? { product: product(model) } : {}),
      ...(owner ? { contractor: contractor(owner) } : {}),
      rentable: false,
      ...extra,
    });
  }
  const device = (key: string) => ref(`device.${key}`);

  // ── Contracts ────────────────────────────────────────────────────────────
  add('contract.baltic', 'contract', { title: 'Umowa wdrożeniowa CRM', contract_type: 'commercial', status: 'active', contractor: contractor('baltic'), deal: ref('deal.d19'), campaign: ref('campaign.fair'), signed_on: day(-20), valid_from: day(-20), valid_to: day(160), value: pln(180_000), billing_period: 'one_off', covered_services: links(['product.implementation', 'product.training', 'product.license']) });
  add('contract.klinika', 'contract', { title: 'Umowa serwisowa — urządzenia drukujące', contract_type: 'service', status: 'active', contractor: contractor('klinika'), deal: ref('deal.d21'), signed_on: day(-12), valid_from: day(-10), valid_to: day(720), auto_renew: true, value: pln(11_976), billing_period: 'monthly', covered_services: links(['product.inspection', 'product.support', 'product.subscription']), covered_devices: links(['device.klinika1', 'device.klinika2']) });
  add('contract.carpatica', 'contract', { title: 'Abonament CRM și suport — 24 de luni', contract_type: 'subscription', status: 'active', contractor: contractor('carpatica'), deal: ref('deal.d20'), signed_on: day(-35), valid_from: day(-30), valid_to: day(700), value: ron(72_000), billing_period: 'monthly', covered_services: links(['product.license', 'product.support']), covered_devices: links(['device.carpatica1']) });

  // ── Price lists, discount rules, recurring invoices ─────────────────────
  // A dated promotion on consumables (beats the products' sale prices while it lasts), an export list
  // in euro, a key-account discount and a quantity break; the clinic's service contract invoiced monthly.
  const priced = (items: readonly (readonly [string, number])[]) => items.map(([key, price]) => ({ product: product(key), price }));
  add('price_list.promo', 'price_list', { name: 'Promocja — materiały eksploatacyjne', currency: 'pln', valid_from: day(-10), valid_to: day(50), priority: 10, active: true, items: priced([['toner', 389], ['fuser', 1190]]) });
  add('price_list.export', 'price_list', { name: 'Cennik eksportowy EUR', currency: 'eur', priority: 0, active: true, items: priced([['printer', 2090], ['scanner', 730], ['toner', 99], ['license', 225]]) });
  add('discount_rule.key_accounts', 'discount_rule', { name: 'Kluczowi klienci — 5%', percent: 5, contractor_group: ref('contractor_group.key_accounts'), min_quantity: 0, priority: 0, active: true });
  add('discount_rule.consumables', 'discount_rule', { name: 'Materiały eksploatacyjne od 10 szt. — 8%', percent: 8, product_group: 'Materiały eksploatacyjne', min_quantity: 10, priority: 5, active: true });
  add('recurring_invoice.klinika', 'recurring_invoice', {
    name: 'Przeglądy i wsparcie — Klinika Uśmiech', contractor: contractor('klinika'), currency: 'pln', period: 'monthly', next_date: day(20), end_date: day(720), active: true, payment_terms_days: 14,
    lines: [{ product: product('inspection'), quantity: 2, net_price: 350, vat_rate: 'vat23' }, { product: product('support'), quantity: 2, net_price: 180, vat_rate: 'vat23' }],
  });

  // ── Projects and budgets ─────────────────────────────────────────────────
  add('project.baltic', 'project', { code: 'PRJ-001', name: 'Wdrożenie CRM — Bałtyckie Centrum Logistyczne', project_type: 'implementation', phase: 'execution', contractor: contractor('baltic'), campaign: ref('campaign.fair'), manager: employee('piotr'), start_date: day(-15), end_date: day(75), goal: 'Uruchomienie CRM dla 80 użytkowników w trzech magazynach.' });
  const budget: [name: string, type: 'cost' | 'revenue', amount: number, qty?: number, unit?: string, stage?: string][] = [
    ['Roboczogodziny konsultantów', 'cost', 50_400, 420, 'godz.', 'Wdrożenie'],
    ['Licencje od producenta', 'cost', 38_400, 80, 'szt.', 'Start'],
    ['Dojazdy i noclegi', 'cost', 6_000, undefined, undefined, 'Wdrożenie'],
    ['Przychód z wdrożenia', 'revenue', 92_400, 420, 'godz.', 'Wdrożenie'],
    ['Przychód z licencji', 'revenue', 76_800, 80, 'szt.', 'Start'],
    ['Przychód ze szkoleń', 'revenue', 12_000, 5, 'dzień', 'Odbiór'],
  ];
  budget.forEach(([name, type, amount, qty, unit, stage], i) => {
    add(`budget_line.baltic.${i + 1}`, 'budget_line', {
      project: ref('project.baltic'), name, line_type: type,
      planning_mode: qty === undefined ? 'value_only' : 'value_and_quantity',
      planned_amount: pln(amount),
      ...(qty !== undefined ? { planned_quantity: qty, unit } : {}),
      ...(stage ? { project_stage: stage } : {}),
      period_from: day(-15), period_to: day(75),
    });
  });
  add('project.fair', 'project', { code: 'PRJ-002', name: 'Stoisko na Targach Przemysłowych w Poznaniu', project_type: 'marketing', phase: 'completed', campaign: ref('campaign.fair'), manager: employee('agnieszka'), start_date: day(-90), end_date: day(-45), goal: 'Przygotowanie i obsługa stoiska targowego.' });
  add('budget_line.fair.1', 'budget_line', { project: ref('project.fair'), name: 'Wynajem powierzchni wystawienniczej', line_type: 'cost', planning_mode: 'value_only', planned_amount: pln(18_000), period_from: day(-90), period_to: day(-45) });
  add('budget_line.fair.2', 'budget_line', { project: ref('project.fair'), name: 'Materiały reklamowe i gadżety', line_type: 'cost', planning_mode: 'value_only', planned_amount: pln(6_500), correction_amount: pln(1_200), period_from: day(-90), period_to: day(-45) });

  // ── Service orders, one per status ───────────────────────────────────────
  add('service_order.received', 'service_order', { order_type: 'repair', received_at: at(0, '07:30'), priority: 'normal', contractor: contractor('iskra'), person: person('iskra', 2), device: device('iskra1'), problem: 'Zacięcia papieru w podajniku 2, komunikat E-204.', status: 'received', promised_date: day(5) });
  add('service_order.in_repair', 'service_order', { order_type: 'repair', received_at: at(-3, '09:10'), priority: 'high', contractor: contractor('klinika'), person: person('klinika'), device: device('klinika1'), contract: ref('contract.klinika'), problem: 'Drukarka nie pobiera papieru z tacy ręcznej.', diagnosis: 'Zużyta rolka pobierająca tacy ręcznej.', status: 'in_repair', technician: employee('marek'), promised_date: day(1), labour_hours: 1.5 });
  add('service_order.waiting', 'service_order', { order_type: 'repair', received_at: at(-6, '11:45'), priority: 'normal', contractor: contractor('transkarpaty'), person: person('transkarpaty'), device: device('transkarpaty1'), problem: 'Skaner wciąga po kilka kartek naraz.', diagnosis: 'Uszkodzona rolka separująca.', status: 'waiting_for_parts', technician: employee('pawel'), parts_ordered: 'Rolka separująca DS-20 (2 szt.), zamówienie u dostawcy.', promised_date: day(4), estimated_cost: pln(540) });
  add('service_order.ready', 'service_order', { order_type: 'warranty_repair', received_at: at(-8, '08:20'), priority: 'normal', contractor: contractor('vitalis'), person: person('vitalis', 2), device: device('vitalis1'), problem: 'Scanerul nu este recunoscut de calculator.', diagnosis: 'Placă USB defectă.', status: 'ready', technician: employee('marek'), work_done: 'Înlocuit placa USB în garanție; testat cu driverul actual.', labour_hours: 1, promised_date: day(-1), notify_sms: true });
  add('service_order.released', 'service_order', { order_type: 'repair', received_at: at(-12, '10:00'), priority: 'low', contractor: contractor('carpatica'), person: person('carpatica', 2), device: device('carpatica1'), contract: ref('contract.carpatica'), problem: 'Imprimare cu dungi pe toată pagina.', status: 'released', technician: employee('pawel'), work_done: 'Curățat unitatea laser, înlocuit cilindrul fotosensibil.', labour_hours: 2, total_amount: ron(850), released_at: at(-1, '14:30') });
  add('service_order.invoiced', 'service_order', { order_type: 'inspection', received_at: at(-20, '09:00'), priority: 'normal', contractor: contractor('klinika'), person: person('klinika'), device: device('klinika2'), contract: ref('contract.klinika'), problem: 'Przegląd okresowy według umowy serwisowej.', status: 'invoiced', technician: employee('marek'), work_done: 'Przegląd wykonany, wymieniono moduł utrwalający.', labour_hours: 2.5, total_amount: pln(1_600), released_at: at(-17, '15:00'), invoice_no: `FV/${year}/0142` });
  add('service_order.cancelled', 'service_order', { order_type: 'inspection', received_at: at(-25, '12:00'), priority: 'low', contractor: contractor('iskra'), person: person('iskra', 2), device: device('iskra1'), problem: 'Przegląd okresowy — klient przesunął termin.', status: 'cancelled', notify_sms: false });

  // ── Complaints ───────────────────────────────────────────────────────────
  add('complaint.toner', 'complaint', { complaint_date: day(-2), contractor: contractor('iskra'), person: person('iskra'), product: product('toner'), invoice_no: `FV/${year}/0098`, description: 'Tonery z ostatniej dostawy zostawiają smugi na wydrukach (partia 24/03).', status: 'under_review', responsible: employee('marek'), claimed_amount: pln(2_100) });
  add('complaint.scanner', 'complaint', { complaint_date: day(-21), contractor: contractor('electrobanat'), person: person('electrobanat', 2), product: product('scanner'), invoice_no: `FV/${year}/0051`, description: 'Scanerul livrat are carcasa fisurată.', status: 'closed', responsible: employee('ioana'), claimed_amount: ron(3_400), resolution_type: 'replacement', resolution: 'Scanerul a fost înlocuit cu unul nou.', resolved_on: day(-9) });

  // ── Rentals ──────────────────────────────────────────────────────────────
  add('rental.reserved', 'rental', { device: device('projector2'), contractor: contractor('lingwista'), person: person('lingwista'), rented_from: at(5, '08:00'), rented_until: at(7, '16:00'), status: 'reserved', price: pln(600), deposit: pln(1_500) });
  add('rental.rented', 'rental', { device: device('projector1'), contractor: contractor('hotel'), person: person('hotel', 2), rented_from: at(-2, '09:00'), rented_until: at(3, '18:00'), status: 'rented', price: pln(1_250), deposit: pln(2_000) });
  add('rental.returned', 'rental', { device: device('projector1'), contractor: contractor('wislomet'), person: person('wislomet'), rented_from: at(-30, '08:00'), rented_until: at(-27, '16:00'), returned_at: at(-27, '15:20'), status: 'returned', price: pln(750), condition_on_return: 'Bez uszkodzeń, komplet kabli.' });

  // ── Vehicles and their mileage (fleet service) ───────────────────────────
  add('vehicle.service_car', 'vehicle', { registration_number: 'WX 4821K', vin: 'TMBJJ7NE5K0123456', make: 'Škoda', model: 'Octavia Combi', production_year: 2019, fuel: 'diesel', next_service_mileage: 150_000, next_service_date: day(40) });
  add('vehicle.baltic_truck', 'vehicle', { registration_number: 'GD 7315M', vin: 'WDB9066331S123456', make: 'Mercedes-Benz', model: 'Sprinter 316', production_year: 2021, fuel: 'diesel', owner_contractor: contractor('baltic'), next_service_mileage: 90_000, next_service_date: day(120) });
  add('vehicle.dunarea_van', 'vehicle', { registration_number: 'GL 21 DLT', vin: 'VF1MA000X64123456', make: 'Renault', model: 'Master', production_year: 2018, fuel: 'diesel', owner_contractor: contractor('dunarea'), next_service_mileage: 200_000, next_service_date: day(60) });
  const vehicle = (key: string) => ref(`vehicle.${key}`);
  add('mileage_reading.service_car.1', 'mileage_reading', { vehicle: vehicle('service_car'), reading_date: day(-60), odometer: 141_200, source: 'manual' });
  add('mileage_reading.service_car.2', 'mileage_reading', { vehicle: vehicle('service_car'), reading_date: day(-12), odometer: 146_950, source: 'fuel' });
  add('mileage_reading.baltic_truck.1', 'mileage_reading', { vehicle: vehicle('baltic_truck'), reading_date: day(-30), odometer: 88_400, source: 'service' });
  add('mileage_reading.baltic_truck.2', 'mileage_reading', { vehicle: vehicle('baltic_truck'), reading_date: day(-3), odometer: 90_730, source: 'fuel' });
  add('mileage_reading.dunarea_van.1', 'mileage_reading', { vehicle: vehicle('dunarea_van'), reading_date: day(-20), odometer: 187_300, source: 'manual' });

  // ── Loyalty programme (points per purchase) ──────────────────────────────
  add('loyalty_programme.partner', 'loyalty_programme', { name: 'Program Partnerski Tessera', points_per_unit: 0.1, basis: 'net', validity_months: 24, active: true });
  add('loyalty_account.klinika', 'loyalty_account', { card_number: 'TPP-000101', contractor: contractor('klinika'), programme: ref('loyalty_programme.partner'), joined_on: day(-200), active: true });
  add('loyalty_account.lingwista', 'loyalty_account', { card_number: 'TPP-000102', contractor: contractor('lingwista'), programme: ref('loyalty_programme.partner'), joined_on: day(-90), active: true });
  add('loyalty_entry.klinika.1', 'loyalty_entry', { account: ref('loyalty_account.klinika'), entry_date: day(-150), points: 1_240, reason: 'purchase', notes: 'Umowa serwisowa — I kwartał' });
  add('loyalty_entry.klinika.2', 'loyalty_entry', { account: ref('loyalty_account.klinika'), entry_date: day(-40), points: -500, reason: 'redemption', notes: 'Rabat na tonery' });
  add('loyalty_entry.lingwista.1', 'loyalty_entry', { account: ref('loyalty_account.lingwista'), entry_date: day(-60), points: 380, reason: 'purchase' });

  // ── Resources and reservations ───────────────────────────────────────────
  add('resource.wisla', 'resource', { name: 'Sala konferencyjna „Wisła”', resource_type: 'room', resource_group: 'Sale', capacity: 12, location: 'Warszawa, II piętro', active: true });
  add('resource.odra', 'resource', { name: 'Sala szkoleniowa „Odra”', resource_type: 'room', resource_group: 'Sale', capacity: 24, location: 'Warszawa, parter', active: true });
  add('resource.laptop', 'resource', { name: 'Laptop prezentacyjny', resource_type: 'equipment', resource_group: 'Sprzęt', device: device('laptop1'), active: true });
  add('resource.car', 'resource', { name: 'Samochód serwisowy WX 4821K', resource_type: 'vehicle', resource_group: 'Pojazdy', location: 'Parking firmowy', active: true });
  add('resource.marek', 'resource', { name: 'Marek Dąbrowski (serwisant)', resource_type: 'staff', resource_group: 'Serwis', employee: employee('marek'), active: true });
  add('reservation.meeting', 'reservation', { title: 'Spotkanie z klientem — Wisłomet', reservation_type: 'reservation', starts_at: at(2, '08:00'), ends_at: at(2, '10:00'), resources: links(['resource.wisla']), status: 'booked', booked_by: admin, contractor: contractor('wislomet') });
  add('reservation.training', 'reservation', { title: 'Szkolenie KSeF dla klientów', reservation_type: 'block', starts_at: at(7, '07:00'), ends_at: at(7, '15:00'), resources: links(['resource.odra', 'resource.laptop']), status: 'booked', booked_by: admin });
  add('reservation.car_today', 'reservation', { title: 'Wyjazd serwisowy — Tarnów', reservation_type: 'block', starts_at: at(0, '06:00'), ends_at: at(0, '16:00'), resources: links(['resource.car', 'resource.marek']), status: 'taken', taken_at: at(0, '06:05'), booked_by: admin, contractor: contractor('wislomet') });
  add('reservation.workshop', 'reservation', { title: 'Warsztaty wdrożeniowe — BCL', reservation_type: 'reservation', starts_at: at(-5, '08:00'), ends_at: at(-5, '14:00'), resources: links(['resource.wisla', 'resource.laptop']), status: 'closed', taken_at: at(-5, '07:50'), closed_at: at(-5, '14:10'), booked_by: admin, contractor: contractor('baltic') });
  add('reservation.expired', 'reservation', { title: 'Przegląd floty — samochód', reservation_type: 'block', starts_at: at(-2, '07:00'), ends_at: at(-2, '12:00'), resources: links(['resource.car']), status: 'expired', booked_by: admin, notes: 'Nikt nie pobrał samochodu; blokada minęła.' });

  // ── Trainings (enova style): a course, its group under way, three enrolments, two sessions ───
  add('training.ksef', 'training', { name: 'KSeF w praktyce — e-faktury od podstaw', code: 'KSEF-01', hours: 16, price: pln(1_200), min_attendance: 80, certificate_language: 'pl', description: 'Krajowy System e-Faktur: uprawnienia, wystawianie i odbiór faktur, korekty, tryb awaryjny.' });
  add('training_group.ksef1', 'training_group', { name: 'KSeF w praktyce — grupa 1', training: ref('training.ksef'), start_date: day(-7), end_date: day(7), place: 'Sala szkoleniowa „Odra”, Warszawa', trainer: admin, capacity: 12, status: 'in_progress' });
  const enrol = (key: string, who: string, participant: string, company: string) =>
    add(`training_enrolment.${key}`, 'training_enrolment', { training_group: ref('training_group.ksef1'), person: ref(who), participant, contractor: contractor(company), status: 'enrolled' });
  enrol('szewczyk', 'person.baltic.2', 'Joanna Szewczyk', 'baltic');
  enrol('zielinski', 'person.baltic.1', 'Tomasz Zieliński', 'baltic');
  enrol('pawlak', 'person.wislomet.2', 'Beata Pawlak', 'wislomet');
  const present = (key: string, here: boolean) => ({ enrolment: ref(`training_enrolment.${key}`), presence: here ? 'present' : 'absent' });
  add('training_session.ksef1.1', 'training_session', { training_group: ref('training_group.ksef1'), session_date: day(-7), topic: 'Uprawnienia i logowanie do KSeF', hours: 8, attendance: [present('szewczyk', true), present('zielinski', true), present('pawlak', true)] });
  add('training_session.ksef1.2', 'training_session', { training_group: ref('training_group.ksef1'), session_date: day(-6), topic: 'Wystawianie faktur i korekt', hours: 8, attendance: [present('szewczyk', true), present('zielinski', false), present('pawlak', true)] });

  // ── Marketing actions ────────────────────────────────────────────────────
  add('marketing_action.inspections', 'marketing_action', {
    name: 'Telemarketing: przeglądy okresowe urządzeń', action_type: 'telemarketing', status: 'executing', responsible: employee('agnieszka'),
    start_date: day(-4), end_date: day(10),
    scenario: '1. Zapytać o liczbę urządzeń. 2. Zaproponować przegląd w cenie abonamentu. 3. Umówić termin serwisanta.',
    member_filter: { and: [{ country: 'pl' }, { industry: { in: ['healthcare', 'transport_logistics', 'wholesale'] } }] },
    contractors: links(['iskra', 'klinika', 'transkarpaty', 'baltic'].map((k) => `contractor.${k}`)),
    persons: links(['person.iskra.2', 'person.klinika.1', 'person.transkarpaty.1', 'person.baltic.2']),
  });
  add('marketing_action.webinar_mailing', 'marketing_action', {
    name: 'Mailing: zaproszenie na webinar KSeF', action_type: 'mailing', status: 'closed', campaign: ref('campaign.webinar'), responsible: employee('agnieszka'),
    start_date: day(-10), end_date: day(-8),
    contractors: links(['kancelaria', 'agropol', 'zloty_klos', 'gmina'].map((k) => `contractor.${k}`)),
    persons: links(['person.kancelaria.1', 'person.agropol.2', 'person.zloty_klos.1', 'person.gmina.2']),
  });

  // ── Activities ───────────────────────────────────────────────────────────
  let activityNo = 0;
  const activity = (kind: string, subject: string, values: Values): string => {
    activityNo++;
    return add(`activity.${String(activityNo).padStart(2, '0')}`, 'activity', { kind, subject, status: 'open', priority: 'normal', assignee: admin, ...values });
  };
  const mail = (local: string, domain: string) => `${local}@${domain}`;
  const messageId = (n: number, domain: string) => `<${day(0).replace(/-/g, '')}.${String(n).padStart(4, '0')}@${domain}>`;

  // Story 1: a Polish company with two contacts, a call event and a meeting task on its card.
  activity('call', 'Zapytanie o rozbudowę systemu CRM', { status: 'resolved', contractor: contractor('iskra'), person: person('iskra'), deal: ref('deal.d01'), start_at: at(-6, '08:00'), end_at: at(-6, '08:12'), direction: 'inbound', phone_number: '+48 22 555 01 10', duration_minutes: 12, call_result: 'answered', resolution: 'Umówiono spotkanie prezentacyjne w siedzibie klienta.' });
  activity('meeting', 'Prezentacja CRM w siedzibie klienta', { priority: 'high', contractor: contractor('iskra'), person: person('iskra'), deal: ref('deal.d01'), start_at: at(3, '08:00'), end_at: at(3, '09:30'), location: 'ul. Puławska 145, Warszawa', meeting_mode: 'in_person', reminder: 'one_day_before', remind_by: 'message_and_email' });
  const quote = activity('task', 'Przygotować wycenę rozbudowy CRM', { priority: 'high', contractor: contractor('iskra'), deal: ref('deal.d01'), deadline: at(2, '15:00'), percent_done: 30, reminder: 'at_deadline', remind_by: 'message' });
  activity('task', 'Zebrać wymagania od działu zakupów', { contractor: contractor('iskra'), person: person('iskra'), deal: ref('deal.d01'), parent: ref(quote), deadline: at(1, '12:00') });
  activity('email', 'RE: Oferta na drukarki A3', { status: 'resolved', contractor: contractor('kancelaria'), person: person('kancelaria'), deal: ref('deal.d02'), start_at: at(-1, '09:41'), direction: 'inbound', message_id: messageId(1, 'nowicki-doradcy.example'), from_address: mail('jacek.nowicki', 'nowicki-doradcy.example'), to_addresses: 'katarzyna.lewandowska@tessera-demo.example', mailbox: 'sprzedaz@tessera-demo.example', description: 'Prosimy o wariant z dwiema drukarkami i dłuższą gwarancją.' });
  activity('note', 'Klient preferuje kontakt po 14:00', { status: 'resolved', contractor: contractor('baltic'), person: person('baltic', 2), description: 'Pani Joanna prosi o telefony wyłącznie po południu.' });
  for (const key of ['wislomet', 'kolorland', 'budomex']) {
    activity('letter', 'Zaproszenie na Targi Przemysłowe Poznań', { status: 'resolved', contractor: contractor(key), campaign: ref('campaign.fair'), start_at: at(-60, '10:00'), direction: 'outbound', delivery_method: 'post', template: 'Zaproszenie na targi' });
  }
  activity('planned_contact', 'Telefon w sprawie decyzji zakupowej', { priority: 'high', contractor: contractor('wislomet'), person: person('wislomet'), deal: ref('deal.d15'), start_at: at(1, '09:00'), end_at: at(1, '09:15'), contact_channel: 'phone', phone_number: '+48 14 555 33 00', reminder: 'at_deadline', remind_by: 'message' });
  activity('planned_contact', 'Potwierdzenie terminu dostawy sprzętu', { contractor: contractor('budomex'), person: person('budomex', 2), deal: ref('deal.d17'), start_at: at(4, '10:00'), end_at: at(4, '10:30'), contact_channel: 'video', reminder: 'one_day_before', remind_by: 'email' });
  activity('event', 'Wpłynęło zapytanie ofertowe z urzędu gminy', { status: 'resolved', contractor: contractor('gmina'), person: person('gmina', 2), deal: ref('deal.d04'), start_at: at(-4, '11:00'), direction: 'inbound', description: 'Pismo w sprawie kiosku informacyjnego dla mieszkańców.' });
  activity('task', 'Konfiguracja uprawnień w CRM (zgłoszenie klienta)', { status: 'resolved', contractor: contractor('baltic'), person: person('baltic', 2), project: ref('project.baltic'), contract: ref('contract.baltic'), deadline: at(-2, '16:00'), start_at: at(-3, '08:00'), end_at: at(-3, '12:00'), percent_done: 100, requested_service: product('implementation'), estimated_value: pln(880), billable: true, invoiced: false, resolution: 'Skonfigurowano role dla trzech magazynów.' });
  activity('task', 'Szkolenie administratorów systemu', { status: 'resolved', contractor: contractor('baltic'), project: ref('project.baltic'), contract: ref('contract.baltic'), deadline: at(-7, '15:00'), start_at: at(-7, '07:00'), end_at: at(-7, '15:00'), percent_done: 100, requested_service: product('training'), estimated_value: pln(2_400), billable: true, invoiced: true });
  activity('task', 'Instalacja serwera testowego', { contractor: contractor('baltic'), project: ref('project.baltic'), deadline: at(5, '15:00'), start_at: at(4, '07:00'), end_at: at(5, '15:00'), percent_done: 50 });
  activity('meeting', 'Întâlnire de prezentare — Moara Bărăganului', { contractor: contractor('moara'), person: person('moara'), deal: ref('deal.d07'), lead: ref('lead.moara'), start_at: at(6, '08:00'), end_at: at(6, '09:00'), meeting_mode: 'online', meeting_url: 'https://meet.tessera-demo.example/moara-baraganului', reminder: 'one_day_before', remind_by: 'email' });
  activity('call', 'Apel follow-up ofertă licențe CRM', { status: 'resolved', contractor: contractor('electrobanat'), person: person('electrobanat'), deal: ref('deal.d12'), offer: ref('offer.o3'), start_at: at(-2, '12:00'), end_at: at(-2, '12:08'), direction: 'outbound', duration_minutes: 8, call_result: 'answered', resolution: 'Clientul așteaptă aprobarea bugetului până vineri.' });
  activity('sms', 'Echipamentul din comanda de service este gata de ridicare.', { status: 'resolved', contractor: contractor('vitalis'), person: person('vitalis', 2), service_order: ref('service_order.ready'), start_at: at(-1, '12:55'), direction: 'outbound', phone_number: '+40 744 555 412', description: 'Echipamentul din comanda de service este gata de ridicare.' });
  activity('sms', 'Mulțumesc, vin mâine după-amiază.', { status: 'resolved', contractor: contractor('vitalis'), person: person('vitalis', 2), service_order: ref('service_order.ready'), start_at: at(-1, '13:20'), direction: 'inbound', phone_number: '+40 744 555 412', description: 'Mulțumesc, vin mâine după-amiază.' });
  activity('call', 'Apel — confirmare ridicare echipament', { status: 'resolved', contractor: contractor('vitalis'), person: person('vitalis', 2), service_order: ref('service_order.ready'), start_at: at(-1, '13:00'), end_at: at(-1, '13:01'), direction: 'outbound', phone_number: '+40 232 555 412', duration_minutes: 1, call_result: 'no_answer' });
  activity('email', 'Oferta OF — licențe CRM și instruire', { status: 'resolved', contractor: contractor('electrobanat'), person: person('electrobanat'), offer: ref('offer.o3'), deal: ref('deal.d12'), start_at: at(-3, '07:30'), direction: 'outbound', message_id: messageId(2, 'tessera-demo.example'), from_address: 'radu.popa@tessera-demo.example', to_addresses: mail('florin.lazar', 'electro-banat.example'), cc_addresses: mail('bogdan.pop', 'transilvania-soft.example'), mailbox: 'vanzari@tessera-demo.example' });
  activity('task', 'Naprawa drukarki KX-3000 w klinice', { priority: 'high', contractor: contractor('klinika'), service_order: ref('service_order.in_repair'), contract: ref('contract.klinika'), deadline: at(1, '14:00'), percent_done: 60 });
  activity('task', 'Zamówić rolkę separującą DS-20', { status: 'resolved', contractor: contractor('transkarpaty'), service_order: ref('service_order.waiting'), deadline: at(-5, '12:00'), percent_done: 100 });
  activity('event', 'Urządzenie przyjęte do serwisu', { status: 'resolved', contractor: contractor('iskra'), service_order: ref('service_order.received'), start_at: at(0, '07:30'), direction: 'inbound' });
  activity('task', 'Zakwalifikować lead Elektro-Max', { lead: ref('lead.elektromax'), deadline: at(1, '10:00') });
  activity('call', 'Rozmowa o potrzebach hotelu', { status: 'resolved', contractor: contractor('hotel'), person: person('hotel'), lead: ref('lead.hotel'), start_at: at(-9, '12:30'), end_at: at(-9, '12:55'), direction: 'outbound', duration_minutes: 25, call_result: 'answered' });
  activity('email', 'Zapytanie o szkolenie KSeF', { status: 'resolved', lead: ref('lead.saldo'), campaign: ref('campaign.webinar'), start_at: at(-2, '18:05'), direction: 'inbound', message_id: messageId(3, 'saldo-rachunkowe.example'), from_address: 'biuro@saldo-rachunkowe.example', to_addresses: 'marketing@tessera-demo.example', mailbox: 'marketing@tessera-demo.example' });
  activity('task', 'Przygotować prezentację na webinar KSeF', { priority: 'high', campaign: ref('campaign.webinar'), deadline: at(10, '15:00'), percent_done: 10 });
  activity('task', 'Trimite al doilea val de e-mailuri', { campaign: ref('campaign.ro_email'), deadline: at(3, '10:00') });
  activity('note', 'Konkurent w projektach CRM na Podkarpaciu', { status: 'resolved', contractor: contractor('softlab'), description: 'Softlab oferuje wdrożenia CRM ok. 15% taniej, ale bez serwisu sprzętu.' });
  activity('meeting', 'Przegląd okresowy urządzeń według umowy', { contractor: contractor('klinika'), person: person('klinika'), contract: ref('contract.klinika'), start_at: at(20, '07:00'), end_at: at(20, '10:00'), location: 'ul. Świdnicka 40, Wrocław', meeting_mode: 'in_person', reminder: 'two_days_before', remind_by: 'message_and_email' });
  activity('task', 'Zweryfikować reklamację tonerów', { priority: 'high', contractor: contractor('iskra'), complaint: ref('complaint.toner'), deadline: at(2, '12:00') });
  activity('email', 'Răspuns la reclamația privind scanerul', { status: 'resolved', contractor: contractor('electrobanat'), person: person('electrobanat', 2), complaint: ref('complaint.scanner'), start_at: at(-9, '10:15'), direction: 'outbound', message_id: messageId(4, 'tessera-demo.example'), from_address: 'ioana.constantinescu@tessera-demo.example', to_addresses: mail('daniela.popovici', 'electro-banat.example'), mailbox: 'service@tessera-demo.example' });
  activity('task', 'Przygotować aneks cenowy do oferty', { priority: 'urgent', contractor: contractor('wislomet'), offer: ref('offer.o5'), deal: ref('deal.d15'), deadline: at(-1, '16:00'), percent_done: 70 });
  activity('event', 'Podpisanie umowy wdrożeniowej', { status: 'resolved', contractor: contractor('baltic'), person: person('baltic'), deal: ref('deal.d19'), contract: ref('contract.baltic'), start_at: at(-20, '10:00'), end_at: at(-20, '11:00') });
  activity('planned_contact', 'Życzenia imieninowe dla klientki', { priority: 'low', contractor: contractor('iskra'), person: person('iskra'), start_at: at(9, '08:00'), end_at: at(9, '08:10'), contact_channel: 'email' });
  activity('task', 'Demonstrație la client (anulată)', { status: 'cancelled', contractor: contractor('marul'), deal: ref('deal.d24'), deadline: at(-26, '10:00') });
  activity('meeting', 'Prezentacja systemu w hotelu', { status: 'resolved', contractor: contractor('hotel'), person: person('hotel'), deal: ref('deal.d05'), start_at: at(-7, '09:00'), end_at: at(-7, '11:00'), location: 'Zakopane, sala bankietowa hotelu', meeting_mode: 'in_person' });
  activity('call', 'Negociere condiții contract de service', { status: 'resolved', contractor: contractor('oltenia'), person: person('oltenia'), deal: ref('deal.d16'), start_at: at(-2, '08:30'), end_at: at(-2, '09:05'), direction: 'outbound', duration_minutes: 35, call_result: 'answered' });

  return records;
}
