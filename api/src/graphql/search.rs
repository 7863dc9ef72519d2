//! `search`: one box across everything the caller may read, ranked, with
//! highlights and facets (issue 15). The statements are in
//! `search::engine`; this file reads the arguments, loads the nodes and
//! makes the snippets.

use std::collections::HashMap;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};
use sammen_entities::{document, organisation, person, project, search_doc, training_material};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::document::Document;
use super::organisation::Organisation;
use super::pagination::{self, Cursor, Page};
use super::person::User;
use super::project::Project;
use super::training::TrainingMaterial;
use super::{RequestState, parse_id};
use crate::auth::policy;
use crate::domain::{Audience, CountryCode, DocumentKind, LocaleTag, OrganisationKind, SpdxId, TrainingKind};
use crate::error::{ApiError, ApiResult};
use crate::search::engine::{self, Facets, Filter, Hit};
use crate::search::highlight::Marker;
use crate::search::index::{ItemType, weight};
use crate::search::query::Query;
use crate::search::text::Lang;

/// Values a filter list may hold.
const MAX_FILTER_VALUES: usize = 20;

/// Narrows `search`. Every given field must match; a list matches any of its values.
#[derive(InputObject, Default, Debug)]
pub struct SearchFilter {
    pub types: Option<Vec<ItemType>>,
    /// Languages of the text that matched (BCP 47); `en` also matches `en-US`.
    pub languages: Option<Vec<String>>,
    /// Countries (ISO 3166-1 alpha-2) of the owner, provider, participants
    /// or the organisation itself.
    pub countries: Option<Vec<String>>,
    /// The owner, provider or participant, the organisation itself, or a
    /// person's organisation.
    pub organisation_id: Option<ID>,
    /// EQF levels 1–8 (training materials).
    pub eqf_levels: Option<Vec<i32>>,
    /// Target audiences (training materials).
    pub audiences: Option<Vec<Audience>>,
    /// SPDX license ids (documents and training materials).
    pub licenses: Option<Vec<String>>,
    /// Kinds by name: a `DocumentKind`, `TrainingKind` or `OrganisationKind`.
    pub kinds: Option<Vec<String>>,
    /// Only items changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
}

/// A list's values, each checked by `parse`, at most `MAX_FILTER_VALUES`.
fn each<T>(
    field: &str,
    values: Option<&Vec<T>>,
    parse: impl Fn(&str, &T) -> ApiResult<String>,
) -> ApiResult<Vec<String>> {
    let values = values.map_or(&[][..], Vec::as_slice);
    if values.len() > MAX_FILTER_VALUES {
        return Err(ApiError::invalid(field, "input-too-many").arg("max", MAX_FILTER_VALUES as u64));
    }
    values
        .iter()
        .enumerate()
        .map(|(i, v)| parse(&format!("{field}[{i}]"), v))
        .collect()
}

impl SearchFilter {
    fn parse(&self) -> ApiResult<Filter> {
        let eqf_levels = each("filter.eqfLevels", self.eqf_levels.as_ref(), |field, level| {
            if (1..=8).contains(level) {
                Ok(level.to_string())
            } else {
                Err(ApiError::invalid(field, "input-out-of-range")
                    .arg("min", 1u64)
                    .arg("max", 8u64))
            }
        })?;
        Ok(Filter {
            types: self.types.clone().unwrap_or_default(),
            languages: each("filter.languages", self.languages.as_ref(), |field, tag| {
                Ok(LocaleTag::parse(field, tag)?.to_tag())
            })?,
            countries: each("filter.countries", self.countries.as_ref(), |field, code| {
                Ok(CountryCode::parse(field, code)?.alpha2().to_owned())
            })?,
            organisation_id: self
                .organisation_id
                .as_ref()
                .map(|id| parse_id("filter.organisationId", id))
                .transpose()?,
            eqf_levels: eqf_levels.iter().filter_map(|l| l.parse().ok()).collect(),
            audiences: each("filter.audiences", self.audiences.as_ref(), |_, a| {
                Ok(a.as_str().to_owned())
            })?,
            licenses: each("filter.licenses", self.licenses.as_ref(), |field, id| {
                Ok(SpdxId::parse(field, id)?.as_str().to_owned())
            })?,
            kinds: each("filter.kinds", self.kinds.as_ref(), |field, kind| {
                let kind = kind.trim();
                let known = DocumentKind::from_db(kind).is_some()
                    || TrainingKind::from_db(kind).is_some()
                    || OrganisationKind::from_db(kind).is_some();
                if known {
                    Ok(kind.to_owned())
                } else {
                    Err(ApiError::invalid(field, "search-kind-unknown").arg("value", kind.to_owned()))
                }
            })?,
            updated_since: self.updated_since,
        })
    }
}

/// What a search finds.
#[derive(Union)]
pub enum SearchResult {
    Document(Document),
    Project(Project),
    TrainingMaterial(TrainingMaterial),
    Organisation(Organisation),
    User(User),
}

