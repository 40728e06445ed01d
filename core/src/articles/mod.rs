//! The article library: patient-education articles in Markdown with a title, summary,
//! tags, the treatment kinds they relate to and a source; drafts or published. Every
//! save of a published article is kept as a version (handouts name the version they
//! printed). Full-text search through SQLite FTS5, import and export of `.md` files
//! with front matter, and the starter library written by the clinic team.
//!
//! This module holds the types and validation; `ops` the SQL.

mod ops;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::FieldError;
use crate::markdown::front_matter;
use crate::products::TreatmentKind;
use crate::text;
use crate::{Error, Result};
pub use ops::{
    create_article, export_markdown, get_article, get_article_version, import_articles, library_tags,
    list_article_versions, search_articles, seed_starter_library, update_article, version_for_handout,
};

/// What an author edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ArticleForm {
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub tags: Vec<String>,
    pub kinds: Vec<TreatmentKind>,
    /// A citation or who wrote it.
    pub source: String,
    pub published: bool,
}

/// An article as the library shows it: its form and its body rendered to safe HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    pub id: i64,
    pub form: ArticleForm,
    /// The latest published version (0 if never published).
    pub version: i64,
    pub updated_at: String,
    /// The body as HTML with nothing active in it (see `markdown::to_html`).
    pub html: String,
}

/// An earlier (or the current) published version of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ArticleVersion {
    pub article_id: i64,
    pub version: i64,
    pub saved_at: String,
    pub saved_by_name: String,
    pub form: ArticleForm,
    pub html: String,
}

/// A piece of a search snippet; `hit` marks the words that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// One search result, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ArticleHit {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub kinds: Vec<TreatmentKind>,
    pub published: bool,
    pub snippet: Vec<SnippetPart>,
}

/// What the library's search box and filters ask for; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LibraryQuery {
    pub text: String,
    pub tag: Option<String>,
    pub kind: Option<TreatmentKind>,
}

/// A Markdown file to import: its name (for the report) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportFile {
    pub name: String,
    pub text: String,
}

