//! The translators' workflow: coverage, the queue of stored content to
//! translate, storing translations, adding a locale, reloading locale files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use crate::support::TestApp;

const QUEUE: &str = r#"query($l: String!, $f: TranslationQueueFilter) {
  translationQueue(locale: $l, first: 100, filter: $f) {
    totalCount edges { node { type id state originalLocale source { name text } current { name text } currentStatus } }
  }
}"#;

const TRANSLATE: &str = r#"mutation($t: ContentType!, $id: ID!, $l: String!, $fields: [TextFieldInput!]!, $s: TranslationStatus) {
  translateContent(type: $t, id: $id, locale: $l, fields: $fields, status: $s) { state currentStatus current { name text } }
}"#;

#[tokio::test]
async fn coverage_reports_messages_and_content_for_every_locale() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let reply = app
        .gql_as(
            &admin,
            "{ localeCoverage { locale userInterface messages { total translated missing } content { total translated outdated missing } } }",
            json!({}),
        )
        .await;
    let coverage = reply.ok()["localeCoverage"].as_array().expect("list").clone();
    let locales: Vec<&str> = coverage
        .iter()
        .map(|c| c["locale"].as_str().expect("locale"))
        .collect();
    // The interface's locales first, then the content-only ones.
    assert_eq!(locales, ["en-US", "nb-NO", "da-DK", "nl-NL"]);
    for c in &coverage {
        let m = &c["messages"];
        if c["userInterface"] == true {
            assert_eq!(m["missing"], 0, "{c}");
            assert_eq!(m["total"], m["translated"], "{c}");
        } else {
            assert_eq!(m["translated"], 0, "{c}");
            assert_eq!(m["total"], m["missing"], "{c}");
        }
        let content = &c["content"];
        let sum = content["translated"].as_u64().expect("n")
            + content["outdated"].as_u64().expect("n")
            + content["missing"].as_u64().expect("n");
        assert_eq!(content["total"].as_u64().expect("n"), sum, "{c}");
    }
    assert_eq!(
        coverage
            .iter()
            .map(|c| c["userInterface"] == true)
            .collect::<Vec<_>>(),
        [true, true, false, false]
    );
    let nb = &coverage[1]["content"];
    assert!(
        nb["translated"].as_u64().expect("n") >= 9,
        "the demo organisations are translated: {nb}"
    );
    assert!(
        nb["missing"].as_u64().expect("n") >= 6,
        "the demo deliverables are not: {nb}"
    );
}

#[tokio::test]
async fn the_queue_shows_what_to_translate_and_translating_empties_it() {
    let app = TestApp::spawn().await;
    let translator = app.login("translator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let filter = json!({ "l": "nb-NO", "f": { "type": "DELIVERABLE" } });
    app.gql_as(&partner, QUEUE, filter.clone())
        .await
        .expect_error("FORBIDDEN");

    let queue = app.gql_as(&translator, QUEUE, filter.clone()).await;
    let data = queue.ok()["translationQueue"].clone();
    assert_eq!(data["totalCount"], 6, "the demo projects' deliverables");
    let first = &data["edges"][0]["node"];
    assert_eq!(first["type"], "DELIVERABLE");
    assert_eq!(first["state"], "MISSING");
    assert_eq!(first["source"][0]["name"], "title");
    assert_eq!(first["current"], json!([]));
    let id = first["id"].clone();

    let done = app
        .gql_as(
            &translator,
            TRANSLATE,
            json!({ "t": "DELIVERABLE", "id": id, "l": "nb", "fields": [{ "name": "title", "text": "Kompetanseprofil" }], "s": "REVIEWED" }),
        )
        .await;
    assert_eq!(done.ok()["translateContent"]["state"], "CURRENT");
    assert_eq!(done.ok()["translateContent"]["currentStatus"], "REVIEWED");
    assert_eq!(
        app.gql_as(&translator, QUEUE, filter.clone()).await.ok()["translationQueue"]["totalCount"],
        5
    );

    // The organisations are all translated; changing a source makes its translation OUTDATED.
    let organisations = json!({ "l": "nb-NO", "f": { "type": "ORGANISATION" } });
    assert_eq!(
        app.gql_as(&translator, QUEUE, organisations.clone()).await.ok()["translationQueue"]["totalCount"],
        0
    );
    let admin = app.login("admin@example.org").await;
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &admin,
        "mutation($id: ID!) { updateOrganisation(input: {id: $id, expectedVersion: 1, description: \"A peer-run organisation.\"}) { version } }",
        json!({ "id": us }),
    )
    .await
    .ok();
    let outdated = app.gql_as(&translator, QUEUE, organisations).await;
    let task = &outdated.ok()["translationQueue"]["edges"][0]["node"];
    assert_eq!(task["state"], "OUTDATED");
    assert_eq!(task["source"][0]["text"], "A peer-run organisation.");
    assert!(
        task["current"][0]["text"]
            .as_str()
            .expect("text")
            .starts_with("En brukerstyrt organisasjon")
    );
}

