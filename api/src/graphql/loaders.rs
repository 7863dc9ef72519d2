//! DataLoaders: every reference and nested list goes through one of these,
//! so the number of SQL statements for a request does not grow with the
//! number of rows returned. Loaders are built per request, for its caller,
//! and apply the access policy inside their queries.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{self, HashMapCache, Loader};
use sammen_entities::{
    auth_token, deliverable, deliverable_document, deliverable_translation, document, document_share,
    document_translation, document_version, milestone, offering, offering_translation, organisation,
    organisation_translation, person, programme_item, project_member, project_participant,
    project_training_material, project_translation, training_document, training_material, training_share,
    training_translation, webhook_subscription,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::auth::token::TokenKind;
use crate::auth::{Caller, policy};
use crate::error::ApiError;

/// A loader failure, cheap to clone as DataLoader requires.
pub type LoadError = Arc<DbErr>;

impl From<LoadError> for ApiError {
    fn from(e: LoadError) -> Self {
        ApiError::internal(anyhow::anyhow!("{e}"))
    }
}

/// Declares a loader of the rows of `$entity` whose `$column` (field
/// `$field`) holds the key, sorted by `$sort`, with optional extra filters.
/// Resolvers load children only of parents the caller could already read.
macro_rules! children_loader {
    (
        $(#[$doc:meta])*
        $name:ident: $entity:ident by $column:ident ($field:ident), sorted $dir:ident $sort:ident
        $(, where $extra:expr)?
    ) => {
        $(#[$doc])*
        pub struct $name {
            db: DatabaseConnection,
        }

        impl Loader<Uuid> for $name {
            type Value = Vec<$entity::Model>;
            type Error = LoadError;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::$column.is_in(keys.iter().copied()))
                    $(.filter($extra))?
                    .$dir($entity::Column::$sort)
                    .all(&self.db)
                    .await?;
                // Every key gets an entry, an empty list too, so that a
                // cached answer covers the parents without children.
                let mut out: HashMap<Uuid, Self::Value> =
                    keys.iter().map(|key| (*key, Vec::new())).collect();
                for row in rows {
                    out.entry(row.$field).or_default().push(row);
                }
                Ok(out)
            }
        }
    };
}

children_loader!(
    /// Translations of organisations' descriptions, by organisation id.
    OrganisationTranslationsLoader: organisation_translation by OrganisationId (organisation_id),
    sorted order_by_asc Locale
);

children_loader!(
    /// A person's API tokens, newest first (the resolver checks who may see them).
    ApiTokensLoader: auth_token by PersonId (person_id), sorted order_by_desc CreatedAt,
    where auth_token::Column::Kind.eq(TokenKind::Api.as_str())
);

children_loader!(
    /// Translations of documents' titles and summaries, by document id.
    DocumentTranslationsLoader: document_translation by DocumentId (document_id), sorted order_by_asc Locale
);

children_loader!(
    /// A document's versions, newest first.
    DocumentVersionsLoader: document_version by DocumentId (document_id), sorted order_by_desc Number
);

children_loader!(
    /// A document's grants, oldest first.
    DocumentSharesLoader: document_share by DocumentId (document_id), sorted order_by_asc CreatedAt
);

children_loader!(
    /// Translations of projects' titles and summaries, by project id.
    ProjectTranslationsLoader: project_translation by ProjectId (project_id), sorted order_by_asc Locale
);

children_loader!(
    /// A project's participating organisations.
    ProjectParticipantsLoader: project_participant by ProjectId (project_id), sorted order_by_asc CreatedAt
);

children_loader!(
    /// A project's members.
    ProjectMembersLoader: project_member by ProjectId (project_id), sorted order_by_asc CreatedAt
);

children_loader!(
    /// A project's deliverables, by code.
    DeliverablesLoader: deliverable by ProjectId (project_id), sorted order_by_asc Code
);

children_loader!(
    /// A project's milestones, by due date.
    MilestonesLoader: milestone by ProjectId (project_id), sorted order_by_asc DueOn
);

children_loader!(
    /// Translations of training materials, by material id.
    TrainingTranslationsLoader: training_translation by TrainingMaterialId (training_material_id), sorted order_by_asc Locale
);

children_loader!(
    /// A training material's grants.
    TrainingSharesLoader: training_share by TrainingMaterialId (training_material_id), sorted order_by_asc CreatedAt
);

children_loader!(
    /// A training material's offerings, soonest first.
    OfferingsLoader: offering by TrainingMaterialId (training_material_id), sorted order_by_asc StartsOn
);

children_loader!(
    /// An offering's programme, in order.
    ProgrammeLoader: programme_item by OfferingId (offering_id), sorted order_by_asc Position
);

children_loader!(
    /// Translations of deliverables' titles.
    DeliverableTranslationsLoader: deliverable_translation by DeliverableId (deliverable_id), sorted order_by_asc Locale
);

children_loader!(
    /// Translations of offerings' venues and programmes.
    OfferingTranslationsLoader: offering_translation by OfferingId (offering_id), sorted order_by_asc Locale
);

children_loader!(
    /// The event types of webhook endpoints (the resolver's parent is one
    /// the caller manages).
    WebhookSubscriptionsLoader: webhook_subscription by EndpointId (endpoint_id), sorted order_by_asc EventType
);

/// A loader that keeps what it loaded for the rest of the operation, so a
/// page's children can be loaded level by level up front (see
/// [`super::prefetch`]) and each parent's resolver finds its own.
pub type Cached<T> = dataloader::DataLoader<T, HashMapCache>;

fn cached<T: Send + Sync + 'static>(loader: T, keep: bool) -> Cached<T> {
    let loader = dataloader::DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default());
    loader.enable_all_cache(keep);
    loader
}

