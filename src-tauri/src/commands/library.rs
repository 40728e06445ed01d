//! Article library commands: search, read, write, versions, import and export.

use std::sync::Arc;

use glabella_core::api::library;
use glabella_core::api::signin::Desk;
use glabella_core::articles::{
    Article, ArticleForm, ArticleHit, ArticleVersion, ImportFile, ImportReport, LibraryQuery,
};
use glabella_core::error::ApiError;
use tauri::{AppHandle, State};

use super::{as_actor, Native};

#[tauri::command]
#[specta::specta]
pub async fn search_library(desk: State<'_, Arc<Desk>>, query: LibraryQuery) -> Result<Vec<ArticleHit>, ApiError> {
    as_actor(desk, move |c, a| library::search_library(c, a, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_library_tags(desk: State<'_, Arc<Desk>>) -> Result<Vec<String>, ApiError> {
    as_actor(desk, library::list_library_tags).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_article(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Article, ApiError> {
    as_actor(desk, move |c, a| library::get_article(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_article(desk: State<'_, Arc<Desk>>, form: ArticleForm) -> Result<Article, ApiError> {
    as_actor(desk, move |c, a| library::create_article(c, a, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_article(desk: State<'_, Arc<Desk>>, id: i64, form: ArticleForm) -> Result<Article, ApiError> {
    as_actor(desk, move |c, a| library::update_article(c, a, id, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_article_versions(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Vec<ArticleVersion>, ApiError> {
    as_actor(desk, move |c, a| library::list_article_versions(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_article_version(
    desk: State<'_, Arc<Desk>>,
    id: i64,
    version: i64,
) -> Result<ArticleVersion, ApiError> {
    as_actor(desk, move |c, a| library::get_article_version(c, a, id, version)).await
}

#[tauri::command]
#[specta::specta]
pub async fn import_articles(desk: State<'_, Arc<Desk>>, files: Vec<ImportFile>) -> Result<ImportReport, ApiError> {
    as_actor(desk, move |c, a| library::import_articles(c, a, &files)).await
}

/// Saves the article as Markdown where the person chooses; the file's name, or `null`
/// if they cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_article_markdown(
    app: AppHandle,
    desk: State<'_, Arc<Desk>>,
    id: i64,
) -> Result<Option<String>, ApiError> {
    as_actor(desk, move |c, a| library::export_article_markdown(c, a, id, &Native(app))).await
}
