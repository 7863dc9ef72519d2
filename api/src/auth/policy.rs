//! The access policy: the one place that decides who may read and change
//! what. Read rules are `sea_orm::Condition`s applied inside SQL, so lists,
//! counts and single lookups agree and nothing invisible is ever loaded.
//! Anything a caller may not read is NOT_FOUND, never FORBIDDEN.

use chrono::Utc;
use sammen_entities::{
    deliverable, deliverable_document, document, organisation, person, project, project_member,
    project_participant, training_material,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::{MemberRole, PartnershipStatus, SharePermission, Visibility};
use crate::error::{ApiError, ApiResult};

pub use super::caller::{Acting, Caller};

/// Organisations a caller may see. The directory of partners (AGREEMENT and
/// later) and the hub are public; prospects and organisations still in
/// dialogue are visible only to admins, the hub's people and their own
/// members; archived ones only to admins.
pub fn organisation_read(caller: &Caller) -> Condition {
    if caller.is_admin() {
        return Condition::all();
    }
    if caller.hub_member {
        return Condition::all().add(organisation::Column::ArchivedAt.is_null());
    }
    let listed = [
        PartnershipStatus::Agreement,
        PartnershipStatus::Active,
        PartnershipStatus::Paused,
        PartnershipStatus::Ended,
    ]
    .map(|s| s.as_str());
    let mut visible = Condition::any()
        .add(organisation::Column::PartnershipStatus.is_in(listed))
        .add(organisation::Column::IsHub.eq(true));
    if let Some(own) = caller.organisation_id() {
        visible = visible.add(organisation::Column::Id.eq(own));
    }
    Condition::all()
        .add(organisation::Column::ArchivedAt.is_null())
        .add(visible)
}

/// Creating, archiving and moving partnerships: network admins only.
pub fn require_admin(caller: &Caller) -> ApiResult<()> {
    caller.writer()?;
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Editing an organisation's profile: admins, and the organisation's own admins.
pub fn can_edit_organisation(caller: &Caller, organisation_id: Uuid) -> ApiResult<()> {
    caller.writer()?;
    if caller.is_admin() || caller.is_org_admin_of(organisation_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Creating a person: admins anywhere; an organisation's admins in their own
/// organisation, and never a network admin or a translator (translators
/// write for the whole network, so only network admins appoint them).
pub fn can_create_person(
    caller: &Caller,
    organisation_id: Option<Uuid>,
    make_admin: bool,
    make_translator: bool,
) -> ApiResult<()> {
    caller.writer()?;
    if caller.is_admin() {
        return Ok(());
    }
    match organisation_id {
        Some(org) if !make_admin && !make_translator && caller.is_org_admin_of(org) => Ok(()),
        _ => Err(ApiError::forbidden()),
    }
}

/// Translating stored content into `locale`: its translators and admins.
pub fn can_translate(caller: &Caller, locale: &str) -> ApiResult<()> {
    caller.writer()?;
    translator_of(caller, locale)
}

/// Seeing what waits for translation into `locale` (the queue): its
/// translators and admins, also with a READ token.
pub fn translator_of(caller: &Caller, locale: &str) -> ApiResult<()> {
    caller.person()?;
    if caller.is_admin() || caller.translator_locales().contains(&locale) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// People a caller may see: their own organisation's people; the people of
/// every organisation taking part in a project the caller is a member of
/// (any role), and that project's other members; everyone for network
/// admins. Anonymous callers see nobody, and an API token, acting for its
/// organisation, sees only that organisation's people. A disabled person is
/// seen only by their own organisation and admins.
pub fn person_read(caller: &Caller) -> Condition {
    if caller.is_admin() {
        return Condition::all();
    }
    let Some(me) = &caller.person else {
        return Condition::all().add(person::Column::Id.is_null());
    };
    let mut visible = Condition::any().add(person::Column::Id.eq(me.id));
    let own = caller.organisation_id();
    if let Some(own) = own {
        visible = visible.add(person::Column::OrganisationId.eq(own));
    }
    if let Some(member) = caller.member_id() {
        let my_projects = Query::select()
            .column(project_member::Column::ProjectId)
            .from(project_member::Entity)
            .and_where(project_member::Column::PersonId.eq(member))
            .to_owned();
        visible = visible
            .add(
                person::Column::OrganisationId.in_subquery(
                    Query::select()
                        .column(project_participant::Column::OrganisationId)
                        .from(project_participant::Entity)
                        .and_where(project_participant::Column::ProjectId.in_subquery(my_projects.clone()))
                        .to_owned(),
                ),
            )
            .add(
                person::Column::Id.in_subquery(
                    Query::select()
                        .column(project_member::Column::PersonId)
                        .from(project_member::Entity)
                        .and_where(project_member::Column::ProjectId.in_subquery(my_projects))
                        .to_owned(),
                ),
            );
    }
    let mut enabled = Condition::any().add(person::Column::Disabled.eq(false));
    if let Some(own) = own {
        enabled = enabled.add(person::Column::OrganisationId.eq(own));
    }
    Condition::all().add(visible).add(enabled)
}

/// Who may see a person's e-mail address: the person, their organisation's
/// people and network admins.
pub fn can_see_email(caller: &Caller, person: &person::Model) -> bool {
    caller.person.as_ref().is_some_and(|c| c.id == person.id)
        || caller.is_admin()
        || person
            .organisation_id
            .is_some_and(|o| caller.organisation_id() == Some(o))
}

/// Who may see a person's tokens: the person, admins, and admins of the
/// person's organisation.
pub fn can_see_person_details(caller: &Caller, person: &person::Model) -> bool {
    caller.person.as_ref().is_some_and(|c| c.id == person.id)
        || caller.is_admin()
        || person.organisation_id.is_some_and(|o| caller.is_org_admin_of(o))
}

/// Revoking an API token: its owner, admins of its organisation, admins
/// (each with a session: an API token manages no tokens).
pub fn can_manage_token(caller: &Caller, owner: Uuid, organisation_id: Option<Uuid>) -> bool {
    caller.own().is_some_and(|c| c.id == owner)
        || caller.is_admin()
        || organisation_id.is_some_and(|o| caller.is_org_admin_of(o))
}

/// Documents a caller may read: PUBLIC ones for everyone; for a member of an
/// organisation, also its own, NETWORK ones while the organisation is in the
/// network, and PARTNERS or NETWORK ones shared with it by a grant that has
/// not expired. PRIVATE means the owner only: grants do not open it. Admins
/// read everything.
pub fn document_read(caller: &Caller) -> Condition {
    if caller.is_admin() {
        return Condition::all();
    }
    let mut visible = DOCUMENTS.read(caller);
    if let Some(own) = caller.organisation_id() {
        // Participants read what is attached to their projects, whatever the
        // document's own visibility says about others.
        visible = visible
            .add(document::Column::ProjectId.in_subquery(participating_in(own)))
            .add(document::Column::Id.in_subquery(attached_to_deliverables_of(own)));
    }
    visible
}

/// `SELECT project_id FROM project_participant WHERE organisation_id = …`
fn participating_in(organisation: Uuid) -> SelectStatement {
    Query::select()
        .column(project_participant::Column::ProjectId)
        .from(project_participant::Entity)
        .and_where(project_participant::Column::OrganisationId.eq(organisation))
        .to_owned()
}

/// Documents linked to deliverables of projects `organisation` takes part in.
fn attached_to_deliverables_of(organisation: Uuid) -> SelectStatement {
    Query::select()
        .column((
            deliverable_document::Entity,
            deliverable_document::Column::DocumentId,
        ))
        .from(deliverable_document::Entity)
        .inner_join(
            deliverable::Entity,
            Expr::col((deliverable::Entity, deliverable::Column::Id)).equals((
                deliverable_document::Entity,
                deliverable_document::Column::DeliverableId,
            )),
        )
        .inner_join(
            project_participant::Entity,
            Expr::col((
                project_participant::Entity,
                project_participant::Column::ProjectId,
            ))
            .equals((deliverable::Entity, deliverable::Column::ProjectId)),
        )
        .and_where(
            Expr::col((
                project_participant::Entity,
                project_participant::Column::OrganisationId,
            ))
            .eq(organisation),
        )
        .to_owned()
}

/// Projects a caller may read: PUBLIC ones; those their organisation takes
/// part in or they are a member of; NETWORK ones for network members.
pub fn project_read(caller: &Caller) -> Condition {
    if caller.is_admin() {
        return Condition::all();
    }
    let mut visible = Condition::any().add(project::Column::Visibility.eq(Visibility::Public.as_str()));
    if let Some(member) = caller.member_id() {
        visible = visible.add(
            project::Column::Id.in_subquery(
                Query::select()
                    .column(project_member::Column::ProjectId)
                    .from(project_member::Entity)
                    .and_where(project_member::Column::PersonId.eq(member))
                    .to_owned(),
            ),
        );
    }
    if let Some(own) = caller.organisation_id() {
        visible = visible.add(project::Column::Id.in_subquery(participating_in(own)));
        if caller.network_member {
            visible = visible.add(project::Column::Visibility.eq(Visibility::Network.as_str()));
        }
    }
    visible
}

/// The caller's role in a project, if they are a member.
pub async fn project_role(
    db: &impl ConnectionTrait,
    caller: &Caller,
    project_id: Uuid,
) -> ApiResult<Option<MemberRole>> {
    let Some(member) = caller.member_id() else {
        return Ok(None);
    };
    let row = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::PersonId.eq(member))
        .one(db)
        .await?;
    Ok(row.map(|m| m.role))
}

/// Whether the token a long-lived connection authenticated with is still
/// valid (not revoked, not expired); anonymous callers always are.
pub async fn still_signed_in(db: &impl ConnectionTrait, caller: &Caller) -> bool {
    let Some(id) = caller.token_id else {
        return true;
    };
    match sammen_entities::auth_token::Entity::find_by_id(id).one(db).await {
        Ok(Some(token)) => token.revoked_at.is_none() && token.expires_at > Utc::now(),
        _ => false,
    }
}

/// Whether the caller is inside a project: an admin, a member, or one of a
/// participating organisation's people. Only insiders read the activity
/// log, which names documents and organisations outsiders may not see.
pub async fn is_project_insider(
    db: &impl ConnectionTrait,
    caller: &Caller,
    project_id: Uuid,
) -> ApiResult<bool> {
    if caller.is_admin() {
        return Ok(true);
    }
    if project_role(db, caller, project_id).await?.is_some() {
        return Ok(true);
    }
    let Some(own) = caller.organisation_id() else {
        return Ok(false);
    };
    let participates = project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(project_id))
        .filter(project_participant::Column::OrganisationId.eq(own))
        .one(db)
        .await?;
    Ok(participates.is_some())
}

/// Changing a project (metadata, status, participants, members, deliverables,
/// milestones): its COORDINATOR members and admins.
pub async fn require_coordinator(
    db: &impl ConnectionTrait,
    caller: &Caller,
    project_id: Uuid,
) -> ApiResult<()> {
    caller.writer()?;
    if caller.is_admin() || project_role(db, caller, project_id).await? == Some(MemberRole::Coordinator) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Adding documents to a project: coordinators and contributors.
pub async fn require_contributor(
    db: &impl ConnectionTrait,
    caller: &Caller,
    project_id: Uuid,
) -> ApiResult<()> {
    caller.writer()?;
    let role = project_role(db, caller, project_id).await?;
    if caller.is_admin() || matches!(role, Some(MemberRole::Coordinator | MemberRole::Contributor)) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Updating a deliverable: coordinators, and contributors whose organisation
/// is responsible for it.
pub async fn require_deliverable_editor(
    db: &impl ConnectionTrait,
    caller: &Caller,
    deliverable: &deliverable::Model,
) -> ApiResult<()> {
    caller.writer()?;
    if caller.is_admin() {
        return Ok(());
    }
    match project_role(db, caller, deliverable.project_id).await? {
        Some(MemberRole::Coordinator) => Ok(()),
        Some(MemberRole::Contributor)
            if deliverable.responsible_organisation_id.is_some()
                && deliverable.responsible_organisation_id == caller.organisation_id() =>
        {
            Ok(())
        }
        _ => Err(ApiError::forbidden()),
    }
}

/// Documents a caller may change (metadata, new versions): admins, members of
/// the owner, and organisations with a live EDIT grant.
pub fn document_write(caller: &Caller) -> Condition {
    if caller.is_admin() {
        return Condition::all();
    }
    DOCUMENTS.write(caller)
}

/// Seeing who a document is shared with: admins and the owner's members.
pub fn can_see_document_shares(caller: &Caller, document: &document::Model) -> bool {
    caller.is_admin() || caller.organisation_id() == Some(document.owner_organisation_id)
}

/// Sharing, unsharing and changing visibility: admins and members of the owner.
pub fn can_manage_document(caller: &Caller, document: &document::Model) -> ApiResult<()> {
    caller.writer()?;
    if caller.is_admin() || caller.organisation_id() == Some(document.owner_organisation_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Where grants for one kind of shared item live: the share table and its
/// item column. Every share table has `organisation_id`, `permission` and
/// `expires_at`.
#[derive(Clone, Copy)]
struct Grants {
    table: &'static str,
    item: &'static str,
}

const DOCUMENT_GRANTS: Grants = Grants {
    table: "document_share",
    item: "document_id",
};

const TRAINING_GRANTS: Grants = Grants {
    table: "training_share",
    item: "training_material_id",
};

impl Grants {
    /// `SELECT item FROM share_table` for live grants to `organisation`.
    fn to(self, organisation: Uuid, permission: Option<SharePermission>) -> SelectStatement {
        use sea_orm::sea_query::Alias;
        let col = |name: &str| Expr::col((Alias::new(self.table), Alias::new(name)));
        let mut query = Query::select();
        query
            .column((Alias::new(self.table), Alias::new(self.item)))
            .from(Alias::new(self.table))
            .and_where(col("organisation_id").eq(organisation))
            .cond_where(
                Condition::any()
                    .add(col("expires_at").is_null())
                    .add(col("expires_at").gt(Utc::now())),
            );
        if let Some(permission) = permission {
            query.and_where(col("permission").eq(permission.as_str()));
        }
        query
    }
}

/// The columns of an item shared by visibility and grants.
struct SharedItem<C> {
    id: C,
    owner: C,
    visibility: C,
    grants: Grants,
}

impl<C: ColumnTrait> SharedItem<C> {
    /// PUBLIC for everyone; the owner's own; NETWORK for network members;
    /// PARTNERS or NETWORK with a live grant. PRIVATE means the owner only.
    fn read(&self, caller: &Caller) -> Condition {
        let mut visible = Condition::any().add(self.visibility.eq(Visibility::Public.as_str()));
        if let Some(own) = caller.organisation_id() {
            visible = visible.add(self.owner.eq(own));
            if caller.network_member {
                visible = visible.add(self.visibility.eq(Visibility::Network.as_str()));
            }
            visible = visible.add(
                Condition::all()
                    .add(
                        self.visibility
                            .is_in([Visibility::Partners.as_str(), Visibility::Network.as_str()]),
                    )
                    .add(self.id.in_subquery(self.grants.to(own, None))),
            );
        }
        visible
    }

    /// The owner's members, and organisations with a live EDIT grant.
    fn write(&self, caller: &Caller) -> Condition {
        let Some(own) = caller.organisation_id() else {
            return Condition::all().add(self.id.is_null());
        };
        Condition::any().add(self.owner.eq(own)).add(
            Condition::all()
                .add(self.visibility.ne(Visibility::Private.as_str()))
                .add(
                    self.id
                        .in_subquery(self.grants.to(own, Some(SharePermission::Edit))),
                ),
        )
    }
}

const DOCUMENTS: SharedItem<document::Column> = SharedItem {
    id: document::Column::Id,
    owner: document::Column::OwnerOrganisationId,
    visibility: document::Column::Visibility,
    grants: DOCUMENT_GRANTS,
};

const TRAINING: SharedItem<training_material::Column> = SharedItem {
    id: training_material::Column::Id,
    owner: training_material::Column::ProviderOrganisationId,
    visibility: training_material::Column::Visibility,
    grants: TRAINING_GRANTS,
};

/// Training materials a caller may read: the same rules as documents, with
/// the provider as owner.
pub fn training_read(caller: &Caller) -> Condition {
    if caller.is_admin() {
        return Condition::all();
    }
    TRAINING.read(caller)
}

/// Training materials a caller may change.
pub fn training_write(caller: &Caller) -> Condition {
    if caller.is_admin() {
        return Condition::all();
    }
    TRAINING.write(caller)
}

/// Sharing a training material and changing its visibility: admins and the provider's members.
pub fn can_manage_training(caller: &Caller, material: &training_material::Model) -> ApiResult<()> {
    caller.writer()?;
    if caller.is_admin() || caller.organisation_id() == Some(material.provider_organisation_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Managing an organisation's webhook endpoints (and seeing their
/// deliveries): network admins, and the organisation's own admins, signed
/// in as themselves. An API token never does.
pub fn can_manage_webhooks(caller: &Caller, organisation_id: Uuid) -> bool {
    caller.is_admin() || caller.is_org_admin_of(organisation_id)
}

/// Webhook endpoints a caller may see: every one for network admins, their
/// own organisation's for its admins, none for anyone else.
pub fn webhook_endpoint_read(caller: &Caller) -> Condition {
    use sammen_entities::webhook_endpoint;
    if caller.is_admin() {
        return Condition::all();
    }
    match caller.organisation_id() {
        Some(own) if caller.is_org_admin_of(own) => {
            Condition::all().add(webhook_endpoint::Column::OrganisationId.eq(own))
        }
        _ => Condition::all().add(webhook_endpoint::Column::Id.is_null()),
    }
}

/// Deliveries a caller sees in an endpoint's log. A delivery is queued
/// before anyone checks the endpoint's organisation may read its subject;
/// that is checked at each attempt. So an organisation's admins see only
/// deliveries that were attempted (and so passed the check), never a
/// SKIPPED one or one still waiting for its first attempt; network admins
/// see all.
pub fn webhook_delivery_read(caller: &Caller) -> Condition {
    use sammen_entities::webhook_delivery;
    if caller.is_admin() {
        return Condition::all();
    }
    Condition::all()
        .add(webhook_delivery::Column::LastAttemptAt.is_not_null())
        .add(webhook_delivery::Column::Status.ne(crate::domain::WebhookDeliveryStatus::Skipped.as_str()))
}