/// The translations that may be shown of item `id` (written in
/// `original`) to a reader with `chain`: none to load when the chain puts
/// the original first, as the reader then gets the original whatever exists.
pub async fn shown_translations<T, M>(
    loader: &Cached<T>,
    chain: &crate::l10n::LocaleChain,
    id: Uuid,
    original: &str,
) -> Result<Vec<M>, LoadError>
where
    T: Loader<Uuid, Value = Vec<M>, Error = LoadError>,
    M: Clone + Send + Sync + 'static,
{
    if crate::l10n::content::original_first(chain, original) {
        return Ok(Vec::new());
    }
    Ok(loader.load_one(id).await?.unwrap_or_default())
}

/// Items' translations into the reader's first content locale, read with
/// their page where that one alone decides what the reader is shown
/// ([`crate::l10n::content::deciding_locale`]): by item id, the translation
/// or none. Kept only where the loaders keep their answers.
pub struct Decided<M> {
    keep: bool,
    rows: std::sync::Mutex<HashMap<Uuid, Vec<M>>>,
}

impl<M: Clone> Decided<M> {
    fn new(keep: bool) -> Self {
        Self {
            keep,
            rows: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Keeps what a page read: for each item whose translation into
    /// `locale` decides (per [`crate::l10n::content::deciding_locale`]),
    /// that translation or none.
    pub fn keep<'a>(
        &self,
        chain: &crate::l10n::LocaleChain,
        locale: Option<&str>,
        read: impl IntoIterator<Item = (Uuid, &'a str, Option<M>)>,
    ) where
        M: 'a,
    {
        let Some(locale) = locale.filter(|_| self.keep) else {
            return;
        };
        let mut rows = self
            .rows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (id, original, translation) in read {
            if crate::l10n::content::deciding_locale(chain, original).as_deref() == Some(locale) {
                rows.insert(id, translation.into_iter().collect());
            }
        }
    }

    /// The deciding translation of item `id` (or none), if its page read it.
    pub fn get(&self, id: Uuid) -> Option<Vec<M>> {
        self.rows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
            .cloned()
    }

    pub fn has(&self, id: Uuid) -> bool {
        self.rows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains_key(&id)
    }
}

/// The translations that decide what a reader with `chain` is shown of
/// item `id`: those its page read ([`Decided`]), else
/// [`shown_translations`].
pub async fn deciding_translations<T, M>(
    decided: &Decided<M>,
    loader: &Cached<T>,
    chain: &crate::l10n::LocaleChain,
    id: Uuid,
    original: &str,
) -> Result<Vec<M>, LoadError>
where
    T: Loader<Uuid, Value = Vec<M>, Error = LoadError>,
    M: Clone + Send + Sync + 'static,
{
    match decided.get(id) {
        Some(rows) => Ok(rows),
        None => shown_translations(loader, chain, id, original).await,
    }
}

/// The loaders of one request.
pub struct Loaders {
    pub organisation: Cached<OrganisationLoader>,
    pub organisation_translations: Cached<OrganisationTranslationsLoader>,
    pub api_tokens: Cached<ApiTokensLoader>,
    pub document_translations: Cached<DocumentTranslationsLoader>,
    pub document_versions: Cached<DocumentVersionsLoader>,
    pub document_shares: Cached<DocumentSharesLoader>,
    pub person: Cached<PersonLoader>,
    pub organisation_people: Cached<OrganisationPeopleLoader>,
    pub organisation_people_count: Cached<OrganisationPeopleCountLoader>,
    pub project_translations: Cached<ProjectTranslationsLoader>,
    pub project_participants: Cached<ProjectParticipantsLoader>,
    pub project_members: Cached<ProjectMembersLoader>,
    pub deliverables: Cached<DeliverablesLoader>,
    pub milestones: Cached<MilestonesLoader>,
    pub deliverable_documents: Cached<DeliverableDocumentsLoader>,
    pub training_translations: Cached<TrainingTranslationsLoader>,
    pub training_shares: Cached<TrainingSharesLoader>,
    pub offerings: Cached<OfferingsLoader>,
    pub programme: Cached<ProgrammeLoader>,
    pub training_documents: Cached<TrainingDocumentsLoader>,
    pub project_training: Cached<ProjectTrainingLoader>,
    pub deliverable_translations: Cached<DeliverableTranslationsLoader>,
    pub offering_translations: Cached<OfferingTranslationsLoader>,
    pub webhook_subscriptions: Cached<WebhookSubscriptionsLoader>,
    /// Documents' and projects' translations read with their page (see [`Decided`]).
    pub decided_documents: Decided<document_translation::Model>,
    pub decided_projects: Decided<project_translation::Model>,
    /// Whether the loaders keep their answers for the operation (see
    /// [`Loaders::new`]).
    keeping: bool,
}

impl Loaders {
    pub fn keeping(&self) -> bool {
        self.keeping
    }

    /// Organisation `id`, if the caller may see it.
    pub async fn visible_organisation(&self, id: Uuid) -> Result<Option<organisation::Model>, LoadError> {
        Ok(self.organisation.load_one(id).await?.flatten())
    }

    /// The loaders of one operation for `caller`. With `keep` they keep
    /// their answers for the operation; a mutation's do not (it reads again
    /// after it writes), nor a subscription's (it lives too long).
    pub fn new(db: &DatabaseConnection, caller: &Caller, keep: bool) -> Self {
        let db = || db.clone();
        Self {
            keeping: keep,
            decided_documents: Decided::new(keep),
            decided_projects: Decided::new(keep),
            organisation: cached(
                OrganisationLoader {
                    db: db(),
                    visible: policy::organisation_read(caller),
                },
                keep,
            ),
            organisation_translations: cached(OrganisationTranslationsLoader { db: db() }, keep),
            api_tokens: cached(ApiTokensLoader { db: db() }, keep),
            document_translations: cached(DocumentTranslationsLoader { db: db() }, keep),
            document_versions: cached(DocumentVersionsLoader { db: db() }, keep),
            document_shares: cached(DocumentSharesLoader { db: db() }, keep),
            person: cached(
                PersonLoader {
                    db: db(),
                    visible: policy::person_read(caller),
                },
                keep,
            ),
            organisation_people: cached(
                OrganisationPeopleLoader {
                    db: db(),
                    visible: policy::person_read(caller),
                },
                keep,
            ),
            organisation_people_count: cached(
                OrganisationPeopleCountLoader {
                    db: db(),
                    visible: policy::person_read(caller),
                },
                keep,
            ),
            project_translations: cached(ProjectTranslationsLoader { db: db() }, keep),
            project_participants: cached(ProjectParticipantsLoader { db: db() }, keep),
            project_members: cached(ProjectMembersLoader { db: db() }, keep),
            deliverables: cached(DeliverablesLoader { db: db() }, keep),
            milestones: cached(MilestonesLoader { db: db() }, keep),
            deliverable_documents: cached(
                DeliverableDocumentsLoader {
                    db: db(),
                    visible: policy::document_read(caller),
                },
                keep,
            ),
            training_translations: cached(TrainingTranslationsLoader { db: db() }, keep),
            training_shares: cached(TrainingSharesLoader { db: db() }, keep),
            offerings: cached(OfferingsLoader { db: db() }, keep),
            programme: cached(ProgrammeLoader { db: db() }, keep),
            deliverable_translations: cached(DeliverableTranslationsLoader { db: db() }, keep),
            offering_translations: cached(OfferingTranslationsLoader { db: db() }, keep),
            webhook_subscriptions: cached(WebhookSubscriptionsLoader { db: db() }, keep),
            project_training: cached(
                ProjectTrainingLoader {
                    db: db(),
                    visible: policy::training_read(caller),
                },
                keep,
            ),
            training_documents: cached(
                TrainingDocumentsLoader {
                    db: db(),
                    visible: policy::document_read(caller),
                },
                keep,
            ),
        }
    }
}

/// Organisations by id, as far as the caller may see them.
pub struct OrganisationLoader {
    db: DatabaseConnection,
    visible: Condition,
}

/// Every key gets an answer, `None` for an organisation the caller may not
/// see, so that a cached page answers for those too.
impl Loader<Uuid> for OrganisationLoader {
    type Value = Option<organisation::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(keys.iter().copied()))
            .filter(self.visible.clone())
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|key| (*key, None)).collect();
        out.extend(rows.into_iter().map(|o| (o.id, Some(o))));
        Ok(out)
    }
}

