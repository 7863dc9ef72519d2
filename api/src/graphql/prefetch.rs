//! Loading a page's children level by level. A list resolver that has its
//! page looks ahead at what the query selects of each item and loads every
//! selected child list of the whole page in one statement per level, into
//! the request's loaders, before the items resolve; each item's resolver
//! then finds its own answer in the loader's cache.
//!
//! Left to DataLoader's batching window alone, a level is one statement
//! only when every item asks within the window: on a busy machine the
//! executor is slow to poll them all and the level splits into many
//! statements, each a new `IN (…)` text to prepare. Loaded here, the
//! statements of a nested page are the same at any load. What is not
//! loaded here (a field the look-ahead does not cover) still goes through
//! the loaders' batching as before.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use async_graphql::Lookahead;
use async_graphql::dataloader::Loader;
use sammen_entities::{document, organisation, project, project_participant, training_material};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationDef,
};
use uuid::Uuid;

use super::RequestState;
use super::loaders::{Cached, LoadError};
use crate::auth::policy;
use crate::error::ApiResult;
use crate::l10n::content::original_first;

/// The items of a connection: `edges { node }` and `nodes` together.
pub fn connection_nodes<'a>(list: &Lookahead<'a>) -> Option<Lookahead<'a>> {
    merged(&[list.field("edges").field("node"), list.field("nodes")])
}

/// One selection of several (none when none of them selects anything).
fn merged<'a>(parts: &[Lookahead<'a>]) -> Option<Lookahead<'a>> {
    let fields: Vec<_> = parts.iter().flat_map(Lookahead::selection_fields).collect();
    Lookahead::try_from(fields.as_slice()).ok()
}

fn any(node: &Lookahead<'_>, names: &[&str]) -> bool {
    names.iter().any(|name| node.field(name).exists())
}

