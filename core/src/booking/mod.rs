//! The front desk: the clinic's hours and rooms ([`setup`]), the appointment book and
//! its conflict rules ([`book`]), the day, week and today views of it ([`views`]), and
//! the calls to patients due back ([`calls`]).
//!
//! An appointment is a span of UTC instants `[starts_at, ends_at)`; which local day and
//! wall-clock time it is comes from the clinic's time zone ([`crate::calendar`]), so a
//! daylight-saving change moves nothing.

pub mod book;
pub mod calls;
pub mod setup;
pub mod views;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::products::TreatmentKind;

/// What an appointment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum AppointmentKind {
    Neurotoxin,
    Filler,
    Review,
    Consultation,
    Other,
}

impl AppointmentKind {
    /// Every kind, in the order the booking dialog offers them.
    pub const ALL: [AppointmentKind; 5] = [
        AppointmentKind::Neurotoxin,
        AppointmentKind::Filler,
        AppointmentKind::Review,
        AppointmentKind::Consultation,
        AppointmentKind::Other,
    ];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentKind::Neurotoxin => "neurotoxin",
            AppointmentKind::Filler => "filler",
            AppointmentKind::Review => "review",
            AppointmentKind::Consultation => "consultation",
            AppointmentKind::Other => "other",
        }
    }

    /// The kind stored as `s`.
    pub fn parse(s: &str) -> AppointmentKind {
        AppointmentKind::ALL.into_iter().find(|k| k.as_str() == s).unwrap_or(AppointmentKind::Other)
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            AppointmentKind::Neurotoxin => "Neurotoxin",
            AppointmentKind::Filler => "Filler",
            AppointmentKind::Review => "Review",
            AppointmentKind::Consultation => "Consultation",
            AppointmentKind::Other => "Other",
        }
    }

    /// Minutes an appointment of this kind takes unless the clinic set otherwise.
    pub fn default_minutes(self) -> u32 {
        match self {
            AppointmentKind::Neurotoxin | AppointmentKind::Consultation => 30,
            AppointmentKind::Filler => 45,
            AppointmentKind::Review => 15,
            AppointmentKind::Other => 30,
        }
    }

    /// The kind of appointment that books a session of `kind` again.
    pub fn of_treatment(kind: TreatmentKind) -> AppointmentKind {
        match kind {
            TreatmentKind::Neurotoxin => AppointmentKind::Neurotoxin,
            TreatmentKind::Filler => AppointmentKind::Filler,
            TreatmentKind::Other => AppointmentKind::Other,
        }
    }

    /// The kind of session an appointment of this kind starts.
    pub fn treatment(self) -> TreatmentKind {
        match self {
            AppointmentKind::Neurotoxin => TreatmentKind::Neurotoxin,
            AppointmentKind::Filler => TreatmentKind::Filler,
            _ => TreatmentKind::Other,
        }
    }
}

/// Where an appointment stands: booked → arrived → in treatment → completed, or no-show,
/// or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Booked,
    Arrived,
    InTreatment,
    Completed,
    NoShow,
    Cancelled,
}

impl Status {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Arrived => "arrived",
            Status::InTreatment => "in_treatment",
            Status::Completed => "completed",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
        }
    }

    /// The status stored as `s`.
    pub fn parse(s: &str) -> Status {
        match s {
            "arrived" => Status::Arrived,
            "in_treatment" => Status::InTreatment,
            "completed" => Status::Completed,
            "no_show" => Status::NoShow,
            "cancelled" => Status::Cancelled,
            _ => Status::Booked,
        }
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Arrived => "arrived",
            Status::InTreatment => "in treatment",
            Status::Completed => "completed",
            Status::NoShow => "no-show",
            Status::Cancelled => "cancelled",
        }
    }

    /// Whether the appointment still holds its injector, room and time.
    pub fn holds_slot(self) -> bool {
        !matches!(self, Status::Cancelled | Status::NoShow)
    }
}

/// Why an appointment was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CancelReason {
    /// The patient cancelled.
    Patient,
    /// The clinic cancelled.
    Clinic,
    /// Moved to another appointment.
    Rebooked,
}

impl CancelReason {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::Patient => "patient",
            CancelReason::Clinic => "clinic",
            CancelReason::Rebooked => "rebooked",
        }
    }

    /// The reason stored as `s`.
    pub fn parse(s: &str) -> Option<CancelReason> {
        match s {
            "patient" => Some(CancelReason::Patient),
            "clinic" => Some(CancelReason::Clinic),
            "rebooked" => Some(CancelReason::Rebooked),
            _ => None,
        }
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            CancelReason::Patient => "patient cancelled",
            CancelReason::Clinic => "clinic cancelled",
            CancelReason::Rebooked => "rebooked",
        }
    }
}

/// An appointment as the book, the chart and today's list show it. Times are given both
/// as stored (UTC) and as the clinic writes them in its time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub patient_phone: String,
    /// The patient has allergies or a medical flag: the day sheet and the book mark it.
    pub patient_alert: bool,
    pub injector_id: i64,
    pub injector_name: String,
    pub room_id: Option<i64>,
    pub room_name: String,
    pub kind: AppointmentKind,
    pub kind_label: String,
    /// UTC, ISO-8601.
    pub starts_at: String,
    pub ends_at: String,
    pub minutes: u32,
    /// The clinic's local date, `YYYY-MM-DD` (for moving to that day).
    pub date: String,
    /// The local date as the clinic writes it, e.g. `02/04/2026`.
    pub date_label: String,
    /// The local start and end times as the clinic writes them, e.g. `2:30 PM`.
    pub start_label: String,
    pub end_label: String,
    /// Minutes since the local midnight of its day, for placing it on the grid.
    pub start_minute: u32,
    pub note: String,
    pub status: Status,
    pub status_label: String,
    pub cancel_reason: Option<CancelReason>,
    pub arrived_at: Option<String>,
    pub session_id: Option<i64>,
}