/// Where a page of people starts: after this folded name and id.
type PeopleAfter = Option<(String, Uuid)>;

/// One page of an organisation's people: `Organisation.people(first, after)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PeoplePage {
    pub organisation: Uuid,
    /// Rows to load: the page size plus one, to tell whether there is a next page.
    pub limit: usize,
    /// The folded name and id of the last person seen.
    pub after: PeopleAfter,
}

/// Pages of organisations' people, as far as the caller may see them, in
/// one windowed statement per distinct `(limit, after)`: the first rows of
/// every organisation by folded name.
pub struct OrganisationPeopleLoader {
    db: DatabaseConnection,
    visible: Condition,
}

impl Loader<PeoplePage> for OrganisationPeopleLoader {
    type Value = Vec<person::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[PeoplePage]) -> Result<HashMap<PeoplePage, Self::Value>, Self::Error> {
        use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Order, Query, WindowStatement};
        use sea_orm::{FromQueryResult, Iterable};

        let mut groups: HashMap<(usize, PeopleAfter), Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.limit, key.after.clone()))
                .or_default()
                .push(key.organisation);
        }
        let backend = self.db.get_database_backend();
        let mut out = HashMap::new();
        for ((limit, after), organisations) in groups {
            let mut window = WindowStatement::partition_by((person::Entity, person::Column::OrganisationId));
            window
                .order_by((person::Entity, person::Column::SearchName), Order::Asc)
                .order_by((person::Entity, person::Column::Id), Order::Asc);
            let mut ranked = Query::select();
            ranked
                .columns(person::Column::iter().map(|c| (person::Entity, c)))
                .expr_window_as(Func::cust(Alias::new("ROW_NUMBER")), window, Alias::new("rn"))
                .from(person::Entity)
                .and_where(person::Column::OrganisationId.is_in(organisations.iter().copied()))
                .cond_where(self.visible.clone());
            if let Some((name, id)) = &after {
                ranked.cond_where(
                    Condition::any()
                        .add(person::Column::SearchName.gt(name.clone()))
                        .add(
                            Condition::all()
                                .add(person::Column::SearchName.eq(name.clone()))
                                .add(person::Column::Id.gt(*id)),
                        ),
                );
            }
            let page = Query::select()
                .column(Asterisk)
                .from_subquery(ranked.to_owned(), Alias::new("ranked"))
                .and_where(Expr::col(Alias::new("rn")).lte(limit as i64))
                .order_by(Alias::new("rn"), Order::Asc)
                .to_owned();
            let rows = person::Model::find_by_statement(backend.build(&page))
                .all(&self.db)
                .await?;
            let mut by_organisation: HashMap<Uuid, Vec<person::Model>> = HashMap::new();
            for row in rows {
                if let Some(organisation) = row.organisation_id {
                    by_organisation.entry(organisation).or_default().push(row);
                }
            }
            for organisation in organisations {
                let key = PeoplePage {
                    organisation,
                    limit,
                    after: after.clone(),
                };
                out.insert(key, by_organisation.remove(&organisation).unwrap_or_default());
            }
        }
        Ok(out)
    }
}

