//! The SQL of the library. Functions take a `&Connection` inside the caller's
//! transaction; writers need `WriteLibrary`, readers `ReadLibrary`, and people who may
//! not write see published articles only.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{
    Article, ArticleForm, ArticleHit, ArticleVersion, ImportFile, ImportReport, ImportedFile, LibraryQuery,
    RefusedFile, SnippetPart,
};
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::clock;
use crate::markdown::to_html;
use crate::products::TreatmentKind;
use crate::{Error, Result};

/// The starter library, written by the clinic team: published on a new clinic.
const STARTER: [&str; 8] = [
    include_str!("../../library/articles/how-neurotoxin-works.md"),
    include_str!("../../library/articles/skin-elasticity-research.md"),
    include_str!("../../library/articles/first-two-weeks.md"),
    include_str!("../../library/articles/dermal-fillers.md"),
    include_str!("../../library/articles/how-long-results-last.md"),
    include_str!("../../library/articles/common-myths.md"),
    include_str!("../../library/articles/when-to-call-the-clinic.md"),
    include_str!("../../library/articles/choosing-an-injector.md"),
];

/// Snippet markers: private-use characters no article contains.
const HIT_START: char = '\u{e000}';
const HIT_END: char = '\u{e001}';
/// At most this many search results.
const SEARCH_LIMIT: i64 = 50;

/// `["a", "b"]` stored as `,a,b,`, so one tag is found exactly with `instr`.
fn joined(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!(",{},", items.join(","))
    }
}

fn split(stored: &str) -> Vec<String> {
    stored.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn kinds_joined(kinds: &[TreatmentKind]) -> String {
    joined(&kinds.iter().map(|k| k.as_str().to_string()).collect::<Vec<_>>())
}

fn kinds_split(stored: &str) -> Vec<TreatmentKind> {
    split(stored).iter().map(|k| TreatmentKind::parse(k)).collect()
}

const FORM_COLUMNS: &str = "title, summary, body, tags, kinds, source";

/// An [`ArticleForm`] from the six [`FORM_COLUMNS`] starting at `at`.
fn form_from_row(row: &Row, at: usize, published: bool) -> rusqlite::Result<ArticleForm> {
    Ok(ArticleForm {
        title: row.get(at)?,
        summary: row.get(at + 1)?,
        body: row.get(at + 2)?,
        tags: split(&row.get::<_, String>(at + 3)?),
        kinds: kinds_split(&row.get::<_, String>(at + 4)?),
        source: row.get(at + 5)?,
        published,
    })
}

/// Whether `actor` sees drafts (only those who may write do).
fn sees_drafts(actor: &Actor) -> Result<bool> {
    actor.require(Permission::ReadLibrary)?;
    Ok(actor.require(Permission::WriteLibrary).is_ok())
}

/// Search: ranked by relevance (title and summary weigh most) with the matching words
/// marked in a snippet; with no text, every article by title. Filters by tag and kind.
pub fn search_articles(conn: &Connection, actor: &Actor, query: &LibraryQuery) -> Result<Vec<ArticleHit>> {
    let drafts = sees_drafts(actor)?;
    let tag = query.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| format!(",{},", t.to_lowercase()));
    let kind = query.kind.map(|k| format!(",{},", k.as_str()));
    let filter =
        "(?2 IS NULL OR instr(a.tags, ?2) > 0) AND (?3 IS NULL OR instr(a.kinds, ?3) > 0) AND (?4 OR a.published)";
    let hit = |row: &Row| -> rusqlite::Result<ArticleHit> {
        Ok(ArticleHit {
            id: row.get(0)?,
            title: row.get(1)?,
            summary: row.get(2)?,
            tags: split(&row.get::<_, String>(3)?),
            kinds: kinds_split(&row.get::<_, String>(4)?),
            published: row.get(5)?,
            snippet: snippet_parts(&row.get::<_, String>(6)?),
        })
    };
    let hits = match fts_query(&query.text) {
        Some(text) => conn
            .prepare_cached(&format!(
                "SELECT a.id, a.title, a.summary, a.tags, a.kinds, a.published,
                        snippet(articles_fts, -1, '{HIT_START}', '{HIT_END}', '…', 16)
                 FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                 WHERE articles_fts MATCH ?1 AND {filter}
                 ORDER BY bm25(articles_fts, 10.0, 5.0, 1.0, 3.0), a.id LIMIT {SEARCH_LIMIT}"
            ))?
            .query_map(params![text, tag, kind, drafts], hit)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => conn
            .prepare_cached(&format!(
                "SELECT a.id, a.title, a.summary, a.tags, a.kinds, a.published, a.summary FROM articles a
                 WHERE ?1 IS NULL AND {filter} ORDER BY a.title COLLATE NOCASE, a.id"
            ))?
            .query_map(params![None::<String>, tag, kind, drafts], hit)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(hits)
}

/// Typed words as an FTS5 query: each word a quoted prefix, all of them required, so
/// nothing typed is read as FTS5 syntax. `None` when there is no word.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn snippet_parts(snippet: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut hit = false;
    for piece in snippet.split([HIT_START, HIT_END]) {
        if !piece.is_empty() {
            parts.push(SnippetPart { text: piece.to_string(), hit });
        }
        hit = !hit;
    }
    // `split` alternates only if markers pair up, which FTS5 guarantees.
    parts
}

