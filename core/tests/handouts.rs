//! The aftercare handout PDF, read back as a patient's printer would get it: its text,
//! pages, page size, date and images (by `common::pdf`).

mod common;

use std::path::Path;
use std::time::Instant;

use common::pdf::text as text_of;
use glabella_core::handouts::{render_pdf, Block, ClinicHeader, HandoutArticle, HandoutInput, Paper, Span};
use glabella_core::Error;

fn plain(text: &str) -> Span {
    Span { text: text.into(), strong: false, emph: false }
}

fn bold(text: &str) -> Span {
    Span { text: text.into(), strong: true, emph: false }
}

fn italic(text: &str) -> Span {
    Span { text: text.into(), strong: false, emph: true }
}

fn paragraph(spans: Vec<Span>) -> Block {
    Block::Paragraph { spans }
}

fn bullets(items: &[&str]) -> Block {
    Block::List { ordered: false, items: items.iter().map(|i| vec![plain(i)]).collect() }
}

/// What a clinic would really print after a toxin treatment.
fn neurotoxin_handout() -> HandoutInput {
    HandoutInput {
        paper: Paper::A4,
        clinic: ClinicHeader {
            name: "Glabella Demo Clinic".into(),
            address: "12 Harley Lane, Bristol BS1 4DJ".into(),
            phone: "0117 496 0123".into(),
        },
        logo: None,
        patient_name: "Amelia Hart".into(),
        session_date: "29 November 2026".into(),
        title: "Aftercare after your neurotoxin treatment".into(),
        treated: vec![
            "Glabella 20 U, Forehead 10 U — Botox Cosmetic 100 U, lot C1234".into(),
            "Crow's feet 24 U — Botox Cosmetic 100 U, lot C1234, C1240".into(),
        ],
        instructions: vec![
            paragraph(vec![plain("Hello Amelia,")]),
            paragraph(vec![plain("Here is how to look after the treated area over the next day.")]),
            Block::Heading { level: 2, spans: vec![plain("For the next 4 hours")] },
            Block::List {
                ordered: false,
                items: vec![
                    vec![plain("Please "), bold("stay upright"), plain(". Sitting, standing and walking are all fine.")],
                    vec![bold("Don't rub or massage"), plain(" the treated area.")],
                ],
            },
            Block::Heading { level: 2, spans: vec![plain("For the next 24 hours")] },
            bullets(&["Avoid strenuous exercise and alcohol.", "Avoid saunas, steam rooms and very hot baths."]),
            Block::Heading { level: 2, spans: vec![plain("What to expect")] },
            paragraph(vec![
                plain("Any small bumps or redness usually fade within an hour. You should start to notice a change after "),
                italic("3 to 5 days"),
                plain(", with the "),
                bold("full effect at about 14 days"),
                plain("."),
            ]),
            Block::Heading { level: 3, spans: vec![plain("Taking photos")] },
            Block::List {
                ordered: true,
                items: vec![vec![plain("Use the same light each time.")], vec![plain("Frown, then relax.")]],
            },
        ],
        warnings: vec![Block::List {
            ordered: false,
            items: vec![
                vec![
                    bold("Emergency: "),
                    plain("trouble swallowing, speaking or breathing — get emergency care now (call 999)."),
                ],
                vec![bold("Call us: "), plain("a drooping eyelid or brow — call the clinic on 0117 496 0123.")],
            ],
        }],
        follow_up_date: "13 December 2026".into(),
        articles: vec![HandoutArticle {
            title: "How botulinum toxin works".into(),
            blocks: vec![
                Block::Heading { level: 2, spans: vec![plain("Relaxing the muscle")] },
                paragraph(vec![
                    plain("Botulinum toxin relaxes the muscles that cause frown lines by blocking the nerve signal. "),
                    italic("It wears off gradually"),
                    plain(" over three to four months."),
                ]),
            ],
            source: "NHS: Botox injections, reviewed 2025".into(),
        }],
        created_at: "2026-11-29T10:15:00.000Z".into(),
        footer: "Given by Nadia Needle on 29 November 2026 · Glabella Demo Clinic".into(),
    }
}

