### One-sentence summaries of a project's activity log (ActivityEntry.summary)
### and of the entries pushed by the projectActivity subscription.
### $actor (string) is always the display name of the person who did it.

# $project (string) - the project's code and title
activity-project-created = { $actor } started the project { $project }.
# $project (string) - the project's code
activity-project-updated = { $actor } updated the project { $project }.
# $project (string) - the project's code
# $status (string) - the new status, as a label in the reader's language
activity-project-status-changed = { $actor } set the status of { $project } to “{ $status }”.
# $organisation (string) - the organisation's name
# $role (string) - its role, as a label in the reader's language
activity-participant-added = { $actor } added { $organisation } as { $role }.
# $organisation (string) - the organisation's name
activity-participant-removed = { $actor } removed { $organisation } from the project.
# $person (string) - the new member's name
# $role (string) - their role, as a label in the reader's language
activity-member-added = { $actor } added { $person } as { $role }.
# $person (string) - the member's name
activity-member-removed = { $actor } removed { $person } from the project.
# $code (string) - the deliverable's code, e.g. IO3
# $title (string) - its title
activity-deliverable-created = { $actor } added the deliverable { $code }: { $title }.
# $code (string) - the deliverable's code
activity-deliverable-updated = { $actor } updated the deliverable { $code }.
# $code (string) - the deliverable's code
# $status (string) - the new status, as a label in the reader's language
activity-deliverable-status-changed = { $actor } set { $code } to “{ $status }”.
# $code (string) - the deliverable's code
# $document (string) - the document's title
activity-deliverable-document-linked = { $actor } attached “{ $document }” to { $code }.
# $document (string) - the document's title
activity-document-linked = { $actor } linked the document “{ $document }”.
# $title (string) - the milestone's title
# $date (string) - its due date, formatted for the reader
activity-milestone-created = { $actor } planned the milestone “{ $title }” for { DATETIME($date) }.
# $title (string) - the milestone's title
# $date (string) - the day it was reached, formatted for the reader
activity-milestone-reached = { $actor } marked “{ $title }” as reached on { DATETIME($date) }.
# $training (string) - the training material's title
activity-training-linked = { $actor } linked the training “{ $training }”.

## Resuming a subscription

# Shown when projectActivity(after:) names an entry this project's log does not hold (another project's, or one older than the log keeps).
# $days (number) - how many days entries are kept
activity-after-unknown = This project's activity log has no entry with that id; entries are kept for { $days } days. Subscribe without “after” and read the log with the project’s activity field.