/// Every tag in use, alphabetically (for the library's filter).
pub fn library_tags(conn: &Connection, actor: &Actor) -> Result<Vec<String>> {
    let drafts = sees_drafts(actor)?;
    let mut tags: Vec<String> = conn
        .prepare_cached("SELECT tags FROM articles WHERE ?1 OR published")?
        .query_map([drafts], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .iter()
        .flat_map(|t| split(t))
        .collect();
    tags.sort();
    tags.dedup();
    Ok(tags)
}

/// The article with this id.
pub fn get_article(conn: &Connection, actor: &Actor, id: i64) -> Result<Article> {
    let drafts = sees_drafts(actor)?;
    let article = load(conn, id)?;
    if !article.form.published && !drafts {
        return Err(Error::NotFound("The article"));
    }
    Ok(article)
}

fn load(conn: &Connection, id: i64) -> Result<Article> {
    let (form, version, updated_at) = conn
        .prepare_cached(&format!("SELECT {FORM_COLUMNS}, published, version, updated_at FROM articles WHERE id = ?1"))?
        .query_row([id], |r| Ok((form_from_row(r, 0, r.get(6)?)?, r.get(7)?, r.get(8)?)))
        .optional()?
        .ok_or(Error::NotFound("The article"))?;
    let html = to_html(&form.body);
    Ok(Article { id, form, version, updated_at, html })
}

/// Adds an article. Published, it is version 1.
pub fn create_article(conn: &Connection, actor: &Actor, form: &ArticleForm) -> Result<Article> {
    actor.require(Permission::WriteLibrary)?;
    let id = insert(conn, Some(actor.user_id), &form.validated()?)?;
    audit::record(conn, &actor.audit(Action::ArticleCreate).on(entity::ARTICLE, id))?;
    load(conn, id)
}

fn insert(conn: &Connection, by: Option<i64>, f: &ArticleForm) -> Result<i64> {
    let now = clock::now_iso(conn)?;
    conn.prepare_cached(
        "INSERT INTO articles (title, summary, body, tags, kinds, source, published, created_at, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
    )?
    .execute(params![f.title, f.summary, f.body, joined(&f.tags), kinds_joined(&f.kinds), f.source, f.published, now, by])?;
    let id = conn.last_insert_rowid();
    if f.published {
        keep_version(conn, id, by)?;
    }
    Ok(id)
}

/// Saves an edited article; a published save becomes its next version.
pub fn update_article(conn: &Connection, actor: &Actor, id: i64, form: &ArticleForm) -> Result<Article> {
    actor.require(Permission::WriteLibrary)?;
    let f = form.validated()?;
    let changed = conn
        .prepare_cached(
            "UPDATE articles SET title = ?1, summary = ?2, body = ?3, tags = ?4, kinds = ?5, source = ?6,
                    published = ?7, updated_at = ?8, updated_by = ?9 WHERE id = ?10",
        )?
        .execute(params![
            f.title,
            f.summary,
            f.body,
            joined(&f.tags),
            kinds_joined(&f.kinds),
            f.source,
            f.published,
            clock::now_iso(conn)?,
            actor.user_id,
            id
        ])?;
    if changed == 0 {
        return Err(Error::NotFound("The article"));
    }
    if f.published {
        keep_version(conn, id, Some(actor.user_id))?;
    }
    audit::record(conn, &actor.audit(Action::ArticleUpdate).on(entity::ARTICLE, id))?;
    load(conn, id)
}

/// Copies the article as it now stands into its next version.
fn keep_version(conn: &Connection, id: i64, by: Option<i64>) -> Result<()> {
    conn.prepare_cached("UPDATE articles SET version = version + 1 WHERE id = ?1")?.execute([id])?;
    conn.prepare_cached(&format!(
        "INSERT INTO article_versions (article_id, version, {FORM_COLUMNS}, saved_at, saved_by)
         SELECT id, version, {FORM_COLUMNS}, updated_at, ?2 FROM articles WHERE id = ?1"
    ))?
    .execute(params![id, by])?;
    Ok(())
}

/// An article's published versions, newest first (without their bodies' HTML).
pub fn list_article_versions(conn: &Connection, actor: &Actor, id: i64) -> Result<Vec<ArticleVersion>> {
    sees_drafts(actor)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT v.article_id, v.version, v.saved_at, COALESCE(u.display_name, 'Glabella'), v.{}
         FROM article_versions v LEFT JOIN users u ON u.id = v.saved_by
         WHERE v.article_id = ?1 ORDER BY v.version DESC",
        FORM_COLUMNS.replace(", ", ", v.")
    ))?;
    let versions = stmt
        .query_map([id], |r| {
            Ok(ArticleVersion {
                article_id: r.get(0)?,
                version: r.get(1)?,
                saved_at: r.get(2)?,
                saved_by_name: r.get(3)?,
                form: form_from_row(r, 4, true)?,
                html: String::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(versions)
}

/// One published version of an article, with its body as HTML.
pub fn get_article_version(conn: &Connection, actor: &Actor, id: i64, version: i64) -> Result<ArticleVersion> {
    let mut found = list_article_versions(conn, actor, id)?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or(Error::NotFound("That version of the article"))?;
    found.html = to_html(&found.form.body);
    Ok(found)
}

/// The latest published version of an article, for a handout: (version, form).
pub fn version_for_handout(conn: &Connection, id: i64) -> Result<(i64, ArticleForm)> {
    conn.prepare_cached(&format!(
        "SELECT v.version, v.{} FROM article_versions v
         WHERE v.article_id = ?1 ORDER BY v.version DESC LIMIT 1",
        FORM_COLUMNS.replace(", ", ", v.")
    ))?
    .query_row([id], |r| Ok((r.get(0)?, form_from_row(r, 1, true)?)))
    .optional()?
    .ok_or(Error::invalid("articles", "Only published articles can be given with a handout."))
}

/// The article as a Markdown file with front matter; the export is audited.
pub fn export_markdown(conn: &Connection, actor: &Actor, id: i64) -> Result<String> {
    let article = get_article(conn, actor, id)?;
    audit::record(conn, &actor.audit(Action::ArticleExport).on(entity::ARTICLE, id))?;
    Ok(article.form.to_markdown())
}

/// Imports Markdown files: each one with a title and text becomes an article (a draft
/// unless its front matter says `status: published`); the others are refused, each
/// with its reason.
pub fn import_articles(conn: &Connection, actor: &Actor, files: &[ImportFile]) -> Result<ImportReport> {
    actor.require(Permission::WriteLibrary)?;
    let mut report = ImportReport::default();
    for file in files {
        match ArticleForm::from_markdown(&file.text) {
            Ok(form) => {
                let id = insert(conn, Some(actor.user_id), &form)?;
                audit::record(conn, &actor.audit(Action::ArticleCreate).on(entity::ARTICLE, id).described("imported"))?;
                report.imported.push(ImportedFile { file: file.name.clone(), article_id: id, title: form.title });
            }
            Err(reason) => report.refused.push(RefusedFile { file: file.name.clone(), reason }),
        }
    }
    Ok(report)
}

/// Publishes the starter library in a clinic that has never had it; returns how many
/// articles were added (0 the second time, even if they were edited or new ones added).
pub fn seed_starter_library(conn: &Connection) -> Result<usize> {
    let seeded: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'starter_library')")?
        .query_row([], |r| r.get(0))?;
    if seeded {
        return Ok(0);
    }
    for text in STARTER {
        let form = ArticleForm::from_markdown(text).map_err(|e| Error::Internal(format!("starter article: {e}")))?;
        insert(conn, None, &ArticleForm { published: true, ..form })?;
    }
    conn.execute("INSERT INTO settings (key, value) VALUES ('starter_library', ?1)", [clock::now_iso(conn)?])?;
    Ok(STARTER.len())
}
