//! Who may do what. Every core operation that reads or changes records takes the
//! acting [`Actor`] and checks its role here, so a role's limits hold whatever the UI
//! shows or hides: a receptionist calling a clinical command directly from the page is
//! refused with `auth.forbidden` all the same.
//!
//! `users` holds the accounts and passwords; `settings` the clinic's settings.

pub mod settings;
pub mod throttle;
pub mod users;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Error, Result};

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The clinic owner or manager: accounts, settings, products, stock and the audit,
    /// and reading every record; but only an injector records and signs sessions.
    Admin,
    /// Nurses and physicians: clinical work.
    Injector,
    /// The front desk: demographics, appointments, printing handouts, the library.
    Receptionist,
}

impl Role {
    /// The stored text of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Injector => "injector",
            Role::Receptionist => "receptionist",
        }
    }

    /// The role stored as `s`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "injector" => Some(Role::Injector),
            "receptionist" => Some(Role::Receptionist),
            _ => None,
        }
    }

    /// Whether this role may do `what`.
    pub fn allows(self, what: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => what != ClinicalWrite,
            Role::Injector => matches!(
                what,
                Demographics | ClinicalRead | ClinicalWrite | Stock | PrintHandouts | ReadLibrary | WriteLibrary
            ),
            Role::Receptionist => matches!(what, Demographics | PrintHandouts | ReadLibrary | Booking),
        }
    }
}

/// What an operation needs the actor to be allowed. The UI asks the actor's list of
/// these (never its role's name) what to show; the core decides all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Permission {
    /// Find, view, register, edit and archive patients' demographics.
    Demographics,
    /// Read clinical notes (sessions, doses, adverse events).
    ClinicalRead,
    /// Record, sign and amend injection sessions: injectors only.
    ClinicalWrite,
    /// Receive stock, open vials, see the inventory.
    Stock,
    /// Edit the product catalogue.
    ManageProducts,
    /// Print handouts and paperwork.
    PrintHandouts,
    /// Read the article library.
    ReadLibrary,
    /// Write library articles.
    WriteLibrary,
    /// Create, deactivate and reset accounts; set roles.
    ManageUsers,
    /// Change clinic settings.
    ManageSettings,
    /// Read and export the audit trail.
    ViewAudit,
    /// Book, reschedule, cancel and check in appointments; record recall calls.
    Booking,
    /// Take every record out of the clinic: the full CSV and FHIR exports.
    ExportRecords,
}

impl Permission {
    /// Every permission, in the order the UI lists them.
    pub const ALL: [Permission; 13] = [
        Permission::Demographics,
        Permission::ClinicalRead,
        Permission::ClinicalWrite,
        Permission::Stock,
        Permission::ManageProducts,
        Permission::PrintHandouts,
        Permission::ReadLibrary,
        Permission::WriteLibrary,
        Permission::ManageUsers,
        Permission::ManageSettings,
        Permission::ViewAudit,
        Permission::Booking,
        Permission::ExportRecords,
    ];
}

/// The signed-in person on whose behalf an operation runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// What the role allows, for the UI to show or hide screens by.
    pub permissions: Vec<Permission>,
}

impl Actor {
    /// The actor for an account, with its role's permissions.
    pub fn new(user_id: i64, username: impl Into<String>, display_name: impl Into<String>, role: Role) -> Actor {
        let permissions = Permission::ALL.into_iter().filter(|p| role.allows(*p)).collect();
        Actor { user_id, username: username.into(), display_name: display_name.into(), role, permissions }
    }

    /// Refuses with `auth.forbidden` unless the actor's role allows `what`.
    pub fn require(&self, what: Permission) -> Result<()> {
        if self.role.allows(what) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}

impl Actor {
    /// An audit entry of `action` by this actor.
    pub fn audit(&self, action: crate::audit::Action) -> crate::audit::NewEntry {
        crate::audit::NewEntry::new(Some(self.user_id), &self.username, action)
    }
}
