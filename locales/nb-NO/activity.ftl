### Sammendrag i prosjektets aktivitetslogg.

activity-project-created = { $actor } startet prosjektet { $project }.
activity-project-updated = { $actor } oppdaterte prosjektet { $project }.
activity-project-status-changed = { $actor } satte statusen til { $project } til «{ $status }».
activity-participant-added = { $actor } la til { $organisation } som { $role }.
activity-participant-removed = { $actor } fjernet { $organisation } fra prosjektet.
activity-member-added = { $actor } la til { $person } som { $role }.
activity-member-removed = { $actor } fjernet { $person } fra prosjektet.
activity-deliverable-created = { $actor } la til leveransen { $code }: { $title }.
activity-deliverable-updated = { $actor } oppdaterte leveransen { $code }.
activity-deliverable-status-changed = { $actor } satte { $code } til «{ $status }».
activity-deliverable-document-linked = { $actor } knyttet «{ $document }» til { $code }.
activity-document-linked = { $actor } koblet til dokumentet «{ $document }».
activity-milestone-created = { $actor } planla milepælen «{ $title }» til { DATETIME($date) }.
activity-milestone-reached = { $actor } markerte «{ $title }» som nådd { DATETIME($date) }.
activity-training-linked = { $actor } koblet til opplæringen «{ $training }».

## Resuming a subscription

activity-after-unknown = Aktivitetsloggen til dette prosjektet har ingen oppføring med den id-en; oppføringer beholdes i { $days } dager. Abonner uten «after», og les loggen med prosjektets activity-felt.
