//! Documents: the access matrix (visibility × caller × operation), uploads
//! and downloads, sharing, translations and bad input.

use sammen_entities::{document_share, document_version};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::support::TestApp;

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

const CREATE: &str = r#"mutation($input: CreateDocumentInput!) {
  createDocument(input: $input) { id version visibility title originalLocale license }
}"#;

pub const UPLOAD: &str = r#"mutation($doc: ID!, $file: Upload!, $note: String) {
  uploadDocumentVersion(documentId: $doc, file: $file, changeNote: $note) {
    id number filename mediaType size sha256 downloadUrl changeNote
  }
}"#;

const SHARE: &str = r#"mutation($doc: ID!, $org: ID!, $p: SharePermission!, $until: DateTime) {
  shareDocument(documentId: $doc, organisationId: $org, permission: $p, expiresAt: $until) { permission expired }
}"#;

async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    app.gql_as(token, CREATE, json!({ "input": input })).await.ok()["createDocument"].clone()
}

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

#[tokio::test]
async fn an_upload_is_stored_sniffed_hashed_and_served_back() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "REPORT", "title": "Årsrapport", "originalLocale": "nb", "license": "CC-BY-NC-SA-4.0", "visibility": "PUBLIC" }),
    )
    .await;
    assert_eq!(doc["originalLocale"], "nb-NO");
    assert_eq!(doc["license"], "CC-BY-NC-SA-4.0");
    let id = doc["id"].as_str().expect("id");
    let first = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": id, "file": null, "note": "Første utkast" }),
            "Årsrapport 2024.pdf",
            "application/octet-stream",
            PDF,
        )
        .await;
    let v1 = first.ok()["uploadDocumentVersion"].clone();
    assert_eq!(v1["number"], 1);
    assert_eq!(v1["mediaType"], "application/pdf", "sniffed from the bytes");
    assert_eq!(v1["filename"], "Årsrapport 2024.pdf");
    assert_eq!(v1["size"], PDF.len());
    assert_eq!(v1["changeNote"], "Første utkast");
    let second = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": id, "file": null }),
            "notes.md",
            "text/markdown",
            "# Notater\n".as_bytes(),
        )
        .await;
    assert_eq!(second.ok()["uploadDocumentVersion"]["number"], 2);
    assert_eq!(second.ok()["uploadDocumentVersion"]["mediaType"], "text/plain");

    let reply = app
        .gql(
            "query($id: ID!) { document(id: $id) { currentVersion { number } versions { number } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(reply.ok()["document"]["currentVersion"]["number"], 2);
    assert_eq!(
        reply.ok()["document"]["versions"],
        json!([{ "number": 2 }, { "number": 1 }])
    );

    let response = app.download(None, v1["id"].as_str().expect("id")).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-length"], PDF.len().to_string().as_str());
    assert_eq!(
        headers["etag"],
        format!("\"{}\"", v1["sha256"].as_str().expect("sha")).as_str()
    );
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%C3%85rsrapport%202024.pdf"),
        "{disposition}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.expect("bytes").as_ref(), PDF);

    let again = app
        .client
        .get(app.url(&format!("/files/{}", v1["id"].as_str().expect("id"))))
        .header("If-None-Match", headers["etag"].clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 304);
    assert_eq!(app.download(None, "not-a-uuid").await.status(), 404);
    assert_eq!(
        app.download(None, &uuid::Uuid::now_v7().to_string())
            .await
            .status(),
        404
    );
}

async fn stored_versions(app: &TestApp) -> u64 {
    document_version::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

fn stored_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.config.global.storage_dir)
}

#[tokio::test]
async fn bad_uploads_store_neither_a_row_nor_a_file() {
    let app = TestApp::spawn_with(|c| c.serve.max_upload_bytes = 4096).await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create(&app, &owner, json!({ "kind": "REPORT", "title": "Uploads" })).await;
    let id = doc["id"].as_str().expect("id");
    let rows = stored_versions(&app).await;
    let files = stored_files(&app);

    for (filename, content_type, bytes, code, message_start) in [
        (
            "../../etc/passwd",
            "text/plain",
            b"x".to_vec(),
            "BAD_USER_INPUT",
            "Filnavnet er ikke tillatt",
        ),
        (
            "..\\..\\boot.ini",
            "text/plain",
            b"x".to_vec(),
            "BAD_USER_INPUT",
            "Filnavnet er ikke tillatt",
        ),
        (
            ".htaccess",
            "text/plain",
            b"x".to_vec(),
            "BAD_USER_INPUT",
            "Filnavnet er ikke tillatt",
        ),
        (
            "empty.pdf",
            "application/pdf",
            Vec::new(),
            "BAD_USER_INPUT",
            "Filen er tom",
        ),
        (
            "big.pdf",
            "application/pdf",
            vec![b'a'; 5000],
            "PAYLOAD_TOO_LARGE",
            "Forespørselen er for stor",
        ),
        (
            "lie.pdf",
            "application/pdf",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "BAD_USER_INPUT",
            "Filen ble oppgitt som application/pdf, men innholdet er image/png",
        ),
    ] {
        let reply = app
            .upload_with(
                Some(&owner),
                Some("nb-NO"),
                UPLOAD,
                json!({ "doc": id, "file": null }),
                filename,
                content_type,
                &bytes,
            )
            .await;
        reply.expect_error(code);
        assert!(
            reply.message().starts_with(message_start),
            "{filename}: {}",
            reply.message()
        );
    }
    assert_eq!(stored_versions(&app).await, rows, "a refused upload left a row");
    assert_eq!(stored_files(&app), files, "a refused upload left a file");
}

