### Labels of enumeration values, shown wherever a value is displayed to people
### (the `…Label` fields of the API).

## Organisation kinds (Organisation.kindLabel)

# An organisation that represents a profession nationally, like the hub.
enum-organisation-kind-national-association = National association
# An organisation run by and for service users.
enum-organisation-kind-user-organisation = User organisation
# Label of the kind of organisation COMPETENCE_CENTRE, shown in Organisation.kindLabel.
enum-organisation-kind-competence-centre = Competence centre
# Label of the kind of organisation HOSPITAL, shown in Organisation.kindLabel.
enum-organisation-kind-hospital = Hospital
# Label of the kind of organisation MUNICIPALITY, shown in Organisation.kindLabel.
enum-organisation-kind-municipality = Municipality
# Label of the kind of organisation UNIVERSITY, shown in Organisation.kindLabel.
enum-organisation-kind-university = University
# Label of the kind of organisation TRAINING_PROVIDER, shown in Organisation.kindLabel.
enum-organisation-kind-training-provider = Training provider
# Non-governmental organisation.
enum-organisation-kind-ngo = NGO
# Label of the kind of organisation OTHER, shown in Organisation.kindLabel.
enum-organisation-kind-other = Other

## Partnership status (Organisation.partnershipStatusLabel)

# A possible partner, not yet contacted.
enum-partnership-status-prospect = Prospect
# Label of the partnership status IN_DIALOGUE, shown in Organisation.partnershipStatusLabel.
enum-partnership-status-in-dialogue = In dialogue
# A partnership agreement has been signed.
enum-partnership-status-agreement = Agreement signed
# Label of the partnership status ACTIVE, shown in Organisation.partnershipStatusLabel.
enum-partnership-status-active = Active
# Label of the partnership status PAUSED, shown in Organisation.partnershipStatusLabel.
enum-partnership-status-paused = Paused
# Label of the partnership status ENDED, shown in Organisation.partnershipStatusLabel.
enum-partnership-status-ended = Ended

## A person's role in their organisation

# Label of the person's role in their organisation MEMBER, shown in user administration.
enum-org-role-member = Member
# Label of the person's role in their organisation ORG_ADMIN, shown in user administration.
enum-org-role-org-admin = Organisation admin

## What an API token may do

# The token may only read.
enum-token-scope-read = Read only
# The token may read and change.
enum-token-scope-read-write = Read and write

## Review state of a translation of stored content

# Translated, not yet reviewed.
enum-translation-status-draft = Draft
# Label of the review state of a translation REVIEWED, shown in the translators' queue.
enum-translation-status-reviewed = Reviewed

## Document kinds (Document.kindLabel)

# Label of the kind of document REPORT, shown in Document.kindLabel.
enum-document-kind-report = Report
# Label of the kind of document SURVEY, shown in Document.kindLabel.
enum-document-kind-survey = Survey
# Label of the kind of document GUIDELINE, shown in Document.kindLabel.
enum-document-kind-guideline = Guideline
# Ethics guidelines and similar texts.
enum-document-kind-ethics = Ethics
# Label of the kind of document POLICY, shown in Document.kindLabel.
enum-document-kind-policy = Policy
# Label of the kind of document ARTICLE, shown in Document.kindLabel.
enum-document-kind-article = Article
# Label of the kind of document PRESENTATION, shown in Document.kindLabel.
enum-document-kind-presentation = Presentation
# Label of the kind of document AGREEMENT, shown in Document.kindLabel.
enum-document-kind-agreement = Agreement
# Label of the kind of document TEMPLATE, shown in Document.kindLabel.
enum-document-kind-template = Template
# Label of the kind of document OTHER, shown in Document.kindLabel.
enum-document-kind-other = Other

## Who may read something

# The owner organisation only.
enum-visibility-private = Private
# The owner and organisations it was shared with.
enum-visibility-partners = Partners
# Every organisation in the network.
enum-visibility-network = Network
# Anyone.
enum-visibility-public = Public

## What a grant allows

# Label of the permission of a sharing grant VIEW, shown in sharing settings.
enum-share-permission-view = View
# Label of the permission of a sharing grant EDIT, shown in sharing settings.
enum-share-permission-edit = Edit

## Project status

# Label of the project status PLANNED, shown in Project.statusLabel.
enum-project-status-planned = Planned
# Label of the project status ACTIVE, shown in Project.statusLabel.
enum-project-status-active = Active
# Label of the project status COMPLETED, shown in Project.statusLabel.
enum-project-status-completed = Completed
# Label of the project status CANCELLED, shown in Project.statusLabel.
enum-project-status-cancelled = Cancelled

## An organisation's role in a project