fn distinct(mut keys: Vec<Uuid>) -> Vec<Uuid> {
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Runs `work` only when `wanted`.
async fn when<T: Default>(wanted: bool, work: impl Future<Output = ApiResult<T>>) -> ApiResult<T> {
    if wanted { work.await } else { Ok(T::default()) }
}

/// Loads the child lists of `keys` in one statement and keeps them in
/// `loader` (an empty list for a key without children); answers the
/// children, for the level below.
async fn lists<T, M>(loader: &Cached<T>, keys: Vec<Uuid>) -> ApiResult<Vec<M>>
where
    T: Loader<Uuid, Value = Vec<M>, Error = LoadError>,
    M: Clone + Send + Sync + 'static,
{
    let keys = distinct(keys);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = loader.loader().load(&keys).await?;
    for key in &keys {
        found.entry(*key).or_default();
    }
    let children = found.values().flatten().cloned().collect();
    loader.feed_many(found).await;
    Ok(children)
}

/// Loads the rows of `keys` in one statement and keeps them in `loader`.
async fn rows<T, M>(loader: &Cached<T>, keys: Vec<Uuid>) -> ApiResult<HashMap<Uuid, M>>
where
    T: Loader<Uuid, Value = M, Error = LoadError>,
    M: Clone + Send + Sync + 'static,
{
    let keys = distinct(keys);
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let found = loader.loader().load(&keys).await?;
    loader.feed_many(found.clone()).await;
    Ok(found)
}

/// The ids of the items whose translations the selection needs: all of
/// them for the translations themselves, else those a reader of this chain
/// may be shown a translation of.
fn to_translate<'m>(
    state: &RequestState,
    node: &Lookahead<'_>,
    resolved: &[&str],
    items: impl Iterator<Item = (Uuid, &'m str)>,
) -> Vec<Uuid> {
    if any(node, &["translations", "translation", "availableLocales"]) {
        return items.map(|(id, _)| id).collect();
    }
    if !any(node, resolved) {
        return Vec::new();
    }
    items
        .filter(|(_, original)| !original_first(&state.chain, original))
        .map(|(id, _)| id)
        .collect()
}

/// Whether there is a page and the loaders keep answers in this operation
/// (not in mutations and subscriptions, see [`super::loaders::Loaders::new`]).
fn keeping(state: &RequestState, page_len: usize) -> bool {
    state.loaders.keeping() && page_len > 0
}

/// Organisations: their translated descriptions.
pub async fn organisations(
    state: &RequestState,
    page: &[&organisation::Model],
    node: &Lookahead<'_>,
) -> ApiResult<()> {
    if !keeping(state, page.len()) {
        return Ok(());
    }
    let translate = to_translate(
        state,
        node,
        &["description", "resolvedLocale"],
        page.iter().map(|o| (o.id, o.original_locale.as_str())),
    );
    lists(&state.loaders.organisation_translations, translate).await?;
    Ok(())
}

/// Projects: participants and their organisations, members and their
/// people, deliverables and their titles, milestones, translations.
pub async fn projects(state: &RequestState, page: &[&project::Model], node: &Lookahead<'_>) -> ApiResult<()> {
    if !keeping(state, page.len()) {
        return Ok(());
    }
    let loaders = &state.loaders;
    let ids: Vec<Uuid> = page.iter().map(|p| p.id).collect();
    let participants = node.field("participants");
    let members = node.field("members");
    let deliverables = node.field("deliverables");
    let participant_organisations = participants.field("organisation");
    let people = members.field("user").exists();
    let deliverable_titles = any(&deliverables, &["title", "resolvedLocale"]);
    let mut translate = to_translate(
        state,
        node,
        &["title", "summary", "resolvedLocale"],
        page.iter().map(|p| (p.id, p.original_locale.as_str())),
    );
    if !any(node, &["translations", "translation", "availableLocales"]) {
        translate.retain(|id| !loaders.decided_projects.has(*id));
    }
    let (participant_organisations_found, member_rows, deliverable_rows, _, _) = tokio::try_join!(
        when(
            participants.exists(),
            participants_of(state, ids.clone(), participant_organisations.exists())
        ),
        when(
            members.exists() || node.field("viewerRole").exists(),
            lists(&loaders.project_members, ids.clone())
        ),
        when(deliverables.exists(), lists(&loaders.deliverables, ids.clone())),
        when(
            node.field("milestones").exists(),
            lists(&loaders.milestones, ids.clone())
        ),
        lists(&loaders.project_translations, translate),
    )?;
    let responsible = deliverables.field("responsibleOrganisation");
    let mut organisation_ids: Vec<Uuid> = Vec::new();
    if responsible.exists() {
        organisation_ids.extend(
            deliverable_rows
                .iter()
                .filter_map(|d| d.responsible_organisation_id),
        );
    }
    let person_ids = if people {
        member_rows.iter().map(|m| m.person_id).collect()
    } else {
        Vec::new()
    };
    let translate_deliverables = deliverable_rows
        .iter()
        .filter(|d| deliverable_titles && !original_first(&state.chain, &d.original_locale))
        .map(|d| d.id)
        .collect();
    // (Participants' organisations came with the participants.)
    organisation_ids.retain(|id| !participant_organisations_found.iter().any(|o| o.id == *id));
    let (found, _, _) = tokio::try_join!(
        rows(&loaders.organisation, organisation_ids),
        rows(&loaders.person, person_ids),
        lists(&loaders.deliverable_translations, translate_deliverables),
    )?;
    let found: Vec<&organisation::Model> = found
        .values()
        .flatten()
        .chain(&participant_organisations_found)
        .collect();
    match merged(&[participant_organisations, responsible]) {
        Some(node) => organisations(state, &found, &node).await,
        None => Ok(()),
    }
}

/// Loads the participants of projects `keys` into their loader, and with
/// `organisations` their organisations (those the caller may see) in the
/// same statement into theirs; answers those organisations. Ordered as
/// [`super::loaders::ProjectParticipantsLoader`] orders them.
async fn participants_of(
    state: &RequestState,
    keys: Vec<Uuid>,
    organisations: bool,
) -> ApiResult<Vec<organisation::Model>> {
    let loaders = &state.loaders;
    if !organisations {
        lists(&loaders.project_participants, keys).await?;
        return Ok(Vec::new());
    }
    let keys = distinct(keys);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let visible = policy::organisation_read(&state.caller);
    let relation: RelationDef = project_participant::Entity::belongs_to(organisation::Entity)
        .from(project_participant::Column::OrganisationId)
        .to(organisation::Column::Id)
        .into();
    let select = project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.is_in(keys.iter().copied()))
        .order_by_asc(project_participant::Column::CreatedAt)
        .select_also(organisation::Entity)
        .join(
            JoinType::LeftJoin,
            relation.on_condition(move |_, _| visible.clone()),
        );
    let statement = state.db.get_database_backend().build(&select.into_query());
    let rows = state.db.query_all_raw(statement).await?;
    let mut by_project: HashMap<Uuid, Vec<project_participant::Model>> =
        keys.iter().map(|key| (*key, Vec::new())).collect();
    let mut referenced = Vec::with_capacity(rows.len());
    let mut found = Vec::new();
    // Each organisation is read from the first row that has it.
    let mut seen = HashSet::new();
    for row in &rows {
        let participant = project_participant::Model::from_query_result(row, "A_")?;
        referenced.push(participant.organisation_id);
        found.extend(super::pagination::joined::<organisation::Model>(
            row,
            "B_",
            "id",
            Some(&mut seen),
        )?);
        by_project
            .entry(participant.project_id)
            .or_default()
            .push(participant);
    }
    loaders.project_participants.feed_many(by_project).await;
    Ok(keep_organisations(&loaders.organisation, referenced, found).await)
}

