//! Both engines give the same hits: a fixed corpus in four languages and
//! queries whose expected hits are written here. CI runs this on SQLite
//! (FTS5, stems made in Rust) and on PostgreSQL (tsvector, its own
//! Snowball configurations); passing on both is the proof.

use std::collections::BTreeSet;

use serde_json::json;

use super::{document, ids, search};
use crate::support::TestApp;

const CORPUS: &[(&str, &str, &str, &str)] = &[
    (
        "n1",
        "nb-NO",
        "Rapport fra erfaringskonsulentundersøkelsen",
        "Lønn og arbeidsvilkår for erfaringskonsulenter i kommunene",
    ),
    (
        "n2",
        "nb-NO",
        "Veileder for likepersonsarbeid",
        "Hvordan bruke egne erfaringer i møte med brukere",
    ),
    (
        "e1",
        "en-US",
        "Ethics guidelines for peer workers",
        "Confidentiality and boundaries in peer support",
    ),
    (
        "e2",
        "en-US",
        "Annual report 2024",
        "The association's work in 2024: courses, members and finances",
    ),
    (
        "d1",
        "da-DK",
        "Retningslinjer for peer-medarbejdere",
        "Uddannelse og supervision i psykiatrien",
    ),
    (
        "l1",
        "nl-NL",
        "Richtlijnen voor ervaringsdeskundigen",
        "Opleidingen en werkbegeleiding in de geestelijke gezondheidszorg",
    ),
];

const QUERIES: &[(&str, &[&str])] = &[
    ("rapporter", &["n1"]),
    ("report", &["e2"]),
    ("2024", &["e2"]),
    ("erfaringskonsulenter", &["n1"]),
    ("retningslinjer", &["e1", "d1"]),
    ("\"peer support\"", &["e1"]),
    ("\"support peer\"", &[]),
    ("peer", &["e1", "d1"]),
    ("ervaringsdeskundigen", &["l1"]),
    ("psykiatri*", &["d1"]),
    ("likeperson*", &["n2", "e1"]),
    ("confidentiality", &["e1"]),
    ("confidentiality -boundaries", &[]),
    ("veileder OR richtlijnen", &["n2", "l1"]),
    ("taushetsplikt", &["e1"]),
    ("møte", &["n2"]),
    ("mote", &["n2"]),
    ("MØTE", &["n2"]),
    ("lonn", &["n1"]),
    ("the", &[]),
    ("courses members", &["e2"]),
    ("Opleidingen", &["l1"]),
    ("uddannelse supervision", &["d1"]),
    ("uddannelse -supervision", &[]),
    ("kommunene erfaringskonsulent", &["n1"]),
    ("guideline*", &["e1"]),
    ("gu*", &["e1"]),
];

#[tokio::test]
async fn both_engines_give_the_same_hits_for_the_same_data() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let mut labels = std::collections::HashMap::new();
    for (label, locale, title, summary) in CORPUS {
        let id = document(
            &app,
            &admin,
            json!({"kind": "REPORT", "title": title, "summary": summary, "originalLocale": locale,
                   "visibility": "PUBLIC"}),
        )
        .await;
        if *label == "e1" {
            app.gql_as(
                &admin,
                r#"mutation($id: ID!) { translateDocument(id: $id, locale: "nb-NO",
                    title: "Etiske retningslinjer for likepersoner",
                    summary: "Taushetsplikt og grenser i likepersonsstøtte") { id } }"#,
                json!({ "id": id }),
            )
            .await
            .ok();
        }
        labels.insert(id, *label);
    }
    for (query, expected) in QUERIES {
        let found = search(&app, None, query, json!({"types": ["DOCUMENT"]})).await;
        let got: BTreeSet<&str> = ids(&found)
            .iter()
            .filter_map(|id| labels.get(id).copied())
            .collect();
        let want: BTreeSet<&str> = expected.iter().copied().collect();
        assert_eq!(got, want, "{query}");
    }
}
