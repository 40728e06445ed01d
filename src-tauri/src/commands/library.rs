//! Article library commands: search, read, write, versions, import and export.

use std::path::PathBuf;

use glabella_core::articles::{
    self, Article, ArticleForm, ArticleHit, ArticleVersion, ImportFile, ImportReport, LibraryQuery,
};
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn search_library(state: State<'_, AppState>, query: LibraryQuery) -> Result<Vec<ArticleHit>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| articles::search_articles(c, actor, &query))).await
}

/// Every tag in use, for the library's filter.
#[tauri::command]
#[specta::specta]
pub async fn list_library_tags(state: State<'_, AppState>) -> Result<Vec<String>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| articles::library_tags(c, actor))).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_article(state: State<'_, AppState>, id: i64) -> Result<Article, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| articles::get_article(c, actor, id))).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_article(state: State<'_, AppState>, form: ArticleForm) -> Result<Article, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| articles::create_article(tx, actor, &form))).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_article(state: State<'_, AppState>, id: i64, form: ArticleForm) -> Result<Article, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| articles::update_article(tx, actor, id, &form))).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_article_versions(state: State<'_, AppState>, id: i64) -> Result<Vec<ArticleVersion>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| articles::list_article_versions(c, actor, id))).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_article_version(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
) -> Result<ArticleVersion, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| articles::get_article_version(c, actor, id, version)))
        .await
}

/// Imports Markdown files the person picked (read by the page, so the app needs no
/// file-system permission); reports what was imported and what was refused, and why.
#[tauri::command]
#[specta::specta]
pub async fn import_articles(state: State<'_, AppState>, files: Vec<ImportFile>) -> Result<ImportReport, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| articles::import_articles(tx, actor, &files))).await
}

/// Writes the article as Markdown to `path` (chosen in the native save dialog).
#[tauri::command]
#[specta::specta]
pub async fn export_article_markdown(state: State<'_, AppState>, id: i64, path: PathBuf) -> Result<String, ApiError> {
    as_actor(state, move |clinic, actor| {
        let markdown = clinic.db().write(|tx| articles::export_markdown(tx, actor, id))?;
        std::fs::write(&path, markdown)?;
        Ok(path.display().to_string())
    })
    .await
}
