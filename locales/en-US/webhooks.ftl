### Webhooks: what each event type means (webhookEventTypes.description),
### why an endpoint was disabled, and the errors of the webhook mutations.

## Event types, shown to partners choosing what their system receives

# Description of the event type document.created.
webhook-event-document-created = A document was added.
# Description of the event type document.updated.
webhook-event-document-updated = A document's details (title, summary, visibility and so on) changed.
# Description of the event type document.shared.
webhook-event-document-shared = A document was shared with an organisation, or its share changed.
# Description of the event type document.unshared.
webhook-event-document-unshared = A document's share with an organisation ended.
# Description of the event type document.version_added.
webhook-event-document-version-added = A new version of a document's file was added.
# Description of the event type document.linked.
webhook-event-document-linked = A document was linked to a project.
# Description of the event type training.created.
webhook-event-training-created = A training material was added.
# Description of the event type training.updated.
webhook-event-training-updated = A training material's details changed.
# Description of the event type training.document_attached.
webhook-event-training-document-attached = A document was attached to a training material.
# Description of the event type training.shared.
webhook-event-training-shared = A training material was shared with an organisation.
# Description of the event type training.unshared.
webhook-event-training-unshared = A training material's share with an organisation ended.
# Description of the event type training.linked.
webhook-event-training-linked = A training material was linked to a project.
# Description of the event type training.offering_scheduled.
webhook-event-training-offering-scheduled = A course date (offering) was scheduled.
# Description of the event type training.offering_updated.
webhook-event-training-offering-updated = A course date (offering) changed.
# Description of the event type training.offering_cancelled.
webhook-event-training-offering-cancelled = A course date (offering) was cancelled.
# Description of the event type translation.saved.
webhook-event-translation-saved = A translation of a document, project, training material or other content was saved.
# Description of the event type project.created.
webhook-event-project-created = A joint project was started.
# Description of the event type project.updated.
webhook-event-project-updated = A project's details changed.
# Description of the event type project.status_changed.
webhook-event-project-status-changed = A project moved to another status.
# Description of the event type participant.added.
webhook-event-participant-added = An organisation joined a project.
# Description of the event type participant.removed.
webhook-event-participant-removed = An organisation left a project.
# Description of the event type member.added.
webhook-event-member-added = A person joined a project's team.
# Description of the event type member.removed.
webhook-event-member-removed = A person left a project's team.
# Description of the event type deliverable.created.
webhook-event-deliverable-created = A deliverable was added to a project.
# Description of the event type deliverable.updated.
webhook-event-deliverable-updated = A deliverable's details changed.
# Description of the event type deliverable.status_changed.
webhook-event-deliverable-status-changed = A deliverable moved to another status.
# Description of the event type deliverable.document_linked.
webhook-event-deliverable-document-linked = A document was linked to a deliverable.
# Description of the event type milestone.created.
webhook-event-milestone-created = A milestone was added to a project.
# Description of the event type milestone.reached.
webhook-event-milestone-reached = A project's milestone was reached.

## Why the service disabled an endpoint (WebhookEndpoint.disabledReason)

# The endpoint answered 410 Gone.
webhook-disabled-gone = The endpoint answered 410 Gone, which means it no longer wants deliveries.
# Every delivery attempt failed for days.
webhook-disabled-failing = Every delivery to this endpoint has failed for several days.

## Errors of the webhook mutations

# Shown when the endpoint URL cannot be parsed.
webhook-url-invalid = The webhook URL is not a valid web address.
# Shown when the endpoint URL is not https.
webhook-url-not-https = The webhook URL must start with https://.
# Shown when the endpoint URL points at a private, loopback or reserved address.
webhook-url-private = The webhook URL points at a private or reserved address, which { -brand-name } does not send to.
# Shown for an event type that does not exist.
# $value (string) - what the client sent
webhook-event-type-unknown = “{ $value }” is not an event type; webhookEventTypes lists them.
# Shown when an organisation already has the most endpoints allowed.
# $max (number) - how many endpoints an organisation may have
webhook-endpoint-limit = An organisation can have at most { $max } webhook endpoints.
# Shown when redelivering a delivery that was skipped because the organisation could not read its subject.
webhook-delivery-skipped = This delivery was skipped because the organisation could not read what it is about; it cannot be sent.
# Shown when testing or redelivering to an endpoint the service disabled.
webhook-endpoint-disabled = The endpoint is disabled; resume it first.
# Shown for a locale the service has no interface texts in.
# $value (string) - what the client sent
webhook-locale-unsupported = { -brand-name } has no interface texts in “{ $value }”.
# Shown when redelivering a delivery that is still being sent.
webhook-delivery-pending = This delivery is still being sent; it can be sent again once it has succeeded or failed.
