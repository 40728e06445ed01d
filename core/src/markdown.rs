//! Markdown as the library and the aftercare templates use it, made safe twice over:
//! [`to_html`] renders an article for the app's window with raw HTML shown as text and
//! links and images reduced to their text (a link must not navigate the app away), and
//! [`to_blocks`] turns Markdown into the plain blocks a printed handout is typeset
//! from, filling `{{placeholders}}` with data that is never read as markup.

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use serde::{Deserialize, Serialize};
use specta::Type;

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// Shown exactly as written.
    pub text: String,
    pub strong: bool,
    pub emph: bool,
}

/// A heading, paragraph or list of the instructions, warnings or an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Block {
    /// Levels 1 and 2 (Markdown `#`, `##`) print as a sub-heading of their section,
    /// level 3 and deeper one step smaller.
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
    },
    /// Each item is one line of spans.
    List {
        ordered: bool,
        items: Vec<Vec<Span>>,
    },
}

/// Front matter and body of a Markdown file: `---` lines around `key: value` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub fields: Vec<(String, String)>,
    pub body: String,
}

impl FrontMatter {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// A list value, `[a, b]` or `a, b`, trimmed, without empty items.
    pub fn list(&self, key: &str) -> Vec<String> {
        let raw = self.get(key).unwrap_or("").trim().trim_start_matches('[').trim_end_matches(']');
        raw.split(',').map(|s| unquote(s.trim()).to_string()).filter(|s| !s.is_empty()).collect()
    }
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// Splits a leading front-matter block off `text` (none: every field absent).
pub fn front_matter(text: &str) -> FrontMatter {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return FrontMatter { fields: Vec::new(), body: text.to_string() };
    }
    let mut fields = Vec::new();
    let mut consumed = 1;
    for line in lines.by_ref() {
        consumed += 1;
        if line.trim_end() == "---" {
            let body: Vec<&str> = text.lines().skip(consumed).collect();
            return FrontMatter { fields, body: body.join("\n").trim().to_string() };
        }
        if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_lowercase(), unquote(value.trim()).to_string()));
        }
    }
    // No closing line: not front matter after all.
    FrontMatter { fields: Vec::new(), body: text.to_string() }
}

/// Markdown rendered to HTML for the app's window. Raw HTML is shown as text, links
/// and images become their text (followed by the address), so nothing in an article
/// can run, load or navigate.
pub fn to_html(markdown: &str) -> String {
    let mut link: Option<String> = None;
    let events =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
            Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some(dest_url.to_string());
                None
            }
            Event::End(TagEnd::Link) => link.take().map(|url| Event::Text(format!(" ({url})").into())),
            Event::Start(Tag::Image { dest_url, .. }) => Some(Event::Text(format!("[image: {dest_url}] ").into())),
            Event::End(TagEnd::Image) => None,
            other => Some(other),
        });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// Markdown as blocks for a printed handout: headings, paragraphs and lists of text