#[tokio::test]
async fn bad_translations_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;
    let translator = app.login("translator@example.org").await;
    let queue = app.gql_as(&translator, QUEUE, json!({ "l": "nb-NO" })).await;
    let before = queue.ok()["translationQueue"]["totalCount"].clone();
    let task = queue.ok()["translationQueue"]["edges"][0]["node"].clone();
    let (t, id) = (task["type"].clone(), task["id"].clone());
    let field = task["source"][0]["name"].as_str().expect("name").to_owned();
    for (locale, fields, bad_field) in [
        ("xx-YY", json!([{ "name": field, "text": "x" }]), "locale"),
        ("fr-FR", json!([{ "name": field, "text": "x" }]), "locale"),
        (
            "nb-NO",
            json!([{ "name": "slug", "text": "x" }]),
            "fields[0].name",
        ),
        (
            "nb-NO",
            json!([{ "name": field, "text": "x".repeat(20_000) }]),
            "fields[0].text",
        ),
        (
            "nb-NO",
            json!([{ "name": field, "text": "Tekst \u{202E}snudd" }]),
            "fields[0].text",
        ),
    ] {
        let reply = app
            .gql_with(
                Some(&translator),
                Some("nb-NO"),
                TRANSLATE,
                json!({ "t": t, "id": id, "l": locale, "fields": fields }),
            )
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), bad_field, "{}", reply.body);
    }
    let bidi = app
        .gql_with(
            Some(&translator),
            Some("nb-NO"),
            TRANSLATE,
            json!({ "t": t, "id": id, "l": "nb-NO", "fields": [{ "name": field, "text": "Tekst \u{202E}snudd" }] }),
        )
        .await;
    assert!(bidi.message().contains("skriveretning"), "{}", bidi.message());
    let partner = app.login("partner@example.org").await;
    app.gql_as(
        &partner,
        TRANSLATE,
        json!({ "t": t, "id": id, "l": "nb-NO", "fields": [{ "name": field, "text": "x" }] }),
    )
    .await
    .expect_error("FORBIDDEN");
    let after = app.gql_as(&translator, QUEUE, json!({ "l": "nb-NO" })).await;
    assert_eq!(after.ok()["translationQueue"]["totalCount"], before);
}

/// A copy of the shipped locales in a temporary folder.
fn locales_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("locales");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../locales");
    for locale in std::fs::read_dir(&shipped).expect("locales") {
        let locale = locale.expect("entry");
        let target = root.join(locale.file_name());
        std::fs::create_dir_all(&target).expect("mkdir");
        for file in std::fs::read_dir(locale.path()).expect("files") {
            let file = file.expect("file");
            std::fs::copy(file.path(), target.join(file.file_name())).expect("copy");
        }
    }
    (dir, root)
}

