//! The access matrix: for every visibility, caller and operation (list,
//! get, download, upload, edit, share), the answer the rules give.

use sammen_entities::document_share;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use super::{SHARE, create};
use crate::support::{PDF, TestApp, UPLOAD};

/// Everyone the matrix asks about.
struct Callers {
    owner: String,
    view_grant: String,
    expired_grant: String,
    edit_grant: String,
    network_active: String,
    network_agreement: String,
    prospect: String,
    admin: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Yes,
    /// Readable but not allowed: FORBIDDEN.
    Forbidden,
    /// Not readable: NOT_FOUND.
    Hidden,
    /// Anonymous and readable: UNAUTHENTICATED.
    SignIn,
}

use Outcome::*;

#[tokio::test]
async fn the_access_matrix_holds_for_every_visibility_caller_and_operation() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let prospect_org = app
        .gql_as(
            &admin,
            "mutation { createOrganisation(input: {slug: \"prospect-x\", name: \"Prospect X\", country: \"NL\", kind: NGO}) { id } }",
            json!({}),
        )
        .await
        .ok()["createOrganisation"]["id"]
        .clone();
    assert!(prospect_org.is_string());
    let callers = Callers {
        owner: app.login("coordinator@example.org").await,
        view_grant: app
            .member_of("cape-peer-recovery-forum", "view@cape.example")
            .await,
        expired_grant: app
            .member_of("platform-ervaringsdeskundigen", "expired@nl.example")
            .await,
        edit_grant: app.member_of("ubuntu-peer-workers", "edit@ubuntu.example").await,
        network_active: app.login("partner@example.org").await,
        network_agreement: app.member_of("peer-netvaerket-danmark", "dk@dk.example").await,
        prospect: app.member_of("prospect-x", "p@prospect.example").await,
        admin,
    };

    // One document per visibility, owned by the hub, each with a file.
    let visibilities = ["PRIVATE", "PARTNERS", "NETWORK", "PUBLIC"];
    let mut docs = Vec::new();
    for visibility in visibilities {
        let doc = create(
            &app,
            &callers.owner,
            json!({ "kind": "REPORT", "title": format!("Matrix {visibility}"), "topics": ["matrix"], "visibility": visibility }),
        )
        .await;
        let id = doc["id"].as_str().expect("id").to_owned();
        let version = app
            .upload(
                Some(&callers.owner),
                UPLOAD,
                json!({ "doc": id, "file": null }),
                "m.pdf",
                "application/pdf",
                PDF,
            )
            .await;
        let version_id = version.ok()["uploadDocumentVersion"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        if visibility != "PRIVATE" {
            for (slug, permission) in [
                ("cape-peer-recovery-forum", "VIEW"),
                ("platform-ervaringsdeskundigen", "VIEW"),
                ("ubuntu-peer-workers", "EDIT"),
            ] {
                let org = app.organisation_id(slug).await;
                app.gql_as(
                    &callers.owner,
                    SHARE,
                    json!({ "doc": id, "org": org, "p": permission }),
                )
                .await
                .ok();
            }
        }
        docs.push((visibility, id, version_id));
    }
    // The Dutch grants expired a minute ago.
    let nl =
        uuid::Uuid::parse_str(&app.organisation_id("platform-ervaringsdeskundigen").await).expect("uuid");
    document_share::Entity::update_many()
        .col_expr(
            document_share::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(document_share::Column::OrganisationId.eq(nl))
        .exec(&app.db)
        .await
        .expect("expire");

    // read: PRIVATE, PARTNERS, NETWORK, PUBLIC
    let read = |who: &str| -> [bool; 4] {
        match who {
            "anonymous" => [false, false, false, true],
            "owner" | "admin" => [true, true, true, true],
            "view grant" | "edit grant" => [false, true, true, true],
            "expired grant" | "prospect" => [false, false, false, true],
            "network active" | "network agreement" => [false, false, true, true],
            other => unreachable!("{other}"),
        }
    };
    // write (metadata, versions): owners and admins; EDIT grants where the grant counts.
    let write = |who: &str| -> [Outcome; 4] {
        match who {
            "anonymous" => [Hidden, Hidden, Hidden, SignIn],
            "owner" | "admin" => [Yes, Yes, Yes, Yes],
            "edit grant" => [Hidden, Yes, Yes, Yes],
            "view grant" => [Hidden, Forbidden, Forbidden, Forbidden],
            "expired grant" | "prospect" => [Hidden, Hidden, Hidden, Forbidden],
            "network active" | "network agreement" => [Hidden, Hidden, Forbidden, Forbidden],
            other => unreachable!("{other}"),
        }
    };
    // share: owners and admins only.
    let share = |who: &str| -> [Outcome; 4] {
        let w = write(who);
        match who {
            "owner" | "admin" => [Yes, Yes, Yes, Yes],
            _ => w.map(|o| if o == Yes { Forbidden } else { o }),
        }
    };

    // Sharing in the matrix goes to an organisation none of the callers belongs to.
    let kbt = app.organisation_id("kbt").await;
    let list_query =
        "{ documents(first: 100, filter: {topic: \"matrix\"}) { totalCount edges { node { title } } } }";
    let everyone: [(&str, Option<&str>); 9] = [
        ("anonymous", None),
        ("owner", Some(&callers.owner)),
        ("view grant", Some(&callers.view_grant)),
        ("expired grant", Some(&callers.expired_grant)),
        ("edit grant", Some(&callers.edit_grant)),
        ("network active", Some(&callers.network_active)),
        ("network agreement", Some(&callers.network_agreement)),
        ("prospect", Some(&callers.prospect)),
        ("admin", Some(&callers.admin)),
    ];
    for (who, token) in everyone {
        let may_read = read(who);
        // list, with a count that agrees
        let listed = app.gql_with(token, None, list_query, json!({})).await;
        let data = listed.ok();
        let titles: Vec<&str> = data["documents"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["title"].as_str().expect("title"))
            .collect();
        let expected: Vec<String> = visibilities
            .iter()
            .zip(may_read)
            .filter(|(_, ok)| *ok)
            .map(|(v, _)| format!("Matrix {v}"))
            .collect();
        let mut sorted = titles.clone();
        sorted.sort();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        assert_eq!(sorted, expected_sorted, "{who} lists");
        assert_eq!(data["documents"]["totalCount"], expected.len(), "{who} counts");

        for (i, (visibility, id, version_id)) in docs.iter().enumerate() {
            let case = format!("{who} × {visibility}");
            // get
            let got = app
                .gql_with(
                    token,
                    None,
                    "query($id: ID!) { document(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            if may_read[i] {
                got.ok();
            } else {
                got.expect_error("NOT_FOUND");
            }
            // download
            let file = app.download(token, version_id).await;
            assert_eq!(
                file.status().as_u16(),
                if may_read[i] { 200 } else { 404 },
                "{case} download"
            );
            if may_read[i] {
                assert_eq!(file.bytes().await.expect("bytes").as_ref(), PDF, "{case} bytes");
            }
            // upload a version
            let uploaded = app
                .upload(
                    token,
                    UPLOAD,
                    json!({ "doc": id, "file": null }),
                    "n.pdf",
                    "application/pdf",
                    PDF,
                )
                .await;
            if token.is_none() {
                // Anonymous uploads are refused before their body is read,
                // whatever they aim at.
                check(&uploaded, SignIn, &format!("{case} upload"));
            } else {
                check(&uploaded, write(who)[i], &format!("{case} upload"));
            }
            // edit metadata, based on the current version
            let version = app
                .gql_as(
                    &callers.admin,
                    "query($id: ID!) { document(id: $id) { version } }",
                    json!({ "id": id }),
                )
                .await
                .ok()["document"]["version"]
                .clone();
            let edited = app
                .gql_with(
                    token,
                    None,
                    "mutation($id: ID!, $v: Int!) { updateDocument(input: {id: $id, expectedVersion: $v, authors: [\"X\"]}) { version } }",
                    json!({ "id": id, "v": version }),
                )
                .await;
            check(&edited, write(who)[i], &format!("{case} edit"));
            // share
            let shared = app
                .gql_with(token, None, SHARE, json!({ "doc": id, "org": kbt, "p": "VIEW" }))
                .await;
            let expected = share(who)[i];
            if expected == Yes && *visibility == "PRIVATE" {
                // Sharing a PRIVATE document is refused for everyone.
                assert_eq!(shared.code(), "BAD_USER_INPUT", "{case} share: {}", shared.body);
                continue;
            }
            check(&shared, expected, &format!("{case} share"));
        }
    }
}

fn check(reply: &crate::support::Reply, expected: Outcome, case: &str) {
    assert!(!reply.status.is_server_error(), "{case}: {}", reply.body);
    match expected {
        Yes => assert!(reply.body.get("errors").is_none(), "{case}: {}", reply.body),
        Forbidden => assert_eq!(reply.code(), "FORBIDDEN", "{case}: {}", reply.body),
        Hidden => assert_eq!(reply.code(), "NOT_FOUND", "{case}: {}", reply.body),
        SignIn => assert_eq!(reply.code(), "UNAUTHENTICATED", "{case}: {}", reply.body),
    }
}
