//! Domain enumerations. Each is a GraphQL enum and is stored by its
//! SCREAMING_CASE name; the Fluent id of its label is `enum-<type>-<value>`.

use async_graphql::Enum;

/// Declares how an enum is stored and labelled.
macro_rules! stored_enum {
    ($ty:ident, $label:literal, { $($variant:ident => $db:literal),+ $(,)? }) => {
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

/// What kind of organisation it is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganisationKind {
    NationalAssociation,
    UserOrganisation,
    CompetenceCentre,
    Hospital,
    Municipality,
    University,
    TrainingProvider,
    Ngo,
    Other,
}

stored_enum!(OrganisationKind, "organisation-kind", {
    NationalAssociation => "NATIONAL_ASSOCIATION",
    UserOrganisation => "USER_ORGANISATION",
    CompetenceCentre => "COMPETENCE_CENTRE",
    Hospital => "HOSPITAL",
    Municipality => "MUNICIPALITY",
    University => "UNIVERSITY",
    TrainingProvider => "TRAINING_PROVIDER",
    Ngo => "NGO",
    Other => "OTHER",
});

/// Where the association's relationship with an organisation stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartnershipStatus {
    /// Identified as a possible partner; no contact yet.
    Prospect,
    /// In conversation about working together.
    InDialogue,
    /// A partnership agreement is signed.
    Agreement,
    /// Working together.
    Active,
    /// Partnership on hold; can become ACTIVE again.
    Paused,
    /// The partnership is over.
    Ended,
}

stored_enum!(PartnershipStatus, "partnership-status", {
    Prospect => "PROSPECT",
    InDialogue => "IN_DIALOGUE",
    Agreement => "AGREEMENT",
    Active => "ACTIVE",
    Paused => "PAUSED",
    Ended => "ENDED",
});

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

/// A person's role in their organisation.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgRole {
    Member,
    /// Manages the organisation's profile, people and tokens.
    OrgAdmin,
}

stored_enum!(OrgRole, "org-role", { Member => "MEMBER", OrgAdmin => "ORG_ADMIN" });

/// What an API token may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenScope {
    /// Queries only.
    Read,
    /// Queries and mutations.
    ReadWrite,
}

stored_enum!(TokenScope, "token-scope", { Read => "READ", ReadWrite => "READ_WRITE" });

/// Review state of a stored translation.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TranslationStatus {
    Draft,
    Reviewed,
}

stored_enum!(TranslationStatus, "translation-status", { Draft => "DRAFT", Reviewed => "REVIEWED" });

/// What kind of document it is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    Report,
    Survey,
    Guideline,
    Ethics,
    Policy,
    Article,
    Presentation,
    Agreement,
    Template,
    Other,
}

stored_enum!(DocumentKind, "document-kind", {
    Report => "REPORT",
    Survey => "SURVEY",
    Guideline => "GUIDELINE",
    Ethics => "ETHICS",
    Policy => "POLICY",
    Article => "ARTICLE",
    Presentation => "PRESENTATION",
    Agreement => "AGREEMENT",
    Template => "TEMPLATE",
    Other => "OTHER",
});

/// Who may read a document, training material or project.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// The owner organisation only.
    Private,
    /// The owner and organisations it shared the item with.
    Partners,
    /// Every organisation whose partnership is AGREEMENT or ACTIVE (and those it was shared with).
    Network,
    /// Anyone, signed in or not.
    Public,
}

stored_enum!(Visibility, "visibility", {
    Private => "PRIVATE",
    Partners => "PARTNERS",
    Network => "NETWORK",
    Public => "PUBLIC",
});

/// What a grant lets an organisation do with a shared item.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SharePermission {
    /// Read and download.
    View,
    /// Also change metadata and add versions.
    Edit,
}

stored_enum!(SharePermission, "share-permission", { View => "VIEW", Edit => "EDIT" });

/// Where a joint project stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectStatus {
    Planned,
    Active,
    Completed,
    Cancelled,
}

stored_enum!(ProjectStatus, "project-status", {
    Planned => "PLANNED",
    Active => "ACTIVE",
    Completed => "COMPLETED",
    Cancelled => "CANCELLED",
});

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

/// An organisation's part in a project.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParticipantRole {
    Coordinator,
    Partner,
    Associate,
}

stored_enum!(ParticipantRole, "participant-role", {
    Coordinator => "COORDINATOR",
    Partner => "PARTNER",
    Associate => "ASSOCIATE",
});

/// A person's part in a project.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberRole {
    /// Changes anything in the project.
    Coordinator,
    /// Adds documents and updates the deliverables their organisation is responsible for.
    Contributor,
    /// Reads.
    Viewer,
}

stored_enum!(MemberRole, "member-role", {
    Coordinator => "COORDINATOR",
    Contributor => "CONTRIBUTOR",
    Viewer => "VIEWER",
});

/// Where a deliverable stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliverableStatus {
    Planned,
    InProgress,
    Submitted,
    Accepted,
}

stored_enum!(DeliverableStatus, "deliverable-status", {
    Planned => "PLANNED",
    InProgress => "IN_PROGRESS",
    Submitted => "SUBMITTED",
    Accepted => "ACCEPTED",
});

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

/// What kind of training material it is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainingKind {
    Course,
    Module,
    Webinar,
    Guide,
    Curriculum,
}

stored_enum!(TrainingKind, "training-kind", {
    Course => "COURSE",
    Module => "MODULE",
    Webinar => "WEBINAR",
    Guide => "GUIDE",
    Curriculum => "CURRICULUM",
});

/// Who a training material is for.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    PeerWorkers,
    ProspectivePeerWorkers,
    Employers,
    ColleaguesAndManagers,
    ServiceUsers,
    Relatives,
    Educators,
}

stored_enum!(Audience, "audience", {
    PeerWorkers => "PEER_WORKERS",
    ProspectivePeerWorkers => "PROSPECTIVE_PEER_WORKERS",
    Employers => "EMPLOYERS",
    ColleaguesAndManagers => "COLLEAGUES_AND_MANAGERS",
    ServiceUsers => "SERVICE_USERS",
    Relatives => "RELATIVES",
    Educators => "EDUCATORS",
});

/// How a training is delivered.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMode {
    InPerson,
    Online,
    Blended,
}

stored_enum!(DeliveryMode, "delivery-mode", {
    InPerson => "IN_PERSON",
    Online => "ONLINE",
    Blended => "BLENDED",
});

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

/// Whether an offering takes place.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferingStatus {
    Scheduled,
    Cancelled,
}

stored_enum!(OfferingStatus, "offering-status", { Scheduled => "SCHEDULED", Cancelled => "CANCELLED" });