#[tokio::test]
async fn a_new_locale_folder_is_negotiable_and_reported_without_code_changes() {
    let (_dir, root) = locales_copy();
    std::fs::create_dir(root.join("da-DK")).expect("mkdir");
    std::fs::write(
        root.join("da-DK/errors.ftl"),
        "-brand-name = Sammen\nerror-not-found = Ikke fundet.\nerror-unauthenticated = Log venligst ind.\n",
    )
    .expect("write");
    let locales_dir = root.clone();
    let app = TestApp::spawn_with(move |c| c.global.locales_dir = Some(locales_dir)).await;
    let query = "query($id: ID!) { organisation(id: $id) { name } }";
    let reply = app
        .gql_with(
            None,
            Some("da"),
            query,
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    assert_eq!(reply.message(), "Ikke fundet.");
    assert_eq!(reply.headers["content-language"], "da-DK");
    // A message the Danish files lack falls back to English.
    let fallback = app
        .gql_with(
            None,
            Some("da"),
            "{ organisations(first: 1000) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        fallback.message().starts_with("Ask for between 0 and 100"),
        "{}",
        fallback.message()
    );

    app.gql("{ localeCoverage { locale } }", json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
    let translator = app.login("translator@example.org").await;
    let coverage = app
        .gql_as(
            &translator,
            "{ localeCoverage { locale messages { translated missing } } }",
            json!({}),
        )
        .await;
    let da = coverage.ok()["localeCoverage"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["locale"] == "da-DK")
        .cloned()
        .expect("da-DK is reported");
    assert_eq!(da["messages"]["translated"], 2);
    assert!(da["messages"]["missing"].as_u64().expect("n") > 100);
}

async fn not_found_message(app: &TestApp) -> String {
    let reply = app
        .gql_with(
            None,
            Some("nb-NO"),
            "query($id: ID!) { organisation(id: $id) { name } }",
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
    reply.message().to_owned()
}

#[tokio::test]
async fn changed_locale_files_are_reloaded_but_a_broken_one_never_replaces_a_working_bundle() {
    let (_dir, root) = locales_copy();
    let locales_dir = root.clone();
    let app = TestApp::spawn_with(move |c| {
        c.global.locales_dir = Some(locales_dir);
        c.serve.watch_locales = true;
    })
    .await;
    assert_eq!(not_found_message(&app).await, "Finnes ikke.");
    let errors = root.join("nb-NO/errors.ftl");
    let text = std::fs::read_to_string(&errors).expect("read");
    std::fs::write(
        &errors,
        text.replace(
            "error-not-found = Finnes ikke.",
            "error-not-found = Fant ikke noe slikt.",
        ),
    )
    .expect("write");
    let mut reloaded = false;
    for _ in 0..40 {
        if not_found_message(&app).await == "Fant ikke noe slikt." {
            reloaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reloaded, "the changed message was not picked up");

    std::fs::write(root.join("nb-NO/broken.ftl"), "error-not-found = {\n").expect("write");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        not_found_message(&app).await,
        "Fant ikke noe slikt.",
        "a broken file replaced the bundle"
    );
}

#[tokio::test]
async fn offering_venues_and_programmes_are_translated_line_by_line() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let translator = app.login("translator@example.org").await;
    let material = app
        .gql_as(
            &coordinator,
            r#"mutation { createTrainingMaterial(input: {kind: COURSE, title: "Recovery colleges", summary: "Learning together.",
                visibility: PUBLIC}) { id } }"#,
            json!({}),
        )
        .await
        .ok()["createTrainingMaterial"]["id"]
        .clone();
    app.gql_as(
        &coordinator,
        "mutation($id: ID!, $input: OfferingInput!) { scheduleOffering(trainingMaterialId: $id, input: $input) { id } }",
        json!({ "id": material, "input": {
            "startsOn": "2027-09-01", "venue": "City Hall", "city": "Bergen", "country": "NO", "language": "en-US",
            "programme": [
                { "startsAt": "2027-09-01T09:00:00+02:00", "title": "Registration and coffee" },
                { "startsAt": "2027-09-01T09:30:00+02:00", "title": "Opening and presentation" },
                { "startsAt": "2027-09-01T10:00:00+02:00", "title": "Group work" }
            ]
        } }),
    )
    .await
    .ok();
    let queue = app
        .gql_as(
            &translator,
            QUEUE,
            json!({ "l": "nb-NO", "f": { "type": "OFFERING" } }),
        )
        .await;
    let tasks = queue.ok()["translationQueue"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    let task = tasks
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["source"][0]["text"] == "City Hall")
        .expect("the new offering is queued");
    assert_eq!(task["state"], "MISSING");
    let programme = task["source"][1]["text"].as_str().expect("programme");
    assert_eq!(
        programme,
        "Registration and coffee\nOpening and presentation\nGroup work"
    );

    // Only the first title: the translation is incomplete, so nobody sees it.
    let first_only = app
        .gql_as(
            &translator,
            TRANSLATE,
            json!({ "t": "OFFERING", "id": task["id"], "l": "nb-NO", "fields": [
                { "name": "venue", "text": "Rådhuset" },
                { "name": "programme", "text": "Registrering og kaffe" }
            ] }),
        )
        .await;
    assert_eq!(first_only.ok()["translateContent"]["state"], "MISSING");
    let read = r#"query($id: ID!) { trainingMaterial(id: $id) { offerings { venue resolvedLocale programme { title } } } }"#;
    let nb = app
        .gql_with(None, Some("nb-NO"), read, json!({ "id": material }))
        .await;
    let offering = &nb.ok()["trainingMaterial"]["offerings"][0];
    assert_eq!(offering["venue"], "City Hall");
    assert_eq!(offering["resolvedLocale"], "en-US");
    assert_eq!(offering["programme"][0]["title"], "Registration and coffee");

    // Every line: the reader gets the whole programme in Norwegian.
    let whole = app
        .gql_as(
            &translator,
            TRANSLATE,
            json!({ "t": "OFFERING", "id": task["id"], "l": "nb-NO", "fields": [
                { "name": "programme", "text": "Registrering og kaffe\nÅpning og presentasjon\nGruppearbeid" }
            ] }),
        )
        .await;
    assert_eq!(whole.ok()["translateContent"]["state"], "CURRENT");
    let nb = app
        .gql_with(None, Some("nb-NO"), read, json!({ "id": material }))
        .await;
    let offering = &nb.ok()["trainingMaterial"]["offerings"][0];
    assert_eq!(offering["venue"], "Rådhuset");
    assert_eq!(offering["resolvedLocale"], "nb-NO");
    let titles: Vec<&str> = offering["programme"]
        .as_array()
        .expect("programme")
        .iter()
        .filter_map(|p| p["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        ["Registrering og kaffe", "Åpning og presentasjon", "Gruppearbeid"]
    );
    let en = app
        .gql_with(None, Some("en-US"), read, json!({ "id": material }))
        .await;
    assert_eq!(
        en.ok()["trainingMaterial"]["offerings"][0]["programme"][2]["title"],
        "Group work"
    );
}

