//! Plain records that a lower layer must be able to name: the error type carries the
//! likely duplicates of a patient, so their summary lives here rather than in
//! `patients`, which re-exports it; the key file records the audit log's head, so
//! [`AuditHead`] lives here rather than in `audit`, which re-exports it. Nothing here
//! imports anything of the crate.

use serde::{Deserialize, Serialize};
use specta::Type;

/// One line of a search result or duplicate warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PatientSummary {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub archived: bool,
}

/// The newest end of the audit log's hash chain: how many entries it has and the
/// newest entry's hash (the genesis hash for an empty log). Recorded outside the
/// database (in the key file, in a backup's manifest), it shows later whether entries
/// were cut from the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditHead {
    pub entries: i64,
    pub hash: String,
}