/// How many people of each organisation the caller may see.
pub struct OrganisationPeopleCountLoader {
    db: DatabaseConnection,
    visible: Condition,
}

impl Loader<Uuid> for OrganisationPeopleCountLoader {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        use sea_orm::QuerySelect;
        use sea_orm::sea_query::{Expr, Func};

        let rows: Vec<(Option<Uuid>, i64)> = person::Entity::find()
            .select_only()
            .column(person::Column::OrganisationId)
            .expr_as(
                Func::count(Expr::col((person::Entity, person::Column::Id))),
                "count",
            )
            .filter(person::Column::OrganisationId.is_in(keys.iter().copied()))
            .filter(self.visible.clone())
            .group_by(person::Column::OrganisationId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(organisation, count)| organisation.map(|o| (o, count.max(0) as u64)))
            .collect())
    }
}

/// People by id, as far as the caller may see them (`policy::person_read`):
/// a project's members and an entry's actor are null for anyone else.
pub struct PersonLoader {
    db: DatabaseConnection,
    visible: Condition,
}

impl Loader<Uuid> for PersonLoader {
    type Value = person::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = person::Entity::find()
            .filter(person::Column::Id.is_in(keys.iter().copied()))
            .filter(self.visible.clone())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}

/// The documents linked to deliverables, as far as the caller may read them.
pub struct DeliverableDocumentsLoader {
    db: DatabaseConnection,
    visible: Condition,
}

