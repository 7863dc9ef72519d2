### Error messages of the GraphQL API. Each is the `message` of an error whose
### `extensions.code` tells programs what happened; people read this text.

## Access

# Shown when an operation needs a signed-in user and the request carried no token.
error-unauthenticated = Please sign in to do this.
# Shown when the bearer token is unknown, expired or revoked, or its user is disabled.
error-token-invalid = Your sign-in has expired or is not valid. Please sign in again.
# Shown when e-mail address and password do not match an account.
auth-login-failed = The e-mail address or password is wrong.
# Shown when a signed-in user lacks the right to do something they can see.
error-forbidden = You do not have permission to do this.
# Shown when something does not exist or the caller may not see it.
error-not-found = Not found.

## Conflicts and failures

# Shown when a change was based on an old version of a record.
# $expected (number) - the version the client sent
# $current (number) - the version the record has now
error-stale-version = Someone else changed this in the meantime (you edited version { $expected }, it is now at version { $current }). Reload and try again.
# Shown for an unexpected failure in the server. Users may quote the reference to support.
# $reference (string) - an id that finds the failure in the server's log
error-internal = Something went wrong in { -brand-name }. Please try again later; if it keeps happening, quote reference { $reference }.
# Shown when a request took longer than the server allows.
# $seconds (number) - the time limit in seconds
error-timeout = The request took longer than { $seconds } seconds and was stopped.

## Malformed requests

# Shown when the HTTP body is too large.
# $max (number) - the largest allowed size in bytes
error-payload-too-large = The request is too large (at most { $max } bytes).
# Shown when the HTTP body is not a GraphQL request at all.
# $detail (string) - the technical reason, in English
error-bad-request = The request could not be read: { $detail }
# Shown when a batch holds too many operations.
# $count (number) - operations sent
# $max (number) - operations allowed
error-batch-too-large = A batch may hold at most { $max } operations; this one has { $count }.
# Shown when a mutation is sent with GET instead of POST.
error-mutation-over-get = Changes must be sent with POST, not GET.
# Shown when a POST request does not say what its body is, or says a type the server does not read.
error-content-type-missing = Send the request with Content-Type: application/json (or multipart/form-data for uploads).
# Shown when the query is not valid GraphQL syntax.
# $line (number) - the line where reading the query failed
# $column (number) - the column there
error-parse = The query is not valid GraphQL (line { $line }, column { $column }).
# Shown when the query does not fit the schema.
# $detail (string) - the validator's message, in English
error-validation = The query does not match the schema: { $detail }
# Shown when an argument or variable has the wrong type or format.
# $detail (string) - the technical reason, in English
error-input-coercion = An argument has the wrong type or format: { $detail }
# Shown when a query nests fields deeper than allowed.
# $detail (string) - the technical reason, in English
error-query-too-deep = The query is nested too deeply.
# Shown when a query asks for too much at once (long lists of nested lists).
# $detail (string) - the technical reason, in English
error-query-too-complex = The query asks for too much at once. Ask for fewer items per page or fewer nested fields.

## Input fields. $field (string) is the name of the input field, e.g. `country`.

