//! Translated content: offering venues and programmes line by line, the
//! demo course and its JSON-LD wholly in the reader's language, and an
//! incomplete translation (learning outcomes included) not shown and left
//! in the queue.

use serde_json::json;

use super::{QUEUE, TRANSLATE};
use crate::support::TestApp;

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