/// A field of the hit where the query matched, with the words marked.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct SearchHighlight {
    /// `title`, `name`, `summary`, `description`, `prerequisites`,
    /// `learningOutcomes`, `topics`, `deliverables`, `focusAreas` or `file`.
    pub field: String,
    /// The text (a window of it for long fields, `…` where cut) as escaped
    /// HTML, the matched words in `<mark>`; nothing else in it is markup.
    pub snippet: String,
}

/// One item found.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Relevance within this result list (engine-specific; higher is better).
    pub score: f64,
    pub node: SearchResult,
    /// Where the query matched, in the reader's best locale that matched.
    /// Empty unless asked for.
    pub highlights: Vec<SearchHighlight>,
    /// The locale of the text that matched, the reader's best where several
    /// did; null for people.
    pub matched_locale: Option<String>,
}

/// How many items have one value of a facet.
#[derive(SimpleObject, Debug, Clone)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts of the items found per value, for the same query and filter;
/// each sorted by count, most first.
#[derive(SimpleObject, Default)]
pub struct SearchFacets {
    /// `DOCUMENT`, `PROJECT`, `TRAINING_MATERIAL`, `ORGANISATION`, `PERSON`.
    pub types: Vec<FacetCount>,
    /// Locales of the texts that matched.
    pub languages: Vec<FacetCount>,
    /// Countries of the owners, providers, participants and organisations
    /// the caller may see.
    pub countries: Vec<FacetCount>,
    pub eqf_levels: Vec<FacetCount>,
    pub licenses: Vec<FacetCount>,
}

/// The result's totals.
#[derive(SimpleObject, Default)]
pub struct SearchTotals {
    /// How many items match, across all pages.
    pub total_count: u64,
    pub facets: SearchFacets,
}

pub type SearchHitConnection = Connection<String, SearchHit, SearchTotals, EmptyFields>;

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Everything the caller may read that matches `query`, best first. The
    /// syntax is web search's: words (all must match), "quoted phrases",
    /// -excluded words, OR, and prefix*. Nothing typed is an error; a query
    /// of more than 200 characters is.
    #[graphql(complexity = "pagination::complexity(first, child_complexity) + 10")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<SearchFilter>,
    ) -> ApiResult<SearchHitConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let parsed = Query::parse("query", &query)?;
        let filter_input = filter.unwrap_or_default();
        let filter = filter_input.parse()?;
        let order = order_of(&parsed, &filter_input);
        let after = match page.after_in(&order)? {
            Some(cursor) => Some((
                cursor
                    .k
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite())
                    .ok_or_else(|| ApiError::invalid("after", "input-cursor-invalid"))?,
                cursor.id,
            )),
            None => None,
        };
        let look = ctx.look_ahead();
        let want_totals = look.field("totalCount").exists() || look.field("facets").exists();
        let limit = page.first as u64 + 1;
        let (mut hits, totals) = match (want_totals, page.first > 0) {
            // One statement for both: the matches and the policy once.
            (true, true) => {
                let (hits, facets) =
                    engine::hits_and_facets(&state.db, &state.caller, &parsed, &filter, after, limit).await?;
                (hits, totals_of(facets))
            }
            (true, false) => (
                Vec::new(),
                totals_of(engine::facets(&state.db, &state.caller, &parsed, &filter).await?),
            ),
            (false, true) => (
                engine::hits(&state.db, &state.caller, &parsed, &filter, after, limit).await?,
                SearchTotals::default(),
            ),
            (false, false) => (Vec::new(), SearchTotals::default()),
        };
        let has_next = hits.len() > page.first;
        hits.truncate(page.first);
        let want_highlights = look.field("edges").field("node").field("highlights").exists()
            || look.field("nodes").field("highlights").exists();
        let mut nodes = load_nodes(state, &hits).await?;
        let chain: Vec<String> = state.chain.content().map(ToString::to_string).collect();
        let picked: Vec<Picked> = hits.iter().map(|hit| pick(hit, &chain)).collect();
        let mut highlights = if want_highlights {
            highlight(state, &parsed, &picked).await?
        } else {
            HashMap::new()
        };
        let mut connection = Connection::with_additional_fields(after.is_some(), has_next, totals);
        for (hit, picked) in hits.into_iter().zip(picked) {
            let Some(node) = nodes.remove(&hit.item_id) else {
                // Gone since the hits were read.
                continue;
            };
            let cursor = Cursor {
                o: order.clone(),
                k: hit.score.to_string(),
                id: hit.item_id,
            };
            connection.edges.push(Edge::new(
                cursor.encode(),
                SearchHit {
                    score: hit.score,
                    node,
                    highlights: highlights.remove(&hit.item_id).unwrap_or_default(),
                    matched_locale: picked.locale.filter(|l| l != "und"),
                },
            ));
        }
        Ok(connection)
    }
}

