//! The article library: search, read, write, versions, import and export.

use crate::articles::{self, Article, ArticleForm, ArticleHit, ArticleVersion, ImportFile, ImportReport, LibraryQuery};
use crate::auth::{Actor, Permission};
use crate::clinic::Clinic;
use crate::files::{safe_name, save_export, SaveDialog};
use crate::Result;

pub fn search_library(clinic: &Clinic, actor: &Actor, query: &LibraryQuery) -> Result<Vec<ArticleHit>> {
    clinic.db().read(|c| articles::search_articles(c, actor, query))
}

/// Every tag in use, for the library's filter.
pub fn list_library_tags(clinic: &Clinic, actor: &Actor) -> Result<Vec<String>> {
    clinic.db().read(|c| articles::library_tags(c, actor))
}

pub fn get_article(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Article> {
    clinic.db().read(|c| articles::get_article(c, actor, id))
}

pub fn create_article(clinic: &Clinic, actor: &Actor, form: &ArticleForm) -> Result<Article> {
    clinic.db().write(|tx| articles::create_article(tx, actor, form))
}

pub fn update_article(clinic: &Clinic, actor: &Actor, id: i64, form: &ArticleForm) -> Result<Article> {
    clinic.db().write(|tx| articles::update_article(tx, actor, id, form))
}

pub fn list_article_versions(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Vec<ArticleVersion>> {
    clinic.db().read(|c| articles::list_article_versions(c, actor, id))
}

pub fn get_article_version(clinic: &Clinic, actor: &Actor, id: i64, version: i64) -> Result<ArticleVersion> {
    clinic.db().read(|c| articles::get_article_version(c, actor, id, version))
}

/// Imports Markdown files the person picked (read by the page, so the app needs no
/// file-system permission); reports what was imported and what was refused, and why.
pub fn import_articles(clinic: &Clinic, actor: &Actor, files: &[ImportFile]) -> Result<ImportReport> {
    clinic.db().write(|tx| articles::import_articles(tx, actor, files))
}

/// Saves an article as Markdown where the person chooses in `dialog` (audited);
/// `None` if they cancelled.
pub fn export_article_markdown(
    clinic: &Clinic,
    actor: &Actor,
    id: i64,
    dialog: &dyn SaveDialog,
) -> Result<Option<String>> {
    actor.require(Permission::ReadLibrary)?;
    let title = get_article(clinic, actor, id)?.form.title;
    let file_name = format!("{}.md", safe_name(&title).to_lowercase());
    save_export(dialog, &file_name, "Markdown", "md", || {
        clinic.db().write(|tx| articles::export_markdown(tx, actor, id))
    })
}