#[tokio::test]
async fn a_norwegian_reader_gets_the_demo_course_and_its_json_ld_wholly_in_norwegian() {
    let app = TestApp::spawn().await;
    let read = r#"{ trainingMaterials(filter: {query: "new function"}) { edges { node {
        title summary prerequisites learningOutcomes resolvedLocale deliveryModeLabel targetAudienceLabels
        offerings { resolvedLocale venue programme { title } }
        jsonLd
    } } } }"#;
    let nb = app.gql_with(None, Some("nb-NO"), read, json!({})).await;
    let course = &nb.ok()["trainingMaterials"]["edges"][0]["node"];
    assert_eq!(course["resolvedLocale"], "nb-NO");
    assert_eq!(course["deliveryModeLabel"], "Fysisk oppmøte");
    assert_eq!(
        course["targetAudienceLabels"],
        json!(["Arbeidsgivere", "Erfaringskonsulenter"])
    );
    assert_eq!(course["offerings"][0]["resolvedLocale"], "nb-NO");
    assert_eq!(
        course["offerings"][0]["programme"][1]["title"],
        "Åpning og presentasjon"
    );
    let english = app.gql_with(None, Some("en-US"), read, json!({})).await;
    let english = &english.ok()["trainingMaterials"]["edges"][0]["node"];
    assert_ne!(course["learningOutcomes"], english["learningOutcomes"]);
    assert_eq!(
        course["learningOutcomes"].as_array().map(Vec::len),
        english["learningOutcomes"].as_array().map(Vec::len)
    );
    let ld = &course["jsonLd"];
    assert_eq!(ld["inLanguage"], "nb-NO");
    assert_eq!(ld["name"], course["title"]);
    assert_eq!(ld["teaches"], course["learningOutcomes"]);
    assert_eq!(ld["audience"][1]["audienceType"], "Erfaringskonsulenter");
    assert_eq!(ld["hasCourseInstance"][0]["offers"][1]["category"], "Tidligpris");
    assert!(!ld.to_string().contains("null"), "{ld}");

    // Danish content, and interface labels that say they are English.
    let da = app.gql_with(None, Some("da"), read, json!({})).await;
    let course = &da.ok()["trainingMaterials"]["edges"][0]["node"];
    assert_eq!(course["resolvedLocale"], "da-DK");
    assert_eq!(course["deliveryModeLabel"], "In person");
    let ld = &course["jsonLd"];
    assert_eq!(ld["inLanguage"], "da-DK");
    assert_eq!(ld["name"], course["title"]);
    assert_eq!(
        ld["audience"][0]["audienceType"],
        json!({ "@value": "Employers", "@language": "en-US" })
    );
}

