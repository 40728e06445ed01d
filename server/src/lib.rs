//! `glabella-server`: the clinic's one record for every workstation. It opens the
//! clinic folder as the desktop app does (the same [`Office`](glabella_core::api::office::Office),
//! so the same sign-in, throttle, idle lock and roles), and serves the core's API,
//! operation by operation ([`glabella_core::api::dispatch`]), over a WebSocket inside
//! mutual TLS 1.3. Each paired workstation is a device with its own certificate from
//! the clinic's own authority and its own [`Desk`](glabella_core::api::signin::Desk);
//! after each committed write every connected workstation is told what changed.
//!
//! Layers, lowest first: [`wire`] (the messages), [`pki`] (the clinic's authority and
//! certificates), [`devices`] (paired workstations, pairing codes), [`tls`] (the two
//! TLS configurations), [`asks`] (the workstation's dialogs and printer, asked from the
//! server), then [`serve`] (the server) and [`client`] (a workstation's link, which
//! answers those questions with [`answering`]).

pub mod answering;
pub mod asks;
pub mod client;
pub mod devices;
pub mod pki;
pub mod serve;
pub mod tls;
pub mod wire;

/// The folder inside the clinic folder that holds the server's authority and devices.
pub const SERVER_DIR: &str = "server";

/// The name a workstation asks for when it pairs (no certificate of its own yet).
pub const PAIRING_NAME: &str = "pair.glabella.internal";

/// The name a paired workstation asks for: mutual TLS, its certificate required.
pub const SERVER_NAME: &str = "server.glabella.internal";
