//! Unique values under parallel writers: of twenty identical creations sent
//! at once, exactly one wins and every other is the same field error a
//! sequential duplicate gets (the unique index decides, through
//! `db::on_unique`), never INTERNAL, on both engines.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::support::{ADD_MEMBER, ADD_PARTICIPANT, Reply, TestApp, create_project, new_person};

const TIMES: usize = 20;

/// Sends `query` with `variables` TIMES at once as `token`; the replies.
async fn at_once(app: &TestApp, token: &str, query: &str, variables: Value) -> Vec<Reply> {
    join_all((0..TIMES).map(|_| app.gql_as(token, query, variables.clone()))).await
}

/// Exactly one success; the rest BAD_USER_INPUT naming `field`.
fn one_wins(replies: &[Reply], field: &str, what: &str) {
    let won = replies
        .iter()
        .filter(|r| r.status.is_success() && r.body.get("errors").is_none())
        .count();
    assert_eq!(won, 1, "{what}: exactly one wins");
    for reply in replies.iter().filter(|r| r.body.get("errors").is_some()) {
        assert_eq!(reply.code(), "BAD_USER_INPUT", "{what}: {}", reply.body);
        assert_eq!(reply.field(), field, "{what}: {}", reply.body);
        assert!(reply.status.as_u16() < 500, "{what}: {}", reply.status);
    }
}

#[tokio::test]
async fn parallel_duplicates_get_one_winner_and_field_errors() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let coordinator = app.login("coordinator@example.org").await;

    let organisations = at_once(
        &app,
        &admin,
        "mutation { createOrganisation(input: {slug: \"twin-org\", name: \"Twin\", country: \"DK\", kind: NGO}) { id } }",
        json!({}),
    )
    .await;
    one_wins(&organisations, "slug", "organisation slug");

    let people = at_once(
        &app,
        &admin,
        "mutation { createUser(input: {email: \"twin@example.org\", displayName: \"Twin\", password: \"long-enough-pw\"}) { id } }",
        json!({}),
    )
    .await;
    one_wins(&people, "email", "person e-mail");

    let projects = at_once(
        &app,
        &coordinator,
        "mutation { createProject(input: {code: \"TWIN-1\", title: \"Twin\", startsOn: \"2027-01-01\", visibility: NETWORK}) { id } }",
        json!({}),
    )
    .await;
    one_wins(&projects, "code", "project code");

    let project = create_project(&app, &coordinator, "TWIN-2").await;
    let danish = app.organisation_id("peer-netvaerket-danmark").await;
    let participants = at_once(
        &app,
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": project, "o": danish, "r": "PARTNER" }),
    )
    .await;
    one_wins(&participants, "organisationId", "project participant");

    let person = new_person(&app, &admin, &danish, "Tvilling", "tvilling@dk.example").await;
    let members = at_once(
        &app,
        &coordinator,
        ADD_MEMBER,
        json!({ "p": project, "u": person, "r": "CONTRIBUTOR" }),
    )
    .await;
    one_wins(&members, "userId", "project member");

    let deliverables = at_once(
        &app,
        &coordinator,
        "mutation($p: ID!) { createDeliverable(input: {projectId: $p, code: \"D1\", title: \"Twin\"}) { id } }",
        json!({ "p": project }),
    )
    .await;
    one_wins(&deliverables, "code", "deliverable code");
}
