### Etiketter for oppramsingsverdier.

## Organisasjonstyper

enum-organisation-kind-national-association = Nasjonal forening
enum-organisation-kind-user-organisation = Brukerorganisasjon
enum-organisation-kind-competence-centre = Kompetansesenter
enum-organisation-kind-hospital = Sykehus
enum-organisation-kind-municipality = Kommune
enum-organisation-kind-university = Universitet
enum-organisation-kind-training-provider = Opplæringstilbyder
enum-organisation-kind-ngo = Frivillig organisasjon
enum-organisation-kind-other = Annet

## Partnerskapsstatus

enum-partnership-status-prospect = Mulig partner
enum-partnership-status-in-dialogue = I dialog
enum-partnership-status-agreement = Avtale inngått
enum-partnership-status-active = Aktiv
enum-partnership-status-paused = På pause
enum-partnership-status-ended = Avsluttet

## Rolle i organisasjonen

enum-org-role-member = Medlem
enum-org-role-org-admin = Organisasjonsadministrator

## Hva en API-nøkkel kan gjøre

enum-token-scope-read = Bare lese
enum-token-scope-read-write = Lese og skrive

## Gjennomgang av oversettelser

enum-translation-status-draft = Utkast
enum-translation-status-reviewed = Gjennomgått

## Dokumenttyper

enum-document-kind-report = Rapport
enum-document-kind-survey = Undersøkelse
enum-document-kind-guideline = Veileder
enum-document-kind-ethics = Etikk
enum-document-kind-policy = Retningslinje
enum-document-kind-article = Artikkel
enum-document-kind-presentation = Presentasjon
enum-document-kind-agreement = Avtale
enum-document-kind-template = Mal
enum-document-kind-other = Annet

## Hvem som kan lese

enum-visibility-private = Privat
enum-visibility-partners = Partnere
enum-visibility-network = Nettverk
enum-visibility-public = Offentlig

## Hva en deling tillater

enum-share-permission-view = Lese
enum-share-permission-edit = Redigere

## Prosjektstatus

enum-project-status-planned = Planlagt
enum-project-status-active = Aktivt
enum-project-status-completed = Fullført
enum-project-status-cancelled = Avlyst

## Organisasjonens rolle i et prosjekt

enum-participant-role-coordinator = koordinator
enum-participant-role-partner = samarbeidspartner
enum-participant-role-associate = assosiert partner

## En persons rolle i et prosjekt

enum-member-role-coordinator = koordinator
enum-member-role-contributor = bidragsyter
enum-member-role-viewer = leser

## Leveransestatus

enum-deliverable-status-planned = Planlagt
enum-deliverable-status-in-progress = Under arbeid
enum-deliverable-status-submitted = Levert
enum-deliverable-status-accepted = Godkjent

## Typer opplæringsmateriell

enum-training-kind-course = Kurs
enum-training-kind-module = Modul
enum-training-kind-webinar = Nettseminar
enum-training-kind-guide = Veiledning
enum-training-kind-curriculum = Studieplan

## Målgrupper

enum-audience-peer-workers = Erfaringskonsulenter
enum-audience-prospective-peer-workers = Kommende erfaringskonsulenter
enum-audience-employers = Arbeidsgivere
enum-audience-colleagues-and-managers = Kolleger og ledere
enum-audience-service-users = Tjenestebrukere
enum-audience-relatives = Pårørende
enum-audience-educators = Undervisere

## Gjennomføring

enum-delivery-mode-in-person = Fysisk oppmøte
enum-delivery-mode-online = Nettbasert
enum-delivery-mode-blended = Kombinert

## Kurstilbudets status

enum-offering-status-scheduled = Planlagt
enum-offering-status-cancelled = Avlyst

## Texts of a training's schema.org JSON-LD

training-offer-regular = Ordinær pris
training-offer-early-bird = Tidligpris
training-eqf-level = EQF-nivå { $level }
training-dates = { DATETIME($start) }{ "–" }{ DATETIME($end) }

## Webhook delivery states

enum-webhook-delivery-status-pending = Venter
enum-webhook-delivery-status-succeeded = Levert
enum-webhook-delivery-status-failed = Feilet
enum-webhook-delivery-status-skipped = Hoppet over