#[tokio::test]
async fn an_incomplete_translation_is_not_shown_and_stays_in_the_queue() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let translator = app.login("translator@example.org").await;
    let id = app
        .gql_as(
            &coordinator,
            "mutation { createDocument(input: {kind: REPORT, title: \"Annual report\", summary: \"What we did.\", visibility: PUBLIC}) { id } }",
            json!({}),
        )
        .await
        .ok()["createDocument"]["id"]
        .clone();
    app.gql_as(
        &translator,
        TRANSLATE,
        json!({ "t": "DOCUMENT", "id": id, "l": "nb-NO", "fields": [{ "name": "summary", "text": "Hva vi gjorde." }] }),
    )
    .await
    .ok();
    let nb = app
        .gql_with(
            None,
            Some("nb-NO"),
            "query($id: ID!) { document(id: $id) { title summary } }",
            json!({ "id": id }),
        )
        .await;
    // Half a translation would make a page of two languages: the reader
    // gets the whole original, and the translator still sees the task.
    assert_eq!(nb.ok()["document"]["title"], "Annual report");
    assert_eq!(nb.ok()["document"]["summary"], "What we did.");
    let state = |reply: &crate::support::Reply| {
        reply.ok()["translationQueue"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["node"]["id"] == id)
            .map(|e| e["node"]["state"].clone())
    };
    let queue = r#"{ translationQueue(locale: "nb-NO", first: 100, filter: {type: DOCUMENT}) { edges { node { id state } } } }"#;
    let waiting = app.gql_as(&translator, queue, json!({})).await;
    assert_eq!(state(&waiting), Some(json!("MISSING")));

    app.gql_as(
        &translator,
        TRANSLATE,
        json!({ "t": "DOCUMENT", "id": id, "l": "nb-NO", "fields": [{ "name": "title", "text": "Årsrapport" }] }),
    )
    .await
    .ok();
    let nb = app
        .gql_with(
            None,
            Some("nb-NO"),
            "query($id: ID!) { document(id: $id) { title summary resolvedLocale } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(nb.ok()["document"]["title"], "Årsrapport");
    assert_eq!(nb.ok()["document"]["summary"], "Hva vi gjorde.");
    assert_eq!(nb.ok()["document"]["resolvedLocale"], "nb-NO");
    let done = app.gql_as(&translator, queue, json!({})).await;
    assert_eq!(state(&done), None);
}

#[tokio::test]
async fn a_training_translation_without_learning_outcomes_is_missing_not_current() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let translator = app.login("translator@example.org").await;
    let id = app
        .gql_as(
            &coordinator,
            r#"mutation { createTrainingMaterial(input: {kind: COURSE, title: "Ethics day", summary: "A day on ethics.",
                prerequisites: "None.", learningOutcomes: ["Name the duties of a peer worker.", "Know where the line goes."],
                deliveryMode: ONLINE, visibility: PUBLIC}) { id } }"#,
            json!({}),
        )
        .await
        .ok()["createTrainingMaterial"]["id"]
        .clone();
    let fields = |outcomes: &str| {
        json!([
            { "name": "title", "text": "Etikkdag" },
            { "name": "summary", "text": "En dag om etikk." },
            { "name": "prerequisites", "text": "Ingen." },
            { "name": "learningOutcomes", "text": outcomes }
        ])
    };
    let saved = app
        .gql_as(
            &translator,
            TRANSLATE,
            json!({ "t": "TRAINING_MATERIAL", "id": id, "l": "nb-NO", "fields": fields("") }),
        )
        .await;
    assert_eq!(saved.ok()["translateContent"]["state"], "MISSING");
    let read = "query($id: ID!) { trainingMaterial(id: $id) { title learningOutcomes resolvedLocale deliveryModeLabel } }";
    let nb = app.gql_with(None, Some("nb-NO"), read, json!({ "id": id })).await;
    let material = &nb.ok()["trainingMaterial"];
    assert_eq!(material["title"], "Ethics day");
    assert_eq!(material["resolvedLocale"], "en-US");
    assert_eq!(material["deliveryModeLabel"], "Nettbasert");

    let saved = app
        .gql_as(
            &translator,
            TRANSLATE,
            json!({ "t": "TRAINING_MATERIAL", "id": id, "l": "nb-NO",
                    "fields": fields("Nevne pliktene til en erfaringskonsulent.\nVite hvor grensen går.") }),
        )
        .await;
    assert_eq!(saved.ok()["translateContent"]["state"], "CURRENT");
    let nb = app.gql_with(None, Some("nb-NO"), read, json!({ "id": id })).await;
    let material = &nb.ok()["trainingMaterial"];
    assert_eq!(material["title"], "Etikkdag");
    assert_eq!(material["resolvedLocale"], "nb-NO");
    assert_eq!(
        material["learningOutcomes"],
        json!([
            "Nevne pliktene til en erfaringskonsulent.",
            "Vite hvor grensen går."
        ])
    );
}
