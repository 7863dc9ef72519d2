//! Stored enumerations. Each is a sea-orm active enum stored by its
//! SCREAMING_CASE name in a plain text column (so SQLite and PostgreSQL share
//! one schema), the GraphQL enum of the same name, and has a Fluent label
//! `enum-<type>-<value>`. A row holding any other name fails to load: it is an
//! error, never read as some default.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a stored enumeration: its variants, the name each is stored
/// under, and the prefix of its Fluent labels.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident($label:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $db:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum,
            async_graphql::Enum, Serialize, Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $ty {
            $( $(#[$vmeta])* #[sea_orm(string_value = $db)] $variant ),+
        }

        impl $ty {
            /// The name stored in the database and used in GraphQL.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $db),+ }
            }

            /// Parses a stored name; `None` for anything else.
            pub fn from_db(s: &str) -> Option<Self> {
                match s { $($db => Some(Self::$variant),)+ _ => None }
            }

            /// The Fluent message id of this value's label.
            pub fn label_id(self) -> String {
                format!("enum-{}-{}", $label, self.as_str().to_ascii_lowercase().replace('_', "-"))
            }

            pub const ALL: &'static [$ty] = &[$(Self::$variant),+];
        }
    };
}

stored_enum! {
    /// What kind of organisation it is.
    pub enum OrganisationKind("organisation-kind") {
        NationalAssociation = "NATIONAL_ASSOCIATION",
        UserOrganisation = "USER_ORGANISATION",
        CompetenceCentre = "COMPETENCE_CENTRE",
        Hospital = "HOSPITAL",
        Municipality = "MUNICIPALITY",
        University = "UNIVERSITY",
        TrainingProvider = "TRAINING_PROVIDER",
        Ngo = "NGO",
        Other = "OTHER",
    }
}

stored_enum! {
    /// Where the association's relationship with an organisation stands.
    pub enum PartnershipStatus("partnership-status") {
        /// Identified as a possible partner; no contact yet.
        Prospect = "PROSPECT",
        /// In conversation about working together.
        InDialogue = "IN_DIALOGUE",
        /// A partnership agreement is signed.
        Agreement = "AGREEMENT",
        /// Working together.
        Active = "ACTIVE",
        /// Partnership on hold; can become ACTIVE again.
        Paused = "PAUSED",
        /// The partnership is over.
        Ended = "ENDED",
    }
}

impl PartnershipStatus {
    /// The statuses this one may move to. Forward one step at a time, ACTIVE
    /// and PAUSED back and forth, and any open relationship may end.
    pub fn next(self) -> &'static [PartnershipStatus] {
        use PartnershipStatus::*;
        match self {
            Prospect => &[InDialogue, Ended],
            InDialogue => &[Agreement, Ended],
            Agreement => &[Active, Ended],
            Active => &[Paused, Ended],
            Paused => &[Active, Ended],
            Ended => &[],
        }
    }

    pub fn can_become(self, to: PartnershipStatus) -> bool {
        self.next().contains(&to)
    }

    /// Whether members of such an organisation see NETWORK content.
    pub fn is_network_member(self) -> bool {
        matches!(self, Self::Agreement | Self::Active)
    }
}

stored_enum! {
    /// A person's role in their organisation.
    pub enum OrgRole("org-role") {
        Member = "MEMBER",
        /// Manages the organisation's profile, people and tokens.
        OrgAdmin = "ORG_ADMIN",
    }
}

stored_enum! {
    /// What an API token may do.
    pub enum TokenScope("token-scope") {
        /// Queries only.
        Read = "READ",
        /// Queries and mutations.
        ReadWrite = "READ_WRITE",
    }
}

stored_enum! {
    /// Review state of a stored translation.
    pub enum TranslationStatus("translation-status") {
        Draft = "DRAFT",
        Reviewed = "REVIEWED",
    }
}

stored_enum! {
    /// What kind of document it is.
    pub enum DocumentKind("document-kind") {
        Report = "REPORT",
        Survey = "SURVEY",
        Guideline = "GUIDELINE",
        Ethics = "ETHICS",
        Policy = "POLICY",
        Article = "ARTICLE",
        Presentation = "PRESENTATION",
        Agreement = "AGREEMENT",
        Template = "TEMPLATE",
        Other = "OTHER",
    }
}

stored_enum! {
    /// Who may read a document, training material or project.
    pub enum Visibility("visibility") {
        /// The owner organisation only.
        Private = "PRIVATE",
        /// The owner and organisations it shared the item with.
        Partners = "PARTNERS",
        /// Every organisation whose partnership is AGREEMENT or ACTIVE (and those it was shared with).
        Network = "NETWORK",
        /// Anyone, signed in or not.
        Public = "PUBLIC",
    }
}

