### Feilmeldinger fra GraphQL-API-et.

## Tilgang

error-unauthenticated = Du må logge inn for å gjøre dette.
error-token-invalid = Innloggingen din er utløpt eller ugyldig. Logg inn på nytt.
auth-login-failed = E-postadressen eller passordet er feil.
error-forbidden = Du har ikke tillatelse til å gjøre dette.
error-not-found = Finnes ikke.

## Konflikter og feil

error-stale-version = Noen andre har endret dette i mellomtiden (du redigerte versjon { $expected }, nå er den på versjon { $current }). Last inn på nytt og prøv igjen.
error-internal = Noe gikk galt i { -brand-name }. Prøv igjen senere; hvis det skjer igjen, oppgi referansen { $reference }.
error-timeout = Forespørselen tok lenger tid enn { $seconds } sekunder og ble stoppet.

## Feilformede forespørsler

error-payload-too-large = Forespørselen er for stor (høyst { $max } byte).
error-bad-request = Forespørselen kunne ikke leses: { $detail }
error-batch-too-large = En bunt kan ha høyst { $max } operasjoner; denne har { $count }.
error-mutation-over-get = Endringer må sendes med POST, ikke GET.
error-content-type-missing = Send forespørselen med Content-Type: application/json (eller multipart/form-data for opplastinger).
error-parse = Spørringen er ikke gyldig GraphQL (linje { $line }, kolonne { $column }).
error-validation = Spørringen passer ikke med skjemaet: { $detail }
error-input-coercion = Et argument har feil type eller format: { $detail }
error-query-too-deep = Spørringen er nøstet for dypt.
error-query-too-complex = Spørringen ber om for mye på én gang. Be om færre elementer per side eller færre nøstede felt.

## Inndatafelt

