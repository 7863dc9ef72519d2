//! Search: the text analysis SQLite's index uses (stems and stop words made
//! in Rust) agrees with what PostgreSQL's own configurations make of the
//! same text, so both engines find the same things. Runs on PostgreSQL; on
//! SQLite there is nothing to compare with.

use std::collections::BTreeSet;

use sammen_api::search::text::{Lang, STOP_PLACEHOLDER, prepared, stems};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::support::TestApp;

const SAMPLES: &[(Lang, &str)] = &[
    (
        Lang::Norwegian,
        "Rapport fra erfaringskonsulentundersøkelsen: erfaringskonsulenter i kommunene og spesialisthelsetjenesten, \
         med retningslinjer for veiledning, lønn og opplæring på fagskolenivå",
    ),
    (
        Lang::English,
        "Ethics guidelines for peer support workers: the barriers they meet, the courses they take and \
         the training levels (EQF 4, 5 and 6) of the European curriculum",
    ),
    (
        Lang::Danish,
        "Retningslinjer for peer-medarbejdere i psykiatrien og kommunerne, med uddannelse og supervision",
    ),
    (
        Lang::Dutch,
        "Richtlijnen voor ervaringsdeskundigen in de geestelijke gezondheidszorg en de opleidingen van het platform",
    ),
];

#[tokio::test]
async fn stems_and_stop_words_agree_with_postgresql() {
    let app = TestApp::spawn().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    for (lang, text) in SAMPLES {
        let ours: BTreeSet<String> = stems(*lang, text)
            .split(' ')
            .filter(|s| !s.starts_with(STOP_PLACEHOLDER))
            .map(str::to_owned)
            .collect();
        let row = app
            .db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT array_to_string(tsvector_to_array(to_tsvector($1::regconfig, $2)), ' ') AS lexemes",
                [lang.pg_config().into(), prepared(text).into()],
            ))
            .await
            .expect("query")
            .expect("a row");
        let lexemes: String = row.try_get("", "lexemes").expect("lexemes");
        let theirs: BTreeSet<String> = lexemes.split(' ').map(str::to_owned).collect();
        assert_eq!(ours, theirs, "{lang:?}: {text}");
    }
}