# Shown when a required text is empty.
input-required = { $field } must not be empty.
# Shown when a text is too long.
# $max (number) - the most characters allowed
input-too-long = { $field } is too long (at most { $max } characters).
# Shown when a list has too many items.
# $max (number) - the most items allowed
input-too-many = { $field } has too many items (at most { $max }).
# Shown when a number is outside its range.
# $min (number) - the smallest allowed value
# $max (number) - the largest allowed value
input-out-of-range = { $field } must be between { $min } and { $max }.
# Shown when a text holds a control character (a NUL byte, an escape…).
input-control-characters = { $field } contains a control character, which is not allowed.
# Shown for a malformed slug.
input-slug-invalid = { $field } may only use lower-case letters a–z, digits and single hyphens (2 to 64 characters).
# Shown for a country code that is not an ISO 3166-1 alpha-2 code.
# $value (string) - what the client sent
input-country-invalid = “{ $value }” is not a country code. Use two letters as in ISO 3166-1, for example NO, US, DK, ZA or NL.
# Shown for a malformed e-mail address.
input-email-invalid = { $field } is not a valid e-mail address.
# Shown for a malformed language tag.
# $value (string) - what the client sent
input-locale-invalid = “{ $value }” is not a language tag such as nb-NO or en-US.
# Shown for a well-formed language tag the service has no locale for.
# $value (string) - what the client sent
input-locale-unsupported = { -brand-name } does not keep content in “{ $value }”; an administrator can add it to the content locales.
# Shown for a web address that is not an absolute http or https URL.
input-url-invalid = { $field } is not a valid web address (it must start with https:// or http://).
# Shown for a password that is too short.
# $min (number) - the fewest characters allowed
input-password-too-short = The password must have at least { $min } characters.
# Shown for a malformed id.
input-id-invalid = { $field } is not a valid id.
# Shown for a pagination cursor that was not made by the server.
input-cursor-invalid = The page cursor is not valid; start again from the first page.
# Shown when `first` is outside 0 to the largest page size.
# $max (number) - the largest page size
input-page-size = Ask for between 0 and { $max } items per page.

## Organisations and people

# Shown when another organisation already uses the slug.
organisation-slug-taken = Another organisation already uses this slug.
# Shown for a partnership status change that is not allowed.
# $from (string) - the current status, as a label in the reader's language
# $to (string) - the requested status, as a label in the reader's language
organisation-status-transition-invalid = A partnership cannot go from “{ $from }” to “{ $to }”.
# Shown when an admin tries to archive the association that runs the network.
organisation-hub-archive = The association that runs the network cannot be archived.
# Shown when the e-mail address is already registered.
user-email-taken = A user with this e-mail address already exists.
# Shown after too many failed sign-ins for one e-mail address.
# $seconds (number) - how long to wait before trying again
auth-rate-limited = Too many failed sign-ins for this account or from this address. Try again in { $seconds } seconds.
# Shown when the server has too many sign-ins to check at once.
# $seconds (number) - how long to wait before trying again
auth-busy = Too many sign-ins are being checked right now. Try again in { $seconds } seconds.
# Shown when a time that must lie in the future lies in the past.
input-time-in-past = { $field } must be in the future.
# Shown for a license that is not an SPDX license id.
# $value (string) - what the client sent
input-license-invalid = “{ $value }” is not an SPDX license id such as CC-BY-NC-SA-4.0 or MIT.

## Documents

# Shown when an upload request has no file in the `file` variable.
document-file-missing = No file was attached.
# Shown for an uploaded or imported file with no bytes.
document-file-empty = The file is empty.
# Shown when the uploaded file could not be read.
document-file-unreadable = The file could not be read; please upload it again.
# Shown for a file name with a path, a leading dot or control characters.
document-filename-invalid = The file name is not allowed. Use a plain name such as report-2024.pdf, without folders.
# Shown for a file over the upload limit.
# $max (number) - the largest size in bytes
document-file-too-large = The file is too large (at most { $max } bytes).
# Shown when the declared media type does not match the file's bytes.
# $declared (string) - the media type the client or server declared
# $actual (string) - the media type the bytes show
document-media-type-mismatch = The file was declared as { $declared } but its contents are { $actual }.
# Shown when two uploads to the same document collide repeatedly.
document-version-busy = Several versions are being added at once; please try again.
# Shown for an import address that is not https.
document-import-not-https = Only https addresses can be imported.
# Shown for an import address inside a private network or otherwise reserved.
document-import-forbidden = This address cannot be imported from: it points to a private or reserved network.
# Shown when an import is redirected too often.
document-import-redirects = The address redirected too many times.
# Shown when an import fails to download.
# $detail (string) - the technical reason, in English
document-import-unreachable = The file could not be downloaded: { $detail }
# Shown when trying to share a document with its own owner.
document-share-owner = A document cannot be shared with the organisation that owns it.
# Shown when trying to share a PRIVATE document.
document-share-private = Private documents cannot be shared. Change the visibility to PARTNERS or NETWORK first.

## Translations of stored content

# Shown when a translation is sent in the locale the text was written in.
translation-original-locale = This is the original language of the text; edit the text itself instead.
# Shown for a currency that is not an ISO 4217 code.
# $value (string) - what the client sent
input-currency-invalid = “{ $value }” is not a currency code such as NOK, EUR or USD.
# Shown for a negative amount of money.
input-amount-negative = { $field } must not be negative.

## Joint projects

# Shown for a malformed project or deliverable code.
project-code-invalid = The code may use letters, digits, “-”, “_” and “.” (2 to 40 characters).
# Shown when another project already uses the code.
# $code (string) - the code
project-code-taken = Another project already uses the code { $code }.
# Shown when a project would end before it starts.
project-ends-before-start = A project cannot end before it starts.
# Shown for a project status change that is not allowed.
# $from (string) - the current status, as a label in the reader's language
# $to (string) - the requested status, as a label in the reader's language
project-status-transition-invalid = A project cannot go from “{ $from }” to “{ $to }”.
# Shown when an organisation already takes part in the project.
project-participant-exists = This organisation already takes part in the project.
# Shown when removing the last coordinator of a project.
project-last-coordinator = A project needs at least one coordinator; appoint another first.
# Shown when adding a person whose organisation does not take part in the project.
project-member-not-participant = Only people from organisations taking part in the project can be members.
# Shown when the person is already a member of the project.
project-member-exists = This person is already a member of the project.
# Shown when the responsible organisation does not take part in the project.
project-not-participant = The organisation does not take part in the project.
# Shown when another deliverable of the project already uses the code.
deliverable-code-taken = Another deliverable of this project already uses this code.
# Shown for a deliverable status change that is not allowed.
# $from (string) - the current status, as a label in the reader's language
# $to (string) - the requested status, as a label in the reader's language
deliverable-status-transition-invalid = A deliverable cannot go from “{ $from }” to “{ $to }”.

## Training materials and offerings

# Shown for an EQF level outside 1 to 8.
training-eqf-invalid = { $field } must be an EQF level from 1 to 8.
# Shown for ECTS credits that are negative or absurd.
training-ects-invalid = { $field } must be a number of ECTS credits from 0 to 1000.
# Shown when an offering would end before it starts.
offering-ends-before-start = An offering cannot end before it starts.
# Shown when the early-bird price is in another currency than the price.
offering-early-bird-currency = The early-bird price must be in the same currency as the price.
# Shown when the early-bird deadline is after the start.
offering-early-bird-after-start = The early-bird deadline cannot be after the offering starts.
# Shown when a programme item lies outside the offering's dates.
offering-programme-outside-dates = { $field } lies outside the offering's dates.
# Shown for text with right-to-left or left-to-right controls that are not closed.
input-bidi-unbalanced = { $field } contains text-direction control characters that are not balanced.
# Shown when a translation names a field the content type does not have.
# $name (string) - the field name sent
translation-field-unknown = “{ $name }” is not a translatable field of this content.
# Shown when a translation names the same field twice.
# $name (string) - the field name sent
translation-field-repeated = The field “{ $name }” is given twice.
# Shown when linking a document that already belongs to another project.
document-linked-elsewhere = This document already belongs to another project.

## Limits on one request or connection

# Shown when the text of a query (all operations of a request together) is too long.
# $max (number) - the most tokens (names, numbers, strings, punctuation) allowed
error-query-too-long = The query is too long (at most { $max } tokens). Send a shorter query or fewer operations at once.
# Shown when a query asks for the schema (introspection) and this server does not answer that.
error-introspection-disabled = This server does not describe its schema (introspection is switched off).
# Shown when one operation ran more database statements than the server allows.
# $max (number) - the most statements allowed
error-statement-budget = The query needs more database work than one request may do (at most { $max } statements). Ask for fewer items or fields.
# Shown when a WebSocket already runs as many operations as allowed.
# $max (number) - the most operations allowed at once
error-too-many-operations = This connection already runs { $max } operations. Stop one before starting another.
# Shown when a token already has as many WebSocket connections as allowed.
# $max (number) - the most connections allowed at once
error-too-many-sockets = Too many open connections for this sign-in (at most { $max }). Close one first.
# Shown when a file upload is sent without signing in.
error-upload-unauthenticated = Sign in to upload files.
# Shown when an upload request has more parts or files than the operation declares.
# $max (number) - the most files allowed
error-upload-parts = The upload request has more parts than its map declares (at most { $max } files).

## Automatic persisted queries

# Shown when a client sends only the hash of a query the server has not seen; the client then sends the query with it.
# Apollo clients look for this exact text: keep it as it is in every locale.
apq-not-found = { "PersistedQueryNotFound" }
# Shown when extensions.persistedQuery is not {"version": 1, "sha256Hash": "<64 hex digits>"}.
apq-invalid = { $field } must be {"{"}"version": 1, "sha256Hash": "…"{"}"} with a SHA-256 hash in hex.
# Shown when the query sent does not have the hash sent with it.
apq-hash-mismatch = { $field } is not the SHA-256 hash of the query sent with it.

## Search

# Shown when a search filter names a kind that is no kind of document,
# training material or organisation.
# $value (string) - what the client sent
search-kind-unknown = “{ $value }” is not a kind of document, training material or organisation, such as REPORT, COURSE or HOSPITAL.