/// spans, bold and italic kept, everything else reduced to its text. Each
/// `{{name}}` in the source whose name is in `values` is replaced by its value *after*
/// the Markdown is read, so a value such as `**bold**` prints as typed.
pub fn to_blocks(markdown: &str, values: &[(&str, String)]) -> Vec<Block> {
    // Placeholders become private-use markers that Markdown leaves alone.
    let mut source = markdown.to_string();
    for (i, (name, _)) in values.iter().enumerate() {
        source = source.replace(&format!("{{{{{name}}}}}"), &marker(i));
    }
    let mut blocks = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut items: Vec<Vec<Span>> = Vec::new();
    let mut list: Option<bool> = None;
    let (mut strong, mut emph) = (0u32, 0u32);
    let push_text = |spans: &mut Vec<Span>, text: &str, strong: u32, emph: u32| {
        let (strong, emph) = (strong > 0, emph > 0);
        match spans.last_mut() {
            Some(last) if last.strong == strong && last.emph == emph => last.text.push_str(text),
            _ => spans.push(Span { text: text.to_string(), strong, emph }),
        }
    };
    for event in Parser::new(&source) {
        match event {
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => emph += 1,
            Event::End(TagEnd::Emphasis) => emph = emph.saturating_sub(1),
            Event::Start(Tag::List(first)) => list = Some(first.is_some()),
            Event::End(TagEnd::List(_)) => {
                if let Some(ordered) = list.take() {
                    blocks.push(Block::List { ordered, items: std::mem::take(&mut items) });
                }
            }
            Event::End(TagEnd::Item) => items.push(std::mem::take(&mut spans)),
            Event::End(TagEnd::Paragraph) if list.is_none() => {
                blocks.push(Block::Paragraph { spans: std::mem::take(&mut spans) })
            }
            Event::End(TagEnd::Paragraph) if !spans.is_empty() => push_text(&mut spans, " ", strong, emph),
            Event::End(TagEnd::Heading(level)) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                };
                blocks.push(Block::Heading { level, spans: std::mem::take(&mut spans) });
            }
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push_text(&mut spans, &text, strong, emph)
            }
            Event::SoftBreak | Event::HardBreak => push_text(&mut spans, " ", strong, emph),
            _ => {}
        }
    }
    for block in &mut blocks {
        let lines: Vec<&mut Vec<Span>> = match block {
            Block::Heading { spans, .. } | Block::Paragraph { spans } => vec![spans],
            Block::List { items, .. } => items.iter_mut().collect(),
        };
        for spans in lines {
            // A line ends without the space a soft break or an item's end left.
            if let Some(last) = spans.last_mut() {
                last.text.truncate(last.text.trim_end().len());
            }
            for span in spans.iter_mut() {
                for (i, (_, value)) in values.iter().enumerate() {
                    span.text = span.text.replace(&marker(i), value);
                }
            }
        }
    }
    blocks
}

/// The placeholder names in `markdown` (`{{name}}`), in order of appearance.
pub fn placeholders(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else { break };
        out.push(rest[start + 2..start + end].trim().to_string());
        rest = &rest[start + end + 2..];
    }
    out
}

fn marker(i: usize) -> String {
    format!("\u{e000}{i}\u{e001}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Heading { spans, .. } | Block::Paragraph { spans } => {
                    spans.iter().map(|s| s.text.as_str()).collect::<String>()
                }
                Block::List { items, .. } => items
                    .iter()
                    .map(|i| i.iter().map(|s| s.text.as_str()).collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" | "),
            })
            .collect()
    }

    #[test]
    fn front_matter_is_read_and_lists_split() {
        let fm = front_matter("---\ntitle: \"Hello: there\"\ntags: [a, b ,]\nkinds: neurotoxin\n---\n\nBody *here*.\n");
        assert_eq!(fm.get("title"), Some("Hello: there"));
        assert_eq!(fm.list("tags"), ["a", "b"]);
        assert_eq!(fm.list("kinds"), ["neurotoxin"]);
        assert_eq!(fm.body, "Body *here*.");
        assert_eq!(front_matter("No front matter").body, "No front matter");
        assert_eq!(front_matter("---\ntitle: x\nno end").get("title"), None);
    }

    #[test]
    fn html_never_carries_markup_from_the_article() {
        let html = to_html("Hi <script>alert(1)</script> **bold** [site](javascript:alert(2)) ![x](http://evil/x.png)\n\n<img src=x onerror=alert(3)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("site (javascript:alert(2))"), "{html}");
    }

    #[test]
    fn blocks_keep_structure_and_values_stay_literal() {
        let md = "## Hello {{first_name}}\n\nToday you had **{{treatment}}**.\n\n- stay *upright*\n- call {{clinic_phone}}\n";
        let values = [
            ("first_name", "**Ann** <b>".to_string()),
            ("treatment", "glabella_20 U #read(\"/etc/passwd\")".to_string()),
            ("clinic_phone", "{{clinic.phone}}".to_string()),
        ];
        let blocks = to_blocks(md, &values);
        assert_eq!(
            text(&blocks),
            [
                "Hello **Ann** <b>",
                "Today you had glabella_20 U #read(\"/etc/passwd\").",
                "stay upright | call {{clinic.phone}}",
            ]
        );
        let Block::Paragraph { spans } = &blocks[1] else { panic!("a paragraph") };
        assert!(spans.iter().any(|s| s.strong && s.text.contains("glabella_20 U")));
        let Block::List { ordered: false, items } = &blocks[2] else { panic!("a list") };
        assert!(items[0].iter().any(|s| s.emph && s.text == "upright"));
        assert_eq!(placeholders(md), ["first_name", "treatment", "clinic_phone"]);
    }
}