input-required = { $field } kan ikke være tomt.
input-too-long = { $field } er for langt (høyst { $max } tegn).
input-too-many = { $field } har for mange elementer (høyst { $max }).
input-out-of-range = { $field } må være mellom { $min } og { $max }.
input-control-characters = { $field } inneholder et kontrolltegn, som ikke er tillatt.
input-slug-invalid = { $field } kan bare inneholde små bokstaver a–z, sifre og enkle bindestreker (2 til 64 tegn).
input-country-invalid = «{ $value }» er ikke en landkode. Bruk to bokstaver som i ISO 3166-1, for eksempel NO, US, DK, ZA eller NL.
input-email-invalid = { $field } er ikke en gyldig e-postadresse.
input-locale-invalid = «{ $value }» er ikke en språkkode som nb-NO eller en-US.
input-locale-unsupported = { -brand-name } har ikke innhold på «{ $value }»; en administrator kan legge det til blant innholdsspråkene.
input-url-invalid = { $field } er ikke en gyldig nettadresse (den må begynne med https:// eller http://).
input-password-too-short = Passordet må ha minst { $min } tegn.
input-id-invalid = { $field } er ikke en gyldig ID.
input-cursor-invalid = Sidemarkøren er ugyldig; begynn på nytt fra første side.
input-page-size = Be om mellom 0 og { $max } elementer per side.

## Organisasjoner og personer

organisation-slug-taken = En annen organisasjon bruker allerede denne kortadressen.
organisation-status-transition-invalid = Et partnerskap kan ikke gå fra «{ $from }» til «{ $to }».
organisation-hub-archive = Foreningen som driver nettverket, kan ikke arkiveres.
user-email-taken = Det finnes allerede en bruker med denne e-postadressen.
auth-busy = Det sjekkes for mange innlogginger akkurat nå. Prøv igjen om { $seconds } sekunder.
auth-rate-limited = For mange mislykkede innlogginger for denne kontoen eller fra denne adressen. Prøv igjen om { $seconds } sekunder.
input-time-in-past = { $field } må ligge fram i tid.
input-license-invalid = «{ $value }» er ikke en SPDX-lisens-ID som CC-BY-NC-SA-4.0 eller MIT.

## Dokumenter

document-file-missing = Ingen fil var vedlagt.
document-file-empty = Filen er tom.
document-file-unreadable = Filen kunne ikke leses; last den opp på nytt.
document-filename-invalid = Filnavnet er ikke tillatt. Bruk et enkelt navn som rapport-2024.pdf, uten mapper.
document-file-too-large = Filen er for stor (høyst { $max } byte).
document-media-type-mismatch = Filen ble oppgitt som { $declared }, men innholdet er { $actual }.
document-version-busy = Flere versjoner legges til samtidig; prøv igjen.
document-import-not-https = Bare https-adresser kan importeres.
document-import-forbidden = Det kan ikke importeres fra denne adressen: den peker til et privat eller reservert nettverk.
document-import-redirects = Adressen videresendte for mange ganger.
document-import-unreachable = Filen kunne ikke lastes ned: { $detail }
document-share-owner = Et dokument kan ikke deles med organisasjonen som eier det.
document-share-private = Private dokumenter kan ikke deles. Endre synligheten til PARTNERE eller NETTVERK først.

## Oversettelser av lagret innhold

translation-original-locale = Dette er tekstens originalspråk; rediger selve teksten i stedet.
input-currency-invalid = «{ $value }» er ikke en valutakode som NOK, EUR eller USD.
input-amount-negative = { $field } kan ikke være negativt.

## Felles prosjekter

project-code-invalid = Koden kan bruke bokstaver, sifre, «-», «_» og «.» (2 til 40 tegn).
project-code-taken = Et annet prosjekt bruker allerede koden { $code }.
project-ends-before-start = Et prosjekt kan ikke slutte før det begynner.
project-status-transition-invalid = Et prosjekt kan ikke gå fra «{ $from }» til «{ $to }».
project-participant-exists = Denne organisasjonen deltar allerede i prosjektet.
project-last-coordinator = Et prosjekt må ha minst én koordinator; utnevn en annen først.
project-member-not-participant = Bare personer fra organisasjoner som deltar i prosjektet, kan være medlemmer.
project-member-exists = Denne personen er allerede medlem av prosjektet.
project-not-participant = Organisasjonen deltar ikke i prosjektet.
deliverable-code-taken = En annen leveranse i dette prosjektet bruker allerede denne koden.
deliverable-status-transition-invalid = En leveranse kan ikke gå fra «{ $from }» til «{ $to }».

## Opplæringsmateriell og kurstilbud

training-eqf-invalid = { $field } må være et EQF-nivå fra 1 til 8.
training-ects-invalid = { $field } må være et antall studiepoeng (ECTS) fra 0 til 1000.
offering-ends-before-start = Et kurstilbud kan ikke slutte før det begynner.
offering-early-bird-currency = Tidligprisen må være i samme valuta som prisen.
offering-early-bird-after-start = Fristen for tidligpris kan ikke være etter at kurset begynner.
offering-programme-outside-dates = { $field } ligger utenfor datoene for kurset.
input-bidi-unbalanced = { $field } inneholder tegn for skriveretning som ikke er balansert.
translation-field-unknown = «{ $name }» er ikke et felt som kan oversettes i dette innholdet.
translation-field-repeated = Feltet «{ $name }» er oppgitt to ganger.
document-linked-elsewhere = Dette dokumentet hører allerede til et annet prosjekt.

## Grenser for én forespørsel eller tilkobling

error-query-too-long = Spørringen er for lang (høyst { $max } symboler). Send en kortere spørring eller færre operasjoner om gangen.
error-introspection-disabled = Denne tjeneren beskriver ikke skjemaet sitt (introspeksjon er slått av).
error-statement-budget = Spørringen krever mer databasearbeid enn én forespørsel kan gjøre (høyst { $max } setninger). Be om færre elementer eller felt.
error-too-many-operations = Denne tilkoblingen kjører allerede { $max } operasjoner. Stopp én før du starter en ny.
error-too-many-sockets = For mange åpne tilkoblinger for denne innloggingen (høyst { $max }). Lukk én først.
error-upload-unauthenticated = Logg inn for å laste opp filer.
error-upload-parts = Opplastingen har flere deler enn kartet oppgir (høyst { $max } filer).

## Automatisk lagrede spørringer

apq-not-found = { "PersistedQueryNotFound" }
apq-invalid = { $field } må være {"{"}"version": 1, "sha256Hash": "…"{"}"} med en SHA-256-hash i heksadesimal.
apq-hash-mismatch = { $field } er ikke SHA-256-hashen av spørringen som ble sendt med den.

## Search

search-kind-unknown = «{ $value }» er ingen type dokument, opplæringsmateriell eller organisasjon, som REPORT, COURSE eller HOSPITAL.