impl Loader<Uuid> for DeliverableDocumentsLoader {
    type Value = Vec<document::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let links = deliverable_document::Entity::find()
            .filter(deliverable_document::Column::DeliverableId.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        let documents: HashMap<Uuid, document::Model> = document::Entity::find()
            .filter(document::Column::Id.is_in(links.iter().map(|l| l.document_id)))
            .filter(self.visible.clone())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for link in links {
            if let Some(document) = documents.get(&link.document_id) {
                out.entry(link.deliverable_id).or_default().push(document.clone());
            }
        }
        Ok(out)
    }
}

/// The documents attached to training materials, as far as the caller may read them.
pub struct TrainingDocumentsLoader {
    db: DatabaseConnection,
    visible: Condition,
}

impl Loader<Uuid> for TrainingDocumentsLoader {
    type Value = Vec<document::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let links = training_document::Entity::find()
            .filter(training_document::Column::TrainingMaterialId.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        let documents: HashMap<Uuid, document::Model> = document::Entity::find()
            .filter(document::Column::Id.is_in(links.iter().map(|l| l.document_id)))
            .filter(self.visible.clone())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for link in links {
            if let Some(document) = documents.get(&link.document_id) {
                out.entry(link.training_material_id)
                    .or_default()
                    .push(document.clone());
            }
        }
        Ok(out)
    }
}

/// The training materials linked to projects, as far as the caller may read them.
pub struct ProjectTrainingLoader {
    db: DatabaseConnection,
    visible: Condition,
}

impl Loader<Uuid> for ProjectTrainingLoader {
    type Value = Vec<training_material::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let links = project_training_material::Entity::find()
            .filter(project_training_material::Column::ProjectId.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        let materials: HashMap<Uuid, training_material::Model> = training_material::Entity::find()
            .filter(training_material::Column::Id.is_in(links.iter().map(|l| l.training_material_id)))
            .filter(self.visible.clone())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for link in links {
            if let Some(material) = materials.get(&link.training_material_id) {
                out.entry(link.project_id).or_default().push(material.clone());
            }
        }
        Ok(out)
    }
}
