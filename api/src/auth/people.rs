//! Storing a new person: one place for the API's `createUser`, the CLI's
//! `user create` and the demo data.

use chrono::Utc;
use sammen_entities::{event, person};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

use crate::domain::{Email, OrgRole};
use crate::events::NewEvent;

/// A person to insert. The password is already hashed.
pub struct NewPerson {
    pub email: Email,
    pub display_name: String,
    pub organisation_id: Option<Uuid>,
    pub org_role: OrgRole,
    pub is_admin: bool,
    pub translator_locales: Vec<String>,
    pub preferred_locale: Option<String>,
    pub password_hash: String,
}

impl NewPerson {
    /// Inserts the person and its `person.created` event (by `actor`, none
    /// for the command line and the demo data); a taken e-mail address is a
    /// unique-constraint error. Call it inside a transaction.
    pub async fn insert(
        self,
        db: &impl ConnectionTrait,
        actor: Option<Uuid>,
    ) -> Result<(person::Model, event::Model), DbErr> {
        let now = Utc::now();
        let person = person::ActiveModel {
            id: Set(Uuid::now_v7()),
            email: Set(self.email.into_string()),
            search_name: Set(sammen_entities::search::fold(&self.display_name)),
            display_name: Set(self.display_name),
            organisation_id: Set(self.organisation_id),
            org_role: Set(self.org_role),
            is_admin: Set(self.is_admin),
            translator_locales: Set(sammen_entities::list::StringList::from(self.translator_locales)),
            preferred_locale: Set(self.preferred_locale),
            password_hash: Set(Some(self.password_hash)),
            disabled: Set(false),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        let event = crate::events::record(
            db,
            NewEvent {
                kind: "person.created",
                subject_type: "Person",
                subject_id: person.id,
                project_id: None,
                actor_id: actor,
                payload: serde_json::json!({
                    "organisationId": person.organisation_id,
                    "orgRole": person.org_role,
                    "isAdmin": person.is_admin,
                    "translatorLocales": person.translator_locales,
                }),
            },
        )
        .await?;
        Ok((person, event))
    }
}
