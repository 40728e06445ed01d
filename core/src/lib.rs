//! Glabella's core: the domain rules and the SQLite storage of an injection clinic's
//! front office. It knows nothing of Tauri or of windows, so the desktop shell, the
//! admin CLI, the tests and the benchmarks all drive the very same code.
//!
//! Layers, lowest first: `error` → `db` (connections, migrations) → `audit` →
//! features (`patients`; `products` → `stock` → `sessions`; `articles`; `handouts` on
//! sessions and articles). Nothing lower imports anything higher, with one exception:
//! `db::check` verifies the audit chain, since the health check covers the whole file.

pub mod articles;
pub mod audit;
pub mod auth;
pub mod clinic;
pub mod csv;
pub mod db;
pub mod demo;
pub mod error;
pub mod handouts;
pub mod markdown;
pub mod paths;
pub mod patients;
pub mod products;
pub mod sessions;
pub mod stock;
pub mod text;

pub use db::Db;
pub use error::{Error, Result};
