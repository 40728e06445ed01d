//! *Settings → Workstations*: the computers paired with the clinic server, a one-time
//! pairing code for a new one, and revoking one. Only a clinic server has
//! workstations; it lends the core its list of devices as a [`Workstations`]. On a
//! computer that holds the records itself there are none (`workstations.none`).

use serde::Serialize;
use specta::Type;

use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::clinic::Clinic;
use crate::{Error, Result};

/// The clinic server's paired devices, as the server keeps them (outside the database:
/// it must know them before anyone has signed in).
pub trait Workstations: Send + Sync {
    fn list(&self) -> Vec<Workstation>;
    /// A new one-time pairing code.
    fn pairing_code(&self) -> Result<PairingCode>;
    /// Refuses the device `id` from now on, closing its connections; `false` if there
    /// is no such device still paired.
    fn revoke(&self, id: &str) -> Result<bool>;
}

/// A paired computer, as *Settings → Workstations* lists it (times in UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Workstation {
    pub id: String,
    pub name: String,
    pub paired_at: String,
    pub last_seen: Option<String>,
    pub revoked_at: Option<String>,
    /// Whether it is the computer this list is shown on.
    pub this_computer: bool,
}

/// A code to type on the new workstation, and until when it pairs (UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PairingCode {
    pub code: String,
    pub expires_at: String,
}

/// Where there are no workstations: this computer holds the records itself.
pub struct NoWorkstations;

impl Workstations for NoWorkstations {
    fn list(&self) -> Vec<Workstation> {
        Vec::new()
    }

    fn pairing_code(&self) -> Result<PairingCode> {
        Err(none())
    }

    fn revoke(&self, _: &str) -> Result<bool> {
        Err(none())
    }
}

fn none() -> Error {
    Error::invalid(
        "workstations",
        "This computer holds the clinic's records itself: workstations pair with a clinic server.",
    )
}

pub fn list_workstations(_clinic: &Clinic, actor: &Actor, devices: &dyn Workstations) -> Result<Vec<Workstation>> {
    actor.require(Permission::ManageSettings)?;
    Ok(devices.list())
}

/// A one-time pairing code, valid 10 minutes; showing it is audited.
pub fn start_pairing(clinic: &Clinic, actor: &Actor, devices: &dyn Workstations) -> Result<PairingCode> {
    actor.require(Permission::ManageSettings)?;
    let code = devices.pairing_code()?;
    clinic
        .db()
        .write(|tx| audit::record(tx, &actor.audit(Action::WorkstationPairingCode).on(entity::WORKSTATION, "")))?;
    Ok(code)
}

/// Revokes the workstation `id`: its connections close at once and it cannot connect
/// again. The computer in use is not revoked from itself (its administrator would be
/// cut off mid-click).
pub fn revoke_workstation(clinic: &Clinic, actor: &Actor, devices: &dyn Workstations, id: &str) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    if devices.list().iter().any(|w| w.id == id && w.this_computer) {
        return Err(Error::invalid(
            "id",
            "This is the computer you are using: revoke it from another workstation, or with glabella-server on the server computer.",
        ));
    }
    if !devices.revoke(id)? {
        return Err(Error::invalid("id", "This workstation is not paired (it may have been revoked already)."));
    }
    clinic.db().write(|tx| audit::record(tx, &actor.audit(Action::WorkstationRevoke).on(entity::WORKSTATION, id)))?;
    Ok(())
}
