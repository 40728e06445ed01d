//! Glabella's core: the domain rules and the SQLite storage of an injection clinic's
//! front office. It knows nothing of Tauri or of windows, so the desktop shell, the
//! admin CLI, the tests and the benchmarks all drive the very same code.
//!
//! Layers, lowest first; nothing imports a layer above it (a test checks this):
//! 1. plain parts with no crate imports but the error: `error`, `types`, `text`,
//!    `csv`, `markdown`, `clock`, `calendar` (the clinic's time zone and date formats),
//!    `paths`, `printing`, `typeset` (Typst documents to PDF);
//! 2. `db` (connections, key file, migrations), then `files` (saving exports);
//! 3. `audit`, then `auth` (roles, accounts, settings, the sign-in throttle);
//! 4. the features: `patients`; `products` → `stock` → `sessions`; `articles`;
//!    `handouts` (on sessions and articles); `booking` (hours, rooms, the appointment
//!    book, the recall calls; on sessions); `imports` (patients from a CSV file, on
//!    patients);
//! 5. `clinic` (the open database with its key file), `check` (the health check),
//!    `paperwork` (the front desk's printed lists: the call list, day sheets) and
//!    `export` (everything out as CSV in a .zip or a FHIR R4 bundle),
//!    then `demo` (generated clinics) and `backup` (verified bundles, restore);
//! 6. `api`, the front door: one function per operation the UI can call.

pub mod api;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod booking;
pub mod calendar;
pub mod check;
pub mod clinic;
pub mod clock;
pub mod csv;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod files;
pub mod handouts;
pub mod imports;
pub mod markdown;
pub mod paperwork;
pub mod paths;
pub mod patients;
pub mod printing;
pub mod products;
pub mod sessions;
pub mod stock;
pub mod text;
pub mod types;
pub mod typeset;

pub use db::Db;
pub use error::{Error, Result};
