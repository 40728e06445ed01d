//! What the commands share: the open database, or the reason it could not be opened
//! (shown by the UI instead of the app, e.g. a database from a newer Glabella).

use std::sync::Arc;
use std::time::Instant;

use glabella_core::error::ApiError;
use glabella_core::Db;

/// The shell's managed state.
pub struct AppState {
    db: Result<Arc<Db>, ApiError>,
    /// When the process started, to log the time to a usable window.
    pub started: Instant,
}

impl AppState {
    pub fn new(db: glabella_core::Result<Db>, started: Instant) -> Self {
        AppState { db: db.map(Arc::new).map_err(ApiError::from), started }
    }

    /// The database, or the error that kept it from opening.
    pub fn db(&self) -> Result<Arc<Db>, ApiError> {
        self.db.clone()
    }
}
