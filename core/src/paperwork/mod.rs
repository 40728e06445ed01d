//! The front desk's paperwork: the recall call list (printed, or saved as CSV) and an
//! injector's day sheet. Both are a [`Sheet`] — a titled table under the clinic's
//! letterhead — typeset by the same Typst pipeline as the aftercare handouts
//! ([`crate::typeset`]), on the clinic's paper, with dates and times written the
//! clinic's way in its time zone. Each is a disclosure of patients' details, so each
//! is audited, naming how many patients it held (never who).
//!
//! The functions here make the documents and record them; the API decides the
//! transactions, so that the printer is only ever called once the write is over.

mod calls;
mod daysheet;
mod sheet;

pub use calls::{call_list_csv, call_list_file_name, call_list_pdf, due_patients, record_call_list, CALL_LIST_HEADER};
pub use daysheet::{day_sheet, day_sheet_job, record_day_sheet, DaySheet};
pub use sheet::{Column, Row, Sheet};

/// A list saved as a file: its name and how many patients it holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedList {
    pub file_name: String,
    pub patients: u32,
}