/// What an import did with each file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportReport {
    pub imported: Vec<ImportedFile>,
    pub refused: Vec<RefusedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportedFile {
    pub file: String,
    pub article_id: i64,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RefusedFile {
    pub file: String,
    pub reason: String,
}

const TITLE_MAX: usize = 200;
const SUMMARY_MAX: usize = 1000;
const BODY_MAX: usize = 200_000;
const TAG_MAX: usize = 40;

impl ArticleForm {
    /// Checks every field; returns the form trimmed (tags lower-case, no repeats), or
    /// every problem found.
    pub fn validated(&self) -> Result<ArticleForm> {
        let mut f = self.clone();
        let mut problems = Vec::new();
        let mut problem = |field, message: &str| problems.push(FieldError { field, message: message.into() });
        f.title = f.title.trim().to_string();
        f.summary = f.summary.trim().to_string();
        f.body = f.body.trim().to_string();
        f.source = f.source.trim().to_string();
        if f.title.is_empty() {
            problem("title", "The title is required.");
        } else if f.title.chars().count() > TITLE_MAX {
            problem("title", "The title is one line of at most 200 characters.");
        } else if let Some(message) = text::line_problem(&f.title) {
            problem("title", &message);
        }
        if f.summary.chars().count() > SUMMARY_MAX {
            problem("summary", "The summary is at most 1000 characters.");
        } else if let Some(message) = text::text_problem(&f.summary) {
            problem("summary", &message);
        }
        if f.body.is_empty() {
            problem("body", "The article has no text.");
        } else if f.body.chars().count() > BODY_MAX {
            problem("body", "The article is too long (at most 200,000 characters).");
        } else if let Some(message) = text::text_problem(&f.body) {
            problem("body", &message);
        }
        if f.source.chars().count() > 500 {
            problem("source", "The source is at most 500 characters.");
        } else if let Some(message) = text::line_problem(&f.source) {
            problem("source", &message);
        }
        let mut tags: Vec<String> = Vec::new();
        for tag in &f.tags {
            let tag = tag.trim().to_lowercase();
            if tag.is_empty() {
                continue;
            }
            if tag.chars().count() > TAG_MAX || tag.contains(',') {
                problem("tags", "Tags are short words or phrases, separated by commas.");
            } else if let Some(message) = text::line_problem(&tag) {
                problem("tags", &message);
            } else if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        f.tags = tags;
        f.kinds.sort_by_key(|k| k.as_str());
        f.kinds.dedup();
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(Error::Validation(problems))
        }
    }

    /// Reads a Markdown file with front matter (`title`, `summary`, `tags`, `kinds`,
    /// `source`, `status: published`), or says in a sentence why it cannot be imported.
    pub fn from_markdown(text: &str) -> std::result::Result<ArticleForm, String> {
        let fm = front_matter(text);
        let title = fm.get("title").unwrap_or("").trim();
        if title.is_empty() {
            return Err("it has no title: start the file with front matter (---, then title: …, then ---).".into());
        }
        let mut kinds = Vec::new();
        for kind in fm.list("kinds") {
            match kind.to_lowercase().as_str() {
                "neurotoxin" => kinds.push(TreatmentKind::Neurotoxin),
                "filler" => kinds.push(TreatmentKind::Filler),
                "other" => kinds.push(TreatmentKind::Other),
                other => return Err(format!("the treatment kind “{other}” is not neurotoxin, filler or other.")),
            }
        }
        let form = ArticleForm {
            title: title.to_string(),
            summary: fm.get("summary").unwrap_or("").to_string(),
            body: fm.body.clone(),
            tags: fm.list("tags"),
            kinds,
            source: fm.get("source").unwrap_or("").to_string(),
            published: fm.get("status").is_some_and(|s| s.eq_ignore_ascii_case("published")),
        };
        form.validated().map_err(|e| match e {
            Error::Validation(problems) => {
                problems.iter().map(|p| p.message.trim_end_matches('.').to_lowercase()).collect::<Vec<_>>().join("; ")
                    + "."
            }
            other => other.to_string(),
        })
    }

    /// The article as a Markdown file with front matter, as [`from_markdown`] reads it.
    pub fn to_markdown(&self) -> String {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
        format!(
            "---\ntitle: {}\nsummary: {}\ntags: [{}]\nkinds: [{}]\nsource: {}\nstatus: {}\n---\n\n{}\n",
            self.title,
            self.summary.replace('\n', " "),
            self.tags.join(", "),
            kinds.join(", "),
            self.source.replace('\n', " "),
            if self.published { "published" } else { "draft" },
            self.body
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_files_round_trip_and_a_missing_title_is_refused_with_a_reason() {
        let form = ArticleForm {
            title: "Fillers: what to expect".into(),
            summary: "Swelling, bruising and how long it lasts.".into(),
            body: "## After\n\nSome **swelling** is normal.".into(),
            tags: vec!["filler".into(), "aftercare".into()],
            kinds: vec![TreatmentKind::Filler],
            source: "Glabella clinical team".into(),
            published: true,
        };
        assert_eq!(ArticleForm::from_markdown(&form.to_markdown()).unwrap(), form);
        let refused = ArticleForm::from_markdown("# Just a heading\n\nNo front matter.").unwrap_err();
        assert!(refused.starts_with("it has no title"), "{refused}");
        let bad_kind = ArticleForm::from_markdown("---\ntitle: T\nkinds: [laser]\n---\nBody").unwrap_err();
        assert!(bad_kind.contains("laser"), "{bad_kind}");
        let empty = ArticleForm::from_markdown("---\ntitle: T\n---\n").unwrap_err();
        assert_eq!(empty, "the article has no text.");
    }
}
