//! One branch of `ok` per type: the matches of that type joined to its
//! table under the `auth::policy` condition the lists use, narrowed by
//! the filter, with the facet attributes (country, EQF level, licence).

use sammen_entities::{document, organisation, person, project, project_participant, training_material};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Cond, Expr, ExprTrait, Query as Sql, SelectStatement};

use super::{Search, alias, m};
use crate::auth::policy;
use crate::domain::{DocumentKind, OrganisationKind, TrainingKind};
use crate::graphql::filters;
use crate::search::index::ItemType;

impl Search<'_> {
    /// The branch of type `item_type`: its matches the caller may read and
    /// the filter keeps, with country, EQF level and licence. `None` if the
    /// filter rules the type out.
    pub(super) fn branch(&self, item_type: ItemType) -> Option<SelectStatement> {
        let f = self.filter;
        let caller = self.caller;
        let null_text = || Expr::cust("CAST(NULL AS TEXT)");
        let mut s = Sql::select();
        s.expr(m("doc_id"))
            .expr(m("item_type"))
            .expr(m("item_id"))
            .expr(m("part"))
            .expr(m("locale"))
            .expr(m("is_original"))
            .expr(m("score"))
            .from(alias("m"))
            .and_where(m("item_type").eq(item_type.as_str()));
        let country = Expr::col((organisation::Entity, organisation::Column::Country));
        // An attribute from another row (an owner's country) is used only
        // if the caller may read that row.
        let readable_organisation = |id: Expr| {
            Cond::all()
                .add(Expr::col((organisation::Entity, organisation::Column::Id)).eq(id))
                .add(policy::organisation_read(caller))
        };
        let kinds = |known: &dyn Fn(&str) -> bool| -> Option<Option<Vec<String>>> {
            if f.kinds.is_empty() {
                return Some(None);
            }
            let names: Vec<String> = f.kinds.iter().filter(|k| known(k)).cloned().collect();
            (!names.is_empty()).then_some(Some(names))
        };
        let only_training = !f.eqf_levels.is_empty() || !f.audiences.is_empty();
        match item_type {
            ItemType::Document => {
                if only_training {
                    return None;
                }
                let kinds = kinds(&|k| DocumentKind::from_db(k).is_some())?;
                self.join_matches(&mut s, document::Entity);
                s.left_join(
                    organisation::Entity,
                    readable_organisation(Expr::col((
                        document::Entity,
                        document::Column::OwnerOrganisationId,
                    ))),
                )
                .expr_as(country.clone(), alias("country"))
                .expr_as(Expr::cust("CAST(NULL AS INTEGER)"), alias("eqf_level"))
                .expr_as(
                    Expr::col((document::Entity, document::Column::License)),
                    alias("license"),
                )
                .cond_where(policy::document_read(caller));
                if let Some(kinds) = kinds {
                    s.and_where(document::Column::Kind.is_in(kinds));
                }
                if !f.licenses.is_empty() {
                    s.and_where(document::Column::License.is_in(f.licenses.clone()));
                }
                if let Some(id) = f.organisation_id {
                    s.and_where(document::Column::OwnerOrganisationId.eq(id));
                }
                if let Some(since) = f.updated_since {
                    s.and_where(document::Column::UpdatedAt.gte(since));
                }
            }
            ItemType::TrainingMaterial => {
                let kinds = kinds(&|k| TrainingKind::from_db(k).is_some())?;
                self.join_matches(&mut s, training_material::Entity);
                s.left_join(
                    organisation::Entity,
                    readable_organisation(Expr::col((
                        training_material::Entity,
                        training_material::Column::ProviderOrganisationId,
                    ))),
                )
                .expr_as(country.clone(), alias("country"))
                .expr_as(
                    Expr::col((training_material::Entity, training_material::Column::EqfLevel)),
                    alias("eqf_level"),
                )
                .expr_as(
                    Expr::col((training_material::Entity, training_material::Column::License)),
                    alias("license"),
                )
                .cond_where(policy::training_read(caller));
                if let Some(kinds) = kinds {
                    s.and_where(training_material::Column::Kind.is_in(kinds));
                }
                if !f.licenses.is_empty() {
                    s.and_where(training_material::Column::License.is_in(f.licenses.clone()));
                }
                if !f.eqf_levels.is_empty() {
                    s.and_where(training_material::Column::EqfLevel.is_in(f.eqf_levels.clone()));
                }
                if !f.audiences.is_empty() {
                    let mut any = Cond::any();
                    for audience in &f.audiences {
                        any = any.add(filters::contains_text(
                            self.backend,
                            Expr::col((
                                training_material::Entity,
                                training_material::Column::TargetAudiences,
                            ))
                            .cast_as("TEXT"),
                            &format!("\"{audience}\""),
                        ));
                    }
                    s.cond_where(any);
                }
                if let Some(id) = f.organisation_id {
                    s.and_where(training_material::Column::ProviderOrganisationId.eq(id));
                }
                if let Some(since) = f.updated_since {
                    s.and_where(training_material::Column::UpdatedAt.gte(since));
                }
            }
            ItemType::Project => {
                if only_training || !f.licenses.is_empty() || !f.kinds.is_empty() {
                    return None;
                }
                // One row per participant, for the countries facet.
                self.join_matches(&mut s, project::Entity);
                s.left_join(
                    project_participant::Entity,
                    Expr::col((
                        project_participant::Entity,
                        project_participant::Column::ProjectId,
                    ))
                    .equals((project::Entity, project::Column::Id)),
                )
                .left_join(
                    organisation::Entity,
                    readable_organisation(Expr::col((
                        project_participant::Entity,
                        project_participant::Column::OrganisationId,
                    ))),
                )
                .expr_as(country.clone(), alias("country"))
                .expr_as(Expr::cust("CAST(NULL AS INTEGER)"), alias("eqf_level"))
                .expr_as(null_text(), alias("license"))
                .cond_where(policy::project_read(caller));
                if let Some(id) = f.organisation_id {
                    s.and_where(
                        project::Column::Id.in_subquery(
                            Sql::select()
                                .column(project_participant::Column::ProjectId)
                                .from(project_participant::Entity)
                                .and_where(project_participant::Column::OrganisationId.eq(id))
                                .to_owned(),
                        ),
                    );
                }
                if let Some(since) = f.updated_since {
                    s.and_where(project::Column::UpdatedAt.gte(since));
                }
            }
            ItemType::Organisation => {
                if only_training || !f.licenses.is_empty() {
                    return None;
                }
                let kinds = kinds(&|k| OrganisationKind::from_db(k).is_some())?;
                self.join_matches(&mut s, organisation::Entity);
                s.expr_as(country.clone(), alias("country"))
                    .expr_as(Expr::cust("CAST(NULL AS INTEGER)"), alias("eqf_level"))
                    .expr_as(null_text(), alias("license"))
                    .cond_where(policy::organisation_read(caller));
                if let Some(kinds) = kinds {
                    s.and_where(organisation::Column::Kind.is_in(kinds));
                }
                if let Some(id) = f.organisation_id {
                    s.and_where(organisation::Column::Id.eq(id));
                }
                if let Some(since) = f.updated_since {
                    s.and_where(organisation::Column::UpdatedAt.gte(since));
                }
            }
            ItemType::Person => {
                if only_training || !f.licenses.is_empty() || !f.kinds.is_empty() {
                    return None;
                }
                self.join_matches(&mut s, person::Entity);
                s.left_join(
                    organisation::Entity,
                    readable_organisation(Expr::col((person::Entity, person::Column::OrganisationId))),
                )
                .expr_as(country.clone(), alias("country"))
                .expr_as(Expr::cust("CAST(NULL AS INTEGER)"), alias("eqf_level"))
                .expr_as(null_text(), alias("license"))
                .cond_where(policy::person_read(caller));
                if let Some(id) = f.organisation_id {
                    s.and_where(person::Column::OrganisationId.eq(id));
                }
                if let Some(since) = f.updated_since {
                    s.and_where(person::Column::UpdatedAt.gte(since));
                }
            }
        }
        if !f.countries.is_empty() {
            // Through COALESCE, so that SQLite keeps the LEFT JOIN and its
            // place after the matches: a bare `organisation.country IN …`
            // lets it start from the country index and search the matches
            // once per organisation. No country is the empty string.
            let country_or_empty = Expr::cust(r#"COALESCE("organisation"."country", '')"#);
            s.and_where(country_or_empty.is_in(f.countries.clone()));
        }
        Some(s)
    }
}
