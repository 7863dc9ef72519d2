### Labels of enumeration values, shown wherever a value is displayed to people
### (the `…Label` fields of the API).

## Organisation kinds (Organisation.kindLabel)

# An organisation that represents a profession nationally, like the hub.
enum-organisation-kind-national-association = National association
# An organisation run by and for service users.
enum-organisation-kind-user-organisation = User organisation
enum-organisation-kind-competence-centre = Competence centre
enum-organisation-kind-hospital = Hospital
enum-organisation-kind-municipality = Municipality
enum-organisation-kind-university = University
enum-organisation-kind-training-provider = Training provider
# Non-governmental organisation.
enum-organisation-kind-ngo = NGO
enum-organisation-kind-other = Other

## Partnership status (Organisation.partnershipStatusLabel)

# A possible partner, not yet contacted.
enum-partnership-status-prospect = Prospect
enum-partnership-status-in-dialogue = In dialogue
# A partnership agreement has been signed.
enum-partnership-status-agreement = Agreement signed
enum-partnership-status-active = Active
enum-partnership-status-paused = Paused
enum-partnership-status-ended = Ended

## A person's role in their organisation

enum-org-role-member = Member
enum-org-role-org-admin = Organisation admin

## What an API token may do

# The token may only read.
enum-token-scope-read = Read only
# The token may read and change.
enum-token-scope-read-write = Read and write

## Review state of a translation of stored content

# Translated, not yet reviewed.
enum-translation-status-draft = Draft
enum-translation-status-reviewed = Reviewed

## Document kinds (Document.kindLabel)

enum-document-kind-report = Report
enum-document-kind-survey = Survey
enum-document-kind-guideline = Guideline
# Ethics guidelines and similar texts.
enum-document-kind-ethics = Ethics
enum-document-kind-policy = Policy
enum-document-kind-article = Article
enum-document-kind-presentation = Presentation
enum-document-kind-agreement = Agreement
enum-document-kind-template = Template
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

enum-share-permission-view = View
enum-share-permission-edit = Edit

## Project status

enum-project-status-planned = Planned
enum-project-status-active = Active
enum-project-status-completed = Completed
enum-project-status-cancelled = Cancelled

## An organisation's role in a project

# The organisation that leads the project.
enum-participant-role-coordinator = coordinator
enum-participant-role-partner = partner
# Takes part without being a full partner.
enum-participant-role-associate = associate partner

## A person's role in a project

enum-member-role-coordinator = coordinator
enum-member-role-contributor = contributor
enum-member-role-viewer = viewer

## Deliverable status

enum-deliverable-status-planned = Planned
enum-deliverable-status-in-progress = In progress
enum-deliverable-status-submitted = Submitted
enum-deliverable-status-accepted = Accepted

## Kinds of training material

enum-training-kind-course = Course
enum-training-kind-module = Module
enum-training-kind-webinar = Webinar
enum-training-kind-guide = Guide
# A whole programme of study, e.g. a vocational school.
enum-training-kind-curriculum = Curriculum

## Who a training is for

enum-audience-peer-workers = Peer support workers
enum-audience-prospective-peer-workers = Prospective peer support workers
enum-audience-employers = Employers
enum-audience-colleagues-and-managers = Colleagues and managers
enum-audience-service-users = Service users
enum-audience-relatives = Relatives
enum-audience-educators = Educators

## How a training is delivered

enum-delivery-mode-in-person = In person
enum-delivery-mode-online = Online
# Partly in person, partly online.
enum-delivery-mode-blended = Blended

## Whether an offering takes place

enum-offering-status-scheduled = Scheduled
enum-offering-status-cancelled = Cancelled