/// Keeps in `loader` the organisations `found` of those `referenced`, and
/// that the caller may not see the others; answers those found, once each.
async fn keep_organisations(
    loader: &Cached<super::loaders::OrganisationLoader>,
    referenced: Vec<Uuid>,
    mut found: Vec<organisation::Model>,
) -> Vec<organisation::Model> {
    found.sort_unstable_by_key(|o| o.id);
    found.dedup_by_key(|o| o.id);
    let mut answers: HashMap<Uuid, Option<organisation::Model>> =
        referenced.into_iter().map(|id| (id, None)).collect();
    answers.extend(found.iter().map(|o| (o.id, Some(o.clone()))));
    loader.feed_many(answers).await;
    found
}

/// Documents: owners (unless `owners` holds them, read with the page),
/// versions, grants and translations.
pub async fn documents(
    state: &RequestState,
    page: &[&document::Model],
    node: &Lookahead<'_>,
    owners: Option<Vec<organisation::Model>>,
) -> ApiResult<()> {
    if !keeping(state, page.len()) {
        return Ok(());
    }
    let loaders = &state.loaders;
    let ids: Vec<Uuid> = page.iter().map(|d| d.id).collect();
    let owner = node.field("owner");
    let mut translate = to_translate(
        state,
        node,
        &["title", "summary", "resolvedLocale"],
        page.iter().map(|d| (d.id, d.original_locale.as_str())),
    );
    // Those whose deciding translation came with the page need no more,
    // unless the selection asks for every translation.
    if !any(node, &["translations", "translation", "availableLocales"]) {
        translate.retain(|id| !loaders.decided_documents.has(*id));
    }
    let (owners, _, _, _) = tokio::try_join!(
        referenced(
            &loaders.organisation,
            owner.exists(),
            owners,
            page.iter().map(|d| d.owner_organisation_id).collect()
        ),
        when(
            any(node, &["versions", "currentVersion"]),
            lists(&loaders.document_versions, ids.clone())
        ),
        when(
            any(node, &["shares", "viewerCanEdit"]),
            lists(&loaders.document_shares, ids.clone())
        ),
        lists(&loaders.document_translations, translate),
    )?;
    let owners: Vec<&organisation::Model> = owners.iter().collect();
    organisations(state, &owners, &owner).await
}

/// The organisations a page refers to, when `wanted`: those read with the
/// page (`joined`) kept in the loader, else loaded by `keys` in one statement.
async fn referenced(
    loader: &Cached<super::loaders::OrganisationLoader>,
    wanted: bool,
    joined: Option<Vec<organisation::Model>>,
    keys: Vec<Uuid>,
) -> ApiResult<Vec<organisation::Model>> {
    if !wanted {
        return Ok(Vec::new());
    }
    match joined {
        Some(found) => Ok(keep_organisations(loader, keys, found).await),
        None => Ok(rows(loader, keys).await?.into_values().flatten().collect()),
    }
}

/// Training materials: offerings with their programmes and translations,
/// providers (unless `providers` holds them, read with the page), translations.
pub async fn training(
    state: &RequestState,
    page: &[&training_material::Model],
    node: &Lookahead<'_>,
    providers: Option<Vec<organisation::Model>>,
) -> ApiResult<()> {
    if !keeping(state, page.len()) {
        return Ok(());
    }
    let loaders = &state.loaders;
    let ids: Vec<Uuid> = page.iter().map(|t| t.id).collect();
    let offerings = node.field("offerings");
    let provider = node.field("provider");
    let translate = to_translate(
        state,
        node,
        &[
            "title",
            "summary",
            "prerequisites",
            "learningOutcomes",
            "resolvedLocale",
        ],
        page.iter().map(|t| (t.id, t.original_locale.as_str())),
    );
    // An offering's venue and programme are translated with its
    // material; a translation is picked by its programme's titles.
    let originals: HashMap<Uuid, &str> = page.iter().map(|t| (t.id, t.original_locale.as_str())).collect();
    let translated = any(&offerings, &["venue", "programme", "resolvedLocale"]);
    let programme = offerings.field("programme").exists();
    let (offering_rows, providers, _) = tokio::try_join!(
        when(offerings.exists(), lists(&loaders.offerings, ids.clone())),
        referenced(
            &loaders.organisation,
            provider.exists(),
            providers,
            page.iter().map(|t| t.provider_organisation_id).collect()
        ),
        lists(&loaders.training_translations, translate),
    )?;
    let offering_ids: Vec<Uuid> = offering_rows
        .iter()
        .filter(|o| {
            let original = originals
                .get(&o.training_material_id)
                .copied()
                .unwrap_or_default();
            programme || (translated && !original_first(&state.chain, original))
        })
        .map(|o| o.id)
        .collect();
    tokio::try_join!(
        when(
            translated,
            lists(&loaders.offering_translations, offering_ids.clone())
        ),
        lists(&loaders.programme, offering_ids),
    )?;
    let providers: Vec<&organisation::Model> = providers.iter().collect();
    organisations(state, &providers, &provider).await
}
