//! Who sees whom: the people privacy rule as a matrix of callers (e-mail
//! addresses, disabled people and API tokens included), and project member
//! lists under the same rule.

use sammen_entities::person;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use super::{edges, names, new_organisation, organisation_people, people};
use crate::support::{ADD_MEMBER, ADD_PARTICIPANT, REMOVE_MEMBER, TestApp, new_person, sign_in};

/// Someone the matrix asks about.
struct Target {
    name: &'static str,
    email: &'static str,
    organisation: String,
    id: String,
}

/// Asserts that `connection` lists exactly `expected` (in this order: the
/// folded-name order), counts them, names the right organisation, and shows
/// an e-mail address exactly for the names in `emails`.
fn assert_people(case: &str, connection: &Value, expected: &[&Target], emails: &[&str]) {
    let wanted: Vec<&str> = expected.iter().map(|t| t.name).collect();
    assert_eq!(names(connection), wanted, "{case}: {connection}");
    assert_eq!(connection["totalCount"], wanted.len(), "{case}: totalCount");
    assert_eq!(
        connection["pageInfo"]["hasNextPage"], false,
        "{case}: everything fits one page"
    );
    for (edge, target) in edges(connection).iter().zip(expected) {
        let node = &edge["node"];
        assert_eq!(node["id"], target.id.as_str(), "{case}: {} id", target.name);
        assert_eq!(
            node["organisation"]["id"],
            target.organisation.as_str(),
            "{case}: {} organisation",
            target.name
        );
        if emails.contains(&target.name) {
            assert_eq!(node["email"], target.email, "{case}: {} e-mail", target.name);
        } else {
            assert_eq!(
                node["email"],
                Value::Null,
                "{case}: {} e-mail leaked",
                target.name
            );
        }
    }
}

const A_COLLEAGUE: &str = "Zq Alpha Colleague";
const A_COORDINATOR: &str = "Zq Alpha Coordinator";
const A_DISABLED: &str = "Zq Alpha Disabled";
const B_COLLEAGUE: &str = "Zq Beta Colleague";
const B_DISABLED: &str = "Zq Beta Disabled";
const B_MEMBER: &str = "Zq Beta Member";
const C_COLLEAGUE: &str = "Zq Gamma Colleague";
const C_OUTSIDER: &str = "Zq Gamma Outsider";

