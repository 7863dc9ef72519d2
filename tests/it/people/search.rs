//! Finding people: names are found ignoring case, accents, word order and
//! extra spaces, and wildcards are plain characters.

use serde_json::json;

use super::{names, new_organisation, people};
use crate::support::{TestApp, new_person};

#[tokio::test]
async fn names_are_found_ignoring_case_and_accents() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let organisation = new_organisation(&app, &admin, "zq-names", "Zq Names", "NO").await;
    for (name, email) in [
        ("Åse Ødegård", "ase@names.example"),
        ("Søren Kærgaard", "soren@names.example"),
        ("Zoë Müller", "zoe@names.example"),
        ("José Ramírez", "jose@names.example"),
    ] {
        new_person(&app, &admin, &organisation, name, email).await;
    }
    let ase = "Åse Ødegård";
    let soren = "Søren Kærgaard";
    let zoe = "Zoë Müller";
    let jose = "José Ramírez";
    for (query, expected) in [
        ("Ase", vec![ase]),
        ("åse", vec![ase]),
        ("ÅSE", vec![ase]),
        ("Soren", vec![soren]),
        ("SØREN", vec![soren]),
        ("søren", vec![soren]),
        ("kaergaard", vec![soren]),
        ("Kærgaard", vec![soren]),
        ("KAERGAARD", vec![soren]),
        ("zoe muller", vec![zoe]),
        // A decomposed ë (e + combining diaeresis), as some keyboards send it.
        ("Zoe\u{308}", vec![zoe]),
        ("Jose", vec![jose]),
        ("ramirez jose", vec![jose]),
        // Word order does not matter, nor extra spaces.
        ("odegard ase", vec![ase]),
        ("  soren   kaergaard ", vec![soren]),
        // Parts of words match; several results come in folded-name order.
        ("ar", vec![ase, soren]),
        // Every word must match.
        ("soren zorro", vec![]),
        ("Zorro", vec![]),
        // Wildcards are plain characters.
        ("%", vec![]),
        ("_", vec![]),
    ] {
        let found = people(
            &app,
            Some(admin.as_str()),
            json!({ "first": 100, "filter": { "organisationId": organisation, "query": query } }),
        )
        .await;
        assert_eq!(names(&found), expected, "query {query:?}: {found}");
        assert_eq!(found["totalCount"], expected.len(), "query {query:?}: totalCount");
    }
}
