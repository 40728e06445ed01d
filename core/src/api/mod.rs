//! The front door: every operation the UI can call is one function here, grouped by
//! feature, and nothing else. Each takes the open [`Clinic`](crate::clinic::Clinic),
//! the signed-in [`Actor`](crate::auth::Actor) (from [`signin::Desk::actor`]) and plain
//! arguments; it decides whether it reads (`db.read`, a pooled read connection that
//! never waits for a write) or writes (`db.write`, one IMMEDIATE transaction committed
//! on `Ok`), takes the time from the clinic's clock, and calls the features' plain
//! functions on `&Connection`. Slow work with the outside world — a save dialog, the
//! printer, writing a chosen file — happens before or after that transaction, never
//! while the write lock is held.
//!
//! The desktop shell's commands (and, later, the clinic server's routes) only adapt
//! these functions: unpack, call, map the error. [`OPERATIONS`] lists them once.

pub mod appointments;
pub mod audit;
pub mod backups;
pub mod booking;
pub mod calls;
pub mod dispatch;
pub mod export;
pub mod handouts;
pub mod imports;
pub mod library;
pub mod notices;
pub mod office;
pub mod patients;
pub mod sessions;
pub mod settings;
pub mod signin;
pub mod stock;
pub mod users;
pub mod workstations;

include!("operations.rs");
