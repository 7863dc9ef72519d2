//! The text analysis SQLite's index uses (stems and stop words made
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

/// The index the migration makes answers a query built by `search::query`
/// on each engine: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL.
#[tokio::test]
async fn the_index_tables_answer_on_each_engine() {
    use sammen_api::search::query::{Query, fts5_match};
    use sammen_entities::search_doc;
    use sea_orm::{ActiveModelTrait, Set};

    let app = TestApp::spawn_with(|c| c.serve.demo = false).await;
    let backend = app.db.get_database_backend();
    let rows = [
        (
            Lang::Norwegian,
            "nb-NO",
            "Rapport om erfaringskonsulenter i kommunene",
        ),
        (
            Lang::English,
            "en-US",
            "Ethics guidelines for peer support workers",
        ),
        (Lang::Danish, "da-DK", "Retningslinjer for peer-medarbejdere"),
    ];
    let mut ids = Vec::new();
    for (lang, locale, title) in rows {
        let row = search_doc::ActiveModel {
            item_type: Set("DOCUMENT".into()),
            item_id: Set(uuid::Uuid::now_v7()),
            part: Set("META".into()),
            locale: Set(locale.into()),
            config: Set(lang.pg_config().into()),
            is_original: Set(true),
            texts: Set(serde_json::json!([["title", title]])),
            source_version_id: Set(None),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a search_doc row");
        let statement = match backend {
            DbBackend::Sqlite => Statement::from_sql_and_values(
                backend,
                "INSERT INTO search_fts (rowid, lang, a) VALUES (?, ?, ?)",
                [row.id.into(), lang.pg_config().into(), stems(lang, title).into()],
            ),
            _ => Statement::from_sql_and_values(
                backend,
                "UPDATE search_doc SET tsv = setweight(to_tsvector($1::regconfig, $2), 'A') WHERE id = $3",
                [lang.pg_config().into(), prepared(title).into(), row.id.into()],
            ),
        };
        app.db.execute_raw(statement).await.expect("indexed");
        ids.push(row.id);
    }
    let langs = [
        Lang::Norwegian,
        Lang::English,
        Lang::Danish,
        Lang::Dutch,
        Lang::Simple,
    ];
    for (typed, expected) in [
        ("rapporter", vec![ids[0]]),
        ("guidelines ethics", vec![ids[1]]),
        ("retningslinjer", vec![ids[2]]),
        ("peer", vec![ids[1], ids[2]]),
        ("erfaringskonsulent", vec![ids[0]]),
        ("cats", vec![]),
    ] {
        let query = Query::parse("query", typed).expect("parses");
        let found: Vec<i64> = match backend {
            DbBackend::Sqlite => {
                let matching =
                    fts5_match(&query, &langs, "lang", &["a", "b", "c", "d"]).expect("something to find");
                app.db
                    .query_all_raw(Statement::from_sql_and_values(
                        backend,
                        "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid",
                        [matching.into()],
                    ))
                    .await
                    .expect("FTS5 answers")
                    .iter()
                    .map(|r| r.try_get::<i64>("", "id").expect("id"))
                    .collect()
            }
            _ => {
                // Until the search query exists: each row's own language
                // reads the folded words as web search syntax.
                let words = prepared(typed);
                app.db
                    .query_all_raw(Statement::from_sql_and_values(
                        backend,
                        "SELECT id FROM search_doc WHERE tsv @@ websearch_to_tsquery(config::regconfig, $1) ORDER BY id",
                        [words.into()],
                    ))
                    .await
                    .expect("PostgreSQL answers")
                    .iter()
                    .map(|r| r.try_get::<i64>("", "id").expect("id"))
                    .collect()
            }
        };
        assert_eq!(found, expected, "{typed}");
    }
}