/// A4 and US Letter, in points.
const A4: (f64, f64) = (595.276, 841.89);
const LETTER: (f64, f64) = (612.0, 792.0);

#[test]
fn handout_prints_the_session_instructions_and_warnings() {
    let pdf = render_pdf(&neurotoxin_handout()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for expected in [
        "Glabella Demo Clinic",
        "12 Harley Lane, Bristol BS1 4DJ",
        "0117 496 0123",
        "Aftercare after your neurotoxin treatment",
        "Amelia Hart",
        "29 November 2026",
        "What was done",
        "Glabella 20 U, Forehead 10 U — Botox Cosmetic 100 U, lot C1234",
        "Crow's feet 24 U — Botox Cosmetic 100 U, lot C1234, C1240",
        "Please stay upright. Sitting, standing and walking are all fine.",
        "Don't rub or massage the treated area.",
        "For the next 24 hours",
        "with the full effect at about 14 days.",
        "Use the same light each time.",
        "Warning signs — what to do",
        "Emergency: trouble swallowing, speaking or breathing — get emergency care now (call 999).",
        "Call us: a drooping eyelid or brow — call the clinic on 0117 496 0123.",
        "Your follow-up appointment: 13 December 2026",
        "How botulinum toxin works",
        "Source: NHS: Botox injections, reviewed 2025",
        "Given by Nadia Needle on 29 November 2026 · Glabella Demo Clinic",
        "Page 1 of",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn no_follow_up_line_without_a_date() {
    let mut input = neurotoxin_handout();
    input.follow_up_date = String::new();
    let text = text_of(&render_pdf(&input).unwrap());
    assert!(!text.contains("follow-up appointment"), "{text}");
    assert!(text.contains("Amelia Hart"));
}

#[test]
fn a_handout_with_only_the_essentials_renders() {
    let mut input = neurotoxin_handout();
    input.treated.clear();
    input.instructions.clear();
    input.warnings.clear();
    input.follow_up_date.clear();
    input.articles = vec![HandoutArticle { title: "Empty".into(), blocks: vec![], source: "Nobody".into() }];
    input.instructions.push(paragraph(vec![]));
    let text = text_of(&render_pdf(&input).unwrap());
    assert!(text.contains("Amelia Hart") && text.contains("Source: Nobody"), "{text}");
    assert!(!text.contains("What was done") && !text.contains("Warning signs"), "{text}");
}

#[test]
fn hostile_values_are_printed_literally_never_run() {
    let mut input = neurotoxin_handout();
    input.patient_name = r#"#read("/etc/passwd")"#.into();
    input.treated.push("<script>alert(1)</script>".into());
    input.clinic.phone = "{{clinic.phone}}".into();
    input.instructions.push(paragraph(vec![plain("**bold**")]));
    input.instructions.push(paragraph(vec![plain("$x^2$ #set page(width: 1cm)")]));
    input.footer = "]) #pagebreak() //".into();
    let pdf = render_pdf(&input).unwrap();
    let text = text_of(&pdf);
    for literal in [
        r#"#read("/etc/passwd")"#,
        "<script>alert(1)</script>",
        "{{clinic.phone}}",
        "**bold**",
        "$x^2$ #set page(width: 1cm)",
        "]) #pagebreak() //",
    ] {
        assert!(text.contains(literal), "{literal:?} not printed as written in:\n{text}");
    }
    assert!(!text.contains("root:x:0:0"), "the template read /etc/passwd:\n{text}");
    // The page is still A4: `#set page(width: 1cm)` was text, not a rule.
    assert_eq!(common::pdf::page_size(&pdf), A4);
}

#[test]
fn same_input_gives_identical_bytes() {
    let input = neurotoxin_handout();
    let first = render_pdf(&input).unwrap();
    let again = render_pdf(&input).unwrap();
    assert!(first == again, "two renders of the same handout differ");

    // …and the date written is the handout's, not the clock's.
    let date = common::pdf::creation_date(&first);
    assert!(date.starts_with("D:20261129101500"), "{date}");
    let mut later = input.clone();
    later.created_at = "2026-11-30T08:00:00Z".into();
    assert!(render_pdf(&later).unwrap() != first);
}

#[test]
fn paper_sets_the_page_size() {
    let mut input = neurotoxin_handout();
    assert_eq!(common::pdf::page_size(&render_pdf(&input).unwrap()), A4);
    input.paper = Paper::Letter;
    assert_eq!(common::pdf::page_size(&render_pdf(&input).unwrap()), LETTER);
}

#[test]
fn logo_is_printed_when_given() {
    let mut input = neurotoxin_handout();
    assert_eq!(common::pdf::images(&render_pdf(&input).unwrap()), 0);
    input.logo = Some(common::TINY_PNG.to_vec());
    let pdf = render_pdf(&input).unwrap();
    assert_eq!(common::pdf::images(&pdf), 1);
    assert!(text_of(&pdf).contains("Glabella Demo Clinic"));
}

#[test]
fn a_broken_logo_is_an_internal_error_with_typst_s_reason() {
    let mut input = neurotoxin_handout();
    input.logo = Some(b"not an image".to_vec());
    match render_pdf(&input) {
        Err(Error::Internal(message)) => assert!(message.contains("image"), "{message}"),
        other => panic!("expected an internal error, got {other:?}"),
    }
}

#[test]
fn a_bad_creation_time_is_refused() {
    let mut input = neurotoxin_handout();
    input.created_at = "yesterday".into();
    let err = render_pdf(&input).unwrap_err();
    assert_eq!((err.code(), err.field()), ("validation", Some("createdAt")));
}

#[test]
fn long_articles_flow_onto_more_pages_with_numbered_footers() {
    let mut input = neurotoxin_handout();
    let sentence = "Most people notice the full effect at two weeks and it lasts three to four months. ";
    input.articles.push(HandoutArticle {
        title: "Living with your results".into(),
        blocks: (0..12).map(|_| paragraph(vec![plain(&sentence.repeat(5))])).collect(),
        source: "Glabella clinical team".into(),
    });
    let pdf = render_pdf(&input).unwrap();
    let pages = common::pdf::pages(&pdf);
    assert!(pages >= 2, "{pages} page(s)");
    let text = text_of(&pdf);
    assert!(text.contains(&format!("Page 1 of {pages}")) && text.contains(&format!("Page {pages} of {pages}")));
    assert!(text.contains("Source: Glabella clinical team"));
}

/// Not an assertion (timings belong to benchmarks): prints how long the first render
/// (fonts parsed, Typst set up) and a warm one take. Run alone, in release, to read it:
/// `cargo test --release -p glabella-core --test handouts render_timings -- --nocapture`.
#[test]
fn render_timings() {
    let input = neurotoxin_handout();
    let start = Instant::now();
    render_pdf(&input).unwrap();
    let first = start.elapsed();
    let mut warm: Vec<_> = (0..20)
        .map(|i| {
            let mut input = input.clone();
            input.patient_name = format!("Patient {i}");
            let start = Instant::now();
            render_pdf(&input).unwrap();
            start.elapsed()
        })
        .collect();
    warm.sort();
    eprintln!("handout render: first {first:?}, warm median {:?} (min {:?}, max {:?})", warm[10], warm[0], warm[19]);
}

/// Writes an example handout for looking at (DESIGN.md: "Render a handout PDF to PNG
/// with pdftoppm and look at it"):
/// `cargo test -p glabella-core --test handouts write_example -- --ignored`, then
/// `pdftoppm -png -r 80 /tmp/handout.pdf /tmp/handout`.
#[test]
#[ignore]
fn write_example() {
    let mut input = neurotoxin_handout();
    input.logo =
        std::env::var("HANDOUT_LOGO").ok().map(|p| std::fs::read(p).unwrap()).or(Some(common::TINY_PNG.to_vec()));
    let out = std::env::var("HANDOUT_OUT").unwrap_or("/tmp/handout.pdf".into());
    std::fs::write(Path::new(&out), render_pdf(&input).unwrap()).unwrap();
}
