### Webhooks: hva hver hendelsestype betyr, hvorfor et endepunkt ble slått av,
### og feilmeldingene til webhook-mutasjonene.

## Hendelsestyper

webhook-event-document-created = Et dokument ble lagt til.
webhook-event-document-updated = Opplysningene om et dokument (tittel, sammendrag, synlighet og så videre) ble endret.
webhook-event-document-shared = Et dokument ble delt med en organisasjon, eller delingen ble endret.
webhook-event-document-unshared = Delingen av et dokument med en organisasjon ble avsluttet.
webhook-event-document-version-added = En ny versjon av dokumentets fil ble lagt til.
webhook-event-document-linked = Et dokument ble knyttet til et prosjekt.
webhook-event-training-created = Et opplæringsmateriell ble lagt til.
webhook-event-training-updated = Opplysningene om et opplæringsmateriell ble endret.
webhook-event-training-document-attached = Et dokument ble lagt ved et opplæringsmateriell.
webhook-event-training-shared = Et opplæringsmateriell ble delt med en organisasjon.
webhook-event-training-unshared = Delingen av et opplæringsmateriell med en organisasjon ble avsluttet.
webhook-event-training-linked = Et opplæringsmateriell ble knyttet til et prosjekt.
webhook-event-training-offering-scheduled = En kursdato ble satt opp.
webhook-event-training-offering-updated = En kursdato ble endret.
webhook-event-training-offering-cancelled = En kursdato ble avlyst.
webhook-event-translation-saved = En oversettelse av et dokument, prosjekt, opplæringsmateriell eller annet innhold ble lagret.
webhook-event-project-created = Et felles prosjekt ble startet.
webhook-event-project-updated = Opplysningene om et prosjekt ble endret.
webhook-event-project-status-changed = Et prosjekt fikk en ny status.
webhook-event-participant-added = En organisasjon ble med i et prosjekt.
webhook-event-participant-removed = En organisasjon gikk ut av et prosjekt.
webhook-event-member-added = En person ble med i prosjektgruppen.
webhook-event-member-removed = En person gikk ut av prosjektgruppen.
webhook-event-deliverable-created = En leveranse ble lagt til i et prosjekt.
webhook-event-deliverable-updated = Opplysningene om en leveranse ble endret.
webhook-event-deliverable-status-changed = En leveranse fikk en ny status.
webhook-event-deliverable-document-linked = Et dokument ble knyttet til en leveranse.
webhook-event-milestone-created = En milepæl ble lagt til i et prosjekt.
webhook-event-milestone-reached = En milepæl i et prosjekt ble nådd.

## Hvorfor tjenesten slo av et endepunkt

webhook-disabled-gone = Endepunktet svarte 410 Gone, som betyr at det ikke lenger vil ha leveranser.
webhook-disabled-failing = Alle leveranser til dette endepunktet har feilet i flere dager.

## Feilmeldinger

webhook-url-invalid = Webhook-adressen er ikke en gyldig nettadresse.
webhook-url-not-https = Webhook-adressen må begynne med https://.
webhook-url-private = Webhook-adressen peker på en privat eller reservert adresse, og dit sender ikke { -brand-name }.
webhook-event-type-unknown = «{ $value }» er ingen hendelsestype; webhookEventTypes viser dem.
webhook-endpoint-limit = En organisasjon kan ha høyst { $max } webhook-endepunkter.
webhook-delivery-skipped = Denne leveransen ble hoppet over fordi organisasjonen ikke kunne lese det den gjelder; den kan ikke sendes.
webhook-endpoint-disabled = Endepunktet er slått av; start det igjen først.
webhook-locale-unsupported = { -brand-name } har ingen grensesnittekster på «{ $value }».
webhook-delivery-pending = Denne leveransen blir fortsatt sendt; den kan sendes på nytt når den har lyktes eller feilet.