/// The order a cursor belongs to: this query and filter.
fn order_of(query: &Query, filter: &SearchFilter) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{query:?}|{filter:?}").as_bytes());
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("search:{short}")
}

fn totals_of(facets: Facets) -> SearchTotals {
    let counts = |values: Vec<(String, u64)>| {
        values
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect()
    };
    SearchTotals {
        total_count: facets.total,
        facets: SearchFacets {
            types: counts(facets.types),
            languages: counts(facets.languages),
            countries: counts(facets.countries),
            eqf_levels: counts(facets.eqf_levels),
            licenses: counts(facets.licenses),
        },
    }
}

/// The hits' items, read again under the policy: one statement per type.
async fn load_nodes(state: &RequestState, hits: &[Hit]) -> ApiResult<HashMap<Uuid, SearchResult>> {
    let ids = |t: ItemType| -> Vec<Uuid> {
        hits.iter()
            .filter(|h| h.item_type == t)
            .map(|h| h.item_id)
            .collect()
    };
    let caller = &state.caller;
    let db = &state.db;
    let mut nodes = HashMap::new();
    macro_rules! load {
        ($t:expr, $entity:ident, $policy:expr, $wrap:expr) => {
            let ids = ids($t);
            if !ids.is_empty() {
                for row in $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(ids))
                    .filter($policy)
                    .all(db)
                    .await?
                {
                    nodes.insert(row.id, $wrap(row));
                }
            }
        };
    }
    load!(ItemType::Document, document, policy::document_read(caller), |r| {
        SearchResult::Document(Document(r))
    });
    load!(ItemType::Project, project, policy::project_read(caller), |r| {
        SearchResult::Project(Project(r))
    });
    load!(
        ItemType::TrainingMaterial,
        training_material,
        policy::training_read(caller),
        |r| SearchResult::TrainingMaterial(TrainingMaterial(r))
    );
    load!(
        ItemType::Organisation,
        organisation,
        policy::organisation_read(caller),
        |r| SearchResult::Organisation(Organisation(r))
    );
    load!(ItemType::Person, person, policy::person_read(caller), |r| {
        SearchResult::User(User::new(r))
    });
    Ok(nodes)
}

/// The locale a hit is shown in and the index rows its highlights come from.
struct Picked {
    item_id: Uuid,
    locale: Option<String>,
    doc_ids: Vec<i64>,
}

/// The reader's best locale among those that matched (as translations are
/// picked: along the content chain, else the original, else any), and the
/// matched rows in it, plus any matched file text.
fn pick(hit: &Hit, chain: &[String]) -> Picked {
    let locale = chain
        .iter()
        .find(|wanted| hit.matched.iter().any(|m| &m.locale == *wanted))
        .cloned()
        .or_else(|| {
            hit.matched
                .iter()
                .find(|m| m.is_original)
                .map(|m| m.locale.clone())
        })
        .or_else(|| hit.matched.first().map(|m| m.locale.clone()));
    let doc_ids = hit
        .matched
        .iter()
        .filter(|m| Some(&m.locale) == locale.as_ref() || m.part == crate::search::index::FILE)
        .map(|m| m.doc_id)
        .collect();
    Picked {
        item_id: hit.item_id,
        locale,
        doc_ids,
    }
}

/// The highlights of each hit, from its picked rows' stored texts: one
/// statement for the page.
async fn highlight(
    state: &RequestState,
    query: &Query,
    picked: &[Picked],
) -> ApiResult<HashMap<Uuid, Vec<SearchHighlight>>> {
    let ids: Vec<i64> = picked.iter().flat_map(|p| p.doc_ids.iter().copied()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: HashMap<i64, search_doc::Model> = search_doc::Entity::find()
        .filter(search_doc::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut markers: HashMap<Lang, Option<Marker>> = HashMap::new();
    let mut out = HashMap::new();
    for p in picked {
        let mut found: Vec<(usize, SearchHighlight)> = Vec::new();
        for row in p.doc_ids.iter().filter_map(|id| rows.get(id)) {
            let lang = Lang::ALL
                .into_iter()
                .find(|l| l.pg_config() == row.config)
                .unwrap_or(Lang::Simple);
            let Some(marker) = markers
                .entry(lang)
                .or_insert_with(|| query.for_lang(lang).map(|q| Marker::new(lang, &q)))
            else {
                continue;
            };
            let texts: Vec<(String, String)> = serde_json::from_value(row.texts.clone()).unwrap_or_default();
            for (field, text) in texts {
                let rank = weight(&field);
                if let Some(snippet) = marker.snippet(&text, rank == 0) {
                    found.push((rank, SearchHighlight { field, snippet }));
                }
            }
        }
        found.sort_by_key(|(rank, _)| *rank);
        out.insert(p.item_id, found.into_iter().map(|(_, h)| h).collect());
    }
    Ok(out)
}