stored_enum! {
    /// What a grant lets an organisation do with a shared item.
    pub enum SharePermission("share-permission") {
        /// Read and download.
        View = "VIEW",
        /// Also change metadata and add versions.
        Edit = "EDIT",
    }
}

stored_enum! {
    /// Where a joint project stands.
    pub enum ProjectStatus("project-status") {
        Planned = "PLANNED",
        Active = "ACTIVE",
        Completed = "COMPLETED",
        Cancelled = "CANCELLED",
    }
}

impl ProjectStatus {
    /// PLANNED → ACTIVE → COMPLETED; a planned or active project may be cancelled.
    pub fn can_become(self, to: ProjectStatus) -> bool {
        use ProjectStatus::*;
        matches!(
            (self, to),
            (Planned, Active) | (Planned, Cancelled) | (Active, Completed) | (Active, Cancelled)
        )
    }
}

stored_enum! {
    /// An organisation's part in a project.
    pub enum ParticipantRole("participant-role") {
        Coordinator = "COORDINATOR",
        Partner = "PARTNER",
        Associate = "ASSOCIATE",
    }
}

stored_enum! {
    /// A person's part in a project.
    pub enum MemberRole("member-role") {
        /// Changes anything in the project.
        Coordinator = "COORDINATOR",
        /// Adds documents and updates the deliverables their organisation is responsible for.
        Contributor = "CONTRIBUTOR",
        /// Reads.
        Viewer = "VIEWER",
    }
}

stored_enum! {
    /// Where a deliverable stands.
    pub enum DeliverableStatus("deliverable-status") {
        Planned = "PLANNED",
        InProgress = "IN_PROGRESS",
        Submitted = "SUBMITTED",
        Accepted = "ACCEPTED",
    }
}

impl DeliverableStatus {
    /// Forward one step at a time; a submitted deliverable may go back for more work.
    pub fn can_become(self, to: DeliverableStatus) -> bool {
        use DeliverableStatus::*;
        matches!(
            (self, to),
            (Planned, InProgress) | (InProgress, Submitted) | (Submitted, Accepted) | (Submitted, InProgress)
        )
    }
}

stored_enum! {
    /// What kind of training material it is.
    pub enum TrainingKind("training-kind") {
        Course = "COURSE",
        Module = "MODULE",
        Webinar = "WEBINAR",
        Guide = "GUIDE",
        Curriculum = "CURRICULUM",
    }
}

stored_enum! {
    /// Who a training material is for.
    pub enum Audience("audience") {
        PeerWorkers = "PEER_WORKERS",
        ProspectivePeerWorkers = "PROSPECTIVE_PEER_WORKERS",
        Employers = "EMPLOYERS",
        ColleaguesAndManagers = "COLLEAGUES_AND_MANAGERS",
        ServiceUsers = "SERVICE_USERS",
        Relatives = "RELATIVES",
        Educators = "EDUCATORS",
    }
}

stored_enum! {
    /// How a training is delivered.
    pub enum DeliveryMode("delivery-mode") {
        InPerson = "IN_PERSON",
        Online = "ONLINE",
        Blended = "BLENDED",
    }
}

impl DeliveryMode {
    /// The schema.org `courseMode` value.
    pub fn course_mode(self) -> &'static str {
        match self {
            Self::InPerson => "Onsite",
            Self::Online => "Online",
            Self::Blended => "Blended",
        }
    }
}

stored_enum! {
    /// Whether an offering takes place.
    pub enum OfferingStatus("offering-status") {
        Scheduled = "SCHEDULED",
        Cancelled = "CANCELLED",
    }
}

stored_enum! {
    /// Where a webhook delivery stands.
    pub enum WebhookDeliveryStatus("webhook-delivery-status") {
        /// Waiting for its next attempt (or being attempted).
        Pending = "PENDING",
        /// The endpoint answered 2xx.
        Succeeded = "SUCCEEDED",
        /// Given up: attempts exhausted, a 4xx answer, or the endpoint disabled.
        Failed = "FAILED",
        /// Not sent: the endpoint's organisation could not read the subject
        /// when it was due.
        Skipped = "SKIPPED",
    }
}

/// What a token was issued as: a person's sign-in session or an API token
/// acting for an organisation. Not part of the GraphQL schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenKind {
    #[sea_orm(string_value = "SESSION")]
    Session,
    #[sea_orm(string_value = "API")]
    Api,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Session => "SESSION",
            Self::Api => "API",
        }
    }
}