#[tokio::test]
async fn bad_metadata_is_a_field_error_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let before = sammen_entities::document::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    for (patch, field) in [
        (json!({ "license": "Do-What-I-Say-1.0" }), "license"),
        (json!({ "originalLocale": "xx-YY" }), "originalLocale"),
        (json!({ "originalLocale": "not a locale" }), "originalLocale"),
        (json!({ "contentLanguage": "!!" }), "contentLanguage"),
        (json!({ "title": "" }), "title"),
    ] {
        let mut input = json!({ "kind": "REPORT", "title": "T" });
        for (k, v) in patch.as_object().expect("object") {
            input[k] = v.clone();
        }
        let reply = app
            .gql_with(Some(&owner), Some("nb-NO"), CREATE, json!({ "input": input }))
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    let license = app
        .gql_with(
            Some(&owner),
            Some("nb-NO"),
            CREATE,
            json!({ "input": { "kind": "REPORT", "title": "T", "license": "Do-What-I-Say-1.0" } }),
        )
        .await;
    assert_eq!(
        license.message(),
        "«Do-What-I-Say-1.0» er ikke en SPDX-lisens-ID som CC-BY-NC-SA-4.0 eller MIT."
    );
    let after = sammen_entities::document::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(before, after);
}

#[tokio::test]
async fn sharing_rules_are_enforced_and_grants_can_be_withdrawn() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "REPORT", "title": "Shared", "visibility": "PARTNERS" }),
    )
    .await;
    let id = doc["id"].as_str().expect("id");
    let hub = app.organisation_id("erfaringssentrum").await;
    let us = app.organisation_id("new-england-peer-alliance").await;
    let get = "query($id: ID!) { document(id: $id) { title shares { permission organisation { slug } } viewerCanEdit } }";

    app.gql_as(&partner, get, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    app.gql_as(&owner, SHARE, json!({ "doc": id, "org": hub, "p": "VIEW" }))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &owner,
        SHARE,
        json!({ "doc": id, "org": us, "p": "VIEW", "until": "2001-01-01T00:00:00Z" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    app.gql_as(&owner, SHARE, json!({ "doc": id, "org": us, "p": "VIEW" }))
        .await
        .ok();

    let seen = app.gql_as(&partner, get, json!({ "id": id })).await;
    assert_eq!(seen.ok()["document"]["title"], "Shared");
    assert_eq!(
        seen.ok()["document"]["shares"],
        json!([]),
        "grantees do not see the grant list"
    );
    assert_eq!(seen.ok()["document"]["viewerCanEdit"], false);
    let shared_with_me = app
        .gql_as(
            &partner,
            "{ documents(filter: {sharedWithMe: true}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(shared_with_me.ok()["documents"]["totalCount"], 1);
    let owner_view = app.gql_as(&owner, get, json!({ "id": id })).await;
    assert_eq!(
        owner_view.ok()["document"]["shares"],
        json!([{ "permission": "VIEW", "organisation": { "slug": "new-england-peer-alliance" } }])
    );

    let unshare =
        "mutation($doc: ID!, $org: ID!) { unshareDocument(documentId: $doc, organisationId: $org) }";
    assert_eq!(
        app.gql_as(&owner, unshare, json!({ "doc": id, "org": us }))
            .await
            .ok()["unshareDocument"],
        true
    );
    app.gql_as(&partner, get, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");

    let private = create(&app, &owner, json!({ "kind": "REPORT", "title": "Private" })).await;
    let reply = app
        .gql_with(
            Some(&owner),
            Some("nb-NO"),
            SHARE,
            json!({ "doc": private["id"], "org": us, "p": "VIEW" }),
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
    assert!(
        reply.message().starts_with("Private dokumenter kan ikke deles"),
        "{}",
        reply.message()
    );
}

#[tokio::test]
async fn translations_follow_the_readers_language_and_go_stale() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let translator = app.login("translator@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "ETHICS", "title": "Ethics in peer work", "summary": "Draft.", "visibility": "PUBLIC" }),
    )
    .await;
    let id = doc["id"].as_str().expect("id");
    let translate = "mutation($id: ID!, $l: String!, $t: String!, $s: String!) { translateDocument(id: $id, locale: $l, title: $t, summary: $s) { id } }";
    app.gql_as(
        &owner,
        translate,
        json!({ "id": id, "l": "nb-NO", "t": "Etikk", "s": "Utkast." }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(
        &translator,
        translate,
        json!({ "id": id, "l": "en-US", "t": "X", "s": "Y" }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(
        &translator,
        translate,
        json!({ "id": id, "l": "xx-YY", "t": "X", "s": "Y" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &translator,
        translate,
        json!({ "id": id, "l": "nb", "t": "Etikk i likepersonsarbeid", "s": "Utkast." }),
    )
    .await
    .ok();

    let read = "query($id: ID!) { document(id: $id) { title resolvedLocale translations { locale outdated status } } }";
    let nb = app.gql_with(None, Some("nb-NO"), read, json!({ "id": id })).await;
    assert_eq!(nb.ok()["document"]["title"], "Etikk i likepersonsarbeid");
    assert_eq!(nb.ok()["document"]["resolvedLocale"], "nb-NO");
    assert_eq!(
        nb.ok()["document"]["translations"],
        json!([{ "locale": "nb-NO", "outdated": false, "status": "DRAFT" }])
    );
    let en = app.gql_with(None, Some("en"), read, json!({ "id": id })).await;
    assert_eq!(en.ok()["document"]["title"], "Ethics in peer work");

    app.gql_as(
        &owner,
        "mutation($id: ID!) { updateDocument(input: {id: $id, expectedVersion: 1, summary: \"Second draft.\"}) { version } }",
        json!({ "id": id }),
    )
    .await
    .ok();
    let stale = app.gql_with(None, Some("nb-NO"), read, json!({ "id": id })).await;
    assert_eq!(stale.ok()["document"]["translations"][0]["outdated"], true);
}

#[tokio::test]
async fn the_demo_documents_are_there_with_their_files() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql_with(
            None,
            Some("nb-NO"),
            "{ documents(first: 50, filter: {query: \"EQF\"}) { totalCount edges { node { title license currentVersion { mediaType downloadUrl } owner { slug } } } } }",
            json!({}),
        )
        .await;
    let data = reply.ok();
    assert_eq!(data["documents"]["totalCount"], 1);
    let guide = &data["documents"]["edges"][0]["node"];
    assert!(
        guide["title"]
            .as_str()
            .expect("title")
            .starts_with("Veileder for nasjonal innføring")
    );
    assert_eq!(guide["license"], "CC-BY-NC-SA-4.0");
    assert_eq!(guide["owner"]["slug"], "sorlandet-sykehus");
    assert_eq!(guide["currentVersion"]["mediaType"], "application/pdf");
    let url = guide["currentVersion"]["downloadUrl"].as_str().expect("url");
    let file = app.client.get(app.url(url)).send().await.expect("sent");
    assert_eq!(file.status(), 200);
    assert!(file.bytes().await.expect("bytes").starts_with(b"%PDF-1.4"));

    let anonymous = app.gql("{ documents { totalCount } }", json!({})).await;
    assert_eq!(
        anonymous.ok()["documents"]["totalCount"],
        2,
        "only the PUBLIC demo documents"
    );
}

#[tokio::test]
async fn files_can_live_in_an_object_store_named_by_url() {
    let app = TestApp::spawn_with(|c| c.global.storage_url = Some("memory://".into())).await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "REPORT", "title": "In memory", "visibility": "PUBLIC" }),
    )
    .await;
    let reply = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": doc["id"], "file": null }),
            "m.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    let id = reply.ok()["uploadDocumentVersion"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let file = app.download(None, &id).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), PDF);
    assert_eq!(stored_files(&app), 0, "nothing was written to the folder");
}

#[tokio::test]
async fn documents_page_by_title_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let query = "query($after: String) { documents(first: 2, orderBy: TITLE, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }";
    let mut after: Option<String> = None;
    let mut titles = Vec::new();
    for _ in 0..10 {
        let reply = app.gql_as(&admin, query, json!({ "after": after })).await;
        let data = reply.ok()["documents"].clone();
        assert_eq!(data["totalCount"], 5, "the demo documents");
        for edge in data["edges"].as_array().expect("edges") {
            titles.push(edge["node"]["title"].as_str().expect("title").to_owned());
        }
        if data["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(titles.len(), 5, "{titles:?}");
    let mut sorted = titles.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 5, "a title repeated: {titles:?}");
    // A cursor from the newest-first order is refused under TITLE.
    let newest = app
        .gql_as(
            &admin,
            "{ documents(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = newest.ok()["documents"]["pageInfo"]["endCursor"].clone();
    app.gql_as(&admin, query, json!({ "after": cursor }))
        .await
        .expect_error("BAD_USER_INPUT");
}