#[tokio::test]
async fn the_people_privacy_rule_holds_as_a_matrix() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    // Alpha coordinates a project, Beta takes part in it, Gamma is in no project.
    let alpha = new_organisation(&app, &admin, "zq-alpha", "Zq Alpha", "NO").await;
    let beta = new_organisation(&app, &admin, "zq-beta", "Zq Beta", "DK").await;
    let gamma = new_organisation(&app, &admin, "zq-gamma", "Zq Gamma", "ZA").await;

    // In folded-name order, which is the order `people` lists them in.
    let mut targets = Vec::new();
    for (name, email, organisation) in [
        (A_COLLEAGUE, "alpha.colleague@zq.example", &alpha),
        (A_COORDINATOR, "alpha.coordinator@zq.example", &alpha),
        (A_DISABLED, "alpha.disabled@zq.example", &alpha),
        (B_COLLEAGUE, "beta.colleague@zq.example", &beta),
        (B_DISABLED, "beta.disabled@zq.example", &beta),
        (B_MEMBER, "beta.member@zq.example", &beta),
        (C_COLLEAGUE, "gamma.colleague@zq.example", &gamma),
        (C_OUTSIDER, "gamma.outsider@zq.example", &gamma),
    ] {
        let id = new_person(&app, &admin, organisation, name, email).await;
        targets.push(Target {
            name,
            email,
            organisation: organisation.clone(),
            id,
        });
    }
    let target = |name: &str| targets.iter().find(|t| t.name == name).expect("a target");

    // The project: Alpha's coordinator created it, Beta takes part, and
    // one Beta person is a member (a mere VIEWER: any role counts).
    let coordinator = sign_in(&app, target(A_COORDINATOR).email).await;
    let project = app
        .gql_as(
            &coordinator,
            "mutation { createProject(input: {code: \"ZQ-PEOPLE\", title: \"People matrix\", startsOn: \"2025-01-01\"}) { id } }",
            json!({}),
        )
        .await
        .ok()["createProject"]["id"]
        .clone();
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": project, "o": beta, "r": "PARTNER" }),
    )
    .await
    .ok();
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": project, "u": target(B_MEMBER).id, "r": "VIEWER" }),
    )
    .await
    .ok();

    // There is no mutation that disables a person: do it behind the API's back.
    let disabled: Vec<uuid::Uuid> = [A_DISABLED, B_DISABLED]
        .iter()
        .map(|n| uuid::Uuid::parse_str(&target(n).id).expect("uuid"))
        .collect();
    person::Entity::update_many()
        .col_expr(person::Column::Disabled, Expr::value(true))
        .filter(person::Column::Id.is_in(disabled))
        .exec(&app.db)
        .await
        .expect("disable");

    let alpha_colleague = sign_in(&app, target(A_COLLEAGUE).email).await;
    let beta_member = sign_in(&app, target(B_MEMBER).email).await;
    let outsider = sign_in(&app, target(C_OUTSIDER).email).await;
    let api_token = app
        .gql_as(
            &coordinator,
            "mutation { createApiToken(name: \"Directory sync\", scope: READ) { token } }",
            json!({}),
        )
        .await
        .ok()["createApiToken"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();

    let everyone: Vec<&str> = targets.iter().map(|t| t.name).collect();
    let alpha_people = vec![A_COLLEAGUE, A_COORDINATOR, A_DISABLED];
    let beta_people = vec![B_COLLEAGUE, B_DISABLED, B_MEMBER];
    let gamma_people = vec![C_COLLEAGUE, C_OUTSIDER];
    // (caller, token, people seen, e-mail addresses seen)
    #[allow(clippy::type_complexity)]
    let matrix: Vec<(&str, Option<&str>, Vec<&str>, Vec<&str>)> = vec![
        ("anonymous", None, vec![], vec![]),
        ("admin", Some(admin.as_str()), everyone.clone(), everyone.clone()),
        (
            // Their own organisation (the disabled colleague too) and the
            // enabled people of the project's other organisation.
            "project coordinator",
            Some(coordinator.as_str()),
            vec![A_COLLEAGUE, A_COORDINATOR, A_DISABLED, B_COLLEAGUE, B_MEMBER],
            alpha_people.clone(),
        ),
        (
            "same organisation, no project",
            Some(alpha_colleague.as_str()),
            alpha_people.clone(),
            alpha_people.clone(),
        ),
        (
            "project member from another organisation",
            Some(beta_member.as_str()),
            vec![A_COLLEAGUE, A_COORDINATOR, B_COLLEAGUE, B_DISABLED, B_MEMBER],
            beta_people.clone(),
        ),
        (
            "outsider",
            Some(outsider.as_str()),
            gamma_people.clone(),
            gamma_people.clone(),
        ),
        (
            // Acts for Alpha only, though its creator coordinates a project.
            "API READ token of the coordinator's organisation",
            Some(api_token.as_str()),
            alpha_people.clone(),
            alpha_people.clone(),
        ),
    ];

    for (who, token, seen, emails) in &matrix {
        let expected: Vec<&Target> = targets.iter().filter(|t| seen.contains(&t.name)).collect();
        let listed = people(&app, *token, json!({ "first": 100, "filter": { "query": "zq" } })).await;
        assert_people(&format!("{who} × people"), &listed, &expected, emails);

        // Per organisation: the filter and `Organisation.people` agree.
        for (label, organisation) in [("alpha", &alpha), ("beta", &beta), ("gamma", &gamma)] {
            let in_organisation: Vec<&Target> = expected
                .iter()
                .copied()
                .filter(|t| &t.organisation == organisation)
                .collect();
            let filtered = people(
                &app,
                *token,
                json!({ "first": 100, "filter": { "organisationId": organisation } }),
            )
            .await;
            assert_people(
                &format!("{who} × people(organisationId: {label})"),
                &filtered,
                &in_organisation,
                emails,
            );
            let nested = organisation_people(&app, *token, json!({ "id": organisation, "first": 100 })).await;
            assert_people(
                &format!("{who} × {label}.people"),
                &nested,
                &in_organisation,
                emails,
            );
        }
    }

    // Once out of the project, the Beta member sees their own organisation only;
    // the coordinator still sees Beta, which still takes part.
    app.gql_as(
        &coordinator,
        REMOVE_MEMBER,
        json!({ "p": project, "u": target(B_MEMBER).id }),
    )
    .await
    .ok();
    let after = people(
        &app,
        Some(beta_member.as_str()),
        json!({ "first": 100, "filter": { "query": "zq" } }),
    )
    .await;
    let beta_only: Vec<&Target> = beta_people.iter().map(|n| target(n)).collect();
    assert_people("removed member", &after, &beta_only, &beta_people);
    let alpha_for_beta = organisation_people(
        &app,
        Some(beta_member.as_str()),
        json!({ "id": alpha, "first": 100 }),
    )
    .await;
    assert_people("removed member × alpha.people", &alpha_for_beta, &[], &[]);
    let still = people(
        &app,
        Some(coordinator.as_str()),
        json!({ "first": 100, "filter": { "organisationId": beta } }),
    )
    .await;
    assert_eq!(
        names(&still),
        [B_COLLEAGUE, B_MEMBER],
        "the coordinator still sees the participant's people"
    );
}

/// A project's member list is no way round the rule: outsiders reading a
/// PUBLIC project see its members' roles, not who they are.
#[tokio::test]
async fn project_members_are_people_under_the_same_rule() {
    let app = TestApp::spawn().await;
    let query = r#"{ projects(first: 50) { edges { node { code visibility members { role user { displayName } } } } } }"#;
    let members_of = |reply: &crate::support::Reply, code: &str| -> Vec<Value> {
        reply.ok()["projects"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| &e["node"])
            .find(|n| n["code"] == code)
            .map(|n| n["members"].as_array().expect("members").clone())
            .unwrap_or_default()
    };
    let anonymous = app.gql(query, json!({})).await;
    let espsw = members_of(&anonymous, "ESPSW-2019");
    assert!(!espsw.is_empty(), "the demo's public project is readable");
    assert!(
        espsw.iter().all(|m| m["user"].is_null()),
        "anonymous callers see nobody: {espsw:?}"
    );
    let coordinator = app.login("coordinator@example.org").await;
    let inside = app.gql_as(&coordinator, query, json!({})).await;
    assert!(
        members_of(&inside, "ESPSW-2019")
            .iter()
            .any(|m| m["user"]["displayName"] == "Kari Koordinator")
    );
}
