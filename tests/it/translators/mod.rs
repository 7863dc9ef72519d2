//! The translators' workflow: coverage, the queue of stored content to
//! translate, storing translations, adding a locale, reloading locale files.
//!
//! Shared here: the translators' queue and the translation mutation.

mod content;
mod locale_files;
mod queue;

const QUEUE: &str = r#"query($l: String!, $f: TranslationQueueFilter) {
  translationQueue(locale: $l, first: 100, filter: $f) {
    totalCount edges { node { type id state originalLocale source { name text } current { name text } currentStatus } }
  }
}"#;

const TRANSLATE: &str = r#"mutation($t: ContentType!, $id: ID!, $l: String!, $fields: [TextFieldInput!]!, $s: TranslationStatus) {
  translateContent(type: $t, id: $id, locale: $l, fields: $fields, status: $s) { state currentStatus current { name text } }
}"#;