# The organisation that leads the project.
enum-participant-role-coordinator = coordinator
# Label of the organisation's role in a project (used mid-sentence, lower case) PARTNER, shown in project pages and the activity log.
enum-participant-role-partner = partner
# Takes part without being a full partner.
enum-participant-role-associate = associate partner

## A person's role in a project

# Label of the person's role in a project (used mid-sentence, lower case) COORDINATOR, shown in project pages and the activity log.
enum-member-role-coordinator = coordinator
# Label of the person's role in a project (used mid-sentence, lower case) CONTRIBUTOR, shown in project pages and the activity log.
enum-member-role-contributor = contributor
# Label of the person's role in a project (used mid-sentence, lower case) VIEWER, shown in project pages and the activity log.
enum-member-role-viewer = viewer

## Deliverable status

# Label of the deliverable status PLANNED, shown in Deliverable.statusLabel.
enum-deliverable-status-planned = Planned
# Label of the deliverable status IN_PROGRESS, shown in Deliverable.statusLabel.
enum-deliverable-status-in-progress = In progress
# Label of the deliverable status SUBMITTED, shown in Deliverable.statusLabel.
enum-deliverable-status-submitted = Submitted
# Label of the deliverable status ACCEPTED, shown in Deliverable.statusLabel.
enum-deliverable-status-accepted = Accepted

## Kinds of training material

# Label of the kind of training material COURSE, shown in TrainingMaterial.kindLabel.
enum-training-kind-course = Course
# Label of the kind of training material MODULE, shown in TrainingMaterial.kindLabel.
enum-training-kind-module = Module
# Label of the kind of training material WEBINAR, shown in TrainingMaterial.kindLabel.
enum-training-kind-webinar = Webinar
# Label of the kind of training material GUIDE, shown in TrainingMaterial.kindLabel.
enum-training-kind-guide = Guide
# A whole programme of study, e.g. a vocational school.
enum-training-kind-curriculum = Curriculum

## Who a training is for

# Label of the target audience of a training PEER_WORKERS, shown in training pages.
enum-audience-peer-workers = Peer support workers
# Label of the target audience of a training PROSPECTIVE_PEER_WORKERS, shown in training pages.
enum-audience-prospective-peer-workers = Prospective peer support workers
# Label of the target audience of a training EMPLOYERS, shown in training pages.
enum-audience-employers = Employers
# Label of the target audience of a training COLLEAGUES_AND_MANAGERS, shown in training pages.
enum-audience-colleagues-and-managers = Colleagues and managers
# Label of the target audience of a training SERVICE_USERS, shown in training pages.
enum-audience-service-users = Service users
# Label of the target audience of a training RELATIVES, shown in training pages.
enum-audience-relatives = Relatives
# Label of the target audience of a training EDUCATORS, shown in training pages.
enum-audience-educators = Educators

## How a training is delivered

# Label of the how a training is delivered IN_PERSON, shown in training pages.
enum-delivery-mode-in-person = In person
# Label of the how a training is delivered ONLINE, shown in training pages.
enum-delivery-mode-online = Online
# Partly in person, partly online.
enum-delivery-mode-blended = Blended

## Whether an offering takes place

# Label of the whether an offering takes place SCHEDULED, shown in training pages.
enum-offering-status-scheduled = Scheduled
# Label of the whether an offering takes place CANCELLED, shown in training pages.
enum-offering-status-cancelled = Cancelled

## Texts of a training's schema.org JSON-LD

# The category of an offering's ordinary price, in a training's JSON-LD (schema.org Offer.category).
training-offer-regular = Regular price
# The category of an offering's reduced price for early registration, in a training's JSON-LD.
training-offer-early-bird = Early-bird price
# A training's level in the European Qualifications Framework, in its JSON-LD (schema.org educationalLevel).
# Variables:
#   $level (String) - 1 to 8
training-eqf-level = EQF level { $level }

# The dates of an offering that lasts more than a day, in Offering.datesFormatted.
# Variables:
#   $start (String) - the first day, formatted as a date
#   $end (String) - the last day, formatted as a date
training-dates = { DATETIME($start) }–{ DATETIME($end) }

## Webhook delivery states

# Label of the webhook delivery status PENDING, shown in an endpoint's delivery log.
enum-webhook-delivery-status-pending = Pending
# Label of the webhook delivery status SUCCEEDED, shown in an endpoint's delivery log.
enum-webhook-delivery-status-succeeded = Succeeded
# Label of the webhook delivery status FAILED, shown in an endpoint's delivery log.
enum-webhook-delivery-status-failed = Failed
# Label of the webhook delivery status SKIPPED, shown in an endpoint's delivery log.
enum-webhook-delivery-status-skipped = Skipped
