//! The PDFs the core prints, read back in pure Rust (lopdf), so the same checks run on
//! every platform the tests run on (Windows has no poppler): the text in reading order
//! or line by line as laid out, the page count and size, the creation date and the
//! images. Each glyph is placed by the page's transformations and its font's widths;
//! glyphs run on into a word while each starts where the last ended, as `pdftotext`
//! reads them. Enough for the PDFs Typst writes: embedded Type0 fonts (Identity-H with
//! `ToUnicode`), and simple fonts with `/Widths`. On the handouts, call lists and day
//! sheets the tests print, the text is `pdftotext`'s word for word, but for the order
//! of a table's header cells, which here is the page's own.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object};

/// The PDF's text with every run of white space (line and page breaks too) as one space,
/// in reading order: the order the pages show it, which for Typst is paragraph by
/// paragraph and, in a table, cell by cell (a cell's wrapped lines together).
pub fn text(pdf: &[u8]) -> String {
    let doc = load(pdf);
    let mut text = String::new();
    for (_, page) in doc.get_pages() {
        let mut last: Option<Glyph> = None;
        for glyph in glyphs(&doc, page) {
            if last.as_ref().is_some_and(|l| !follows(l, &glyph)) {
                text.push(' ');
            }
            text.push_str(&glyph.text);
            last = Some(glyph);
        }
        text.push(' ');
    }
    words(&text)
}

/// The PDF's lines as laid out on its pages, top to bottom, each with its words (table
/// cells too) separated by one space; empty lines left out.
pub fn lines(pdf: &[u8]) -> Vec<String> {
    let doc = load(pdf);
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let mut rows: Vec<Row> = Vec::new();
        for glyph in glyphs(&doc, page) {
            match rows.iter_mut().find(|r| (r.y - glyph.y).abs() < 0.5 * r.size.min(glyph.size)) {
                Some(row) => row.glyphs.push(glyph),
                None => rows.push(Row { y: glyph.y, size: glyph.size, glyphs: vec![glyph] }),
            }
        }
        rows.sort_by(|a, b| b.y.total_cmp(&a.y));
        for mut row in rows {
            row.glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut line = String::new();
            let mut end: Option<f64> = None;
            for g in &row.glyphs {
                if end.is_some_and(|end| g.x - end > GAP * g.size) {
                    line.push(' ');
                }
                line.push_str(&g.text);
                end = Some(g.x + g.width);
            }
            let line = words(&line);
            if !line.is_empty() {
                out.push(line);
            }
        }
    }
    out
}

/// How many pages the PDF has.
pub fn pages(pdf: &[u8]) -> usize {
    load(pdf).get_pages().len()
}

/// The first page's size in points (its media box), rounded to a thousandth.
pub fn page_size(pdf: &[u8]) -> (f64, f64) {
    let doc = load(pdf);
    let page = *doc.get_pages().values().next().expect("the PDF has a page");
    let dict = doc.get_dictionary(page).unwrap();
    let boxed = dict.get(b"MediaBox").or_else(|_| doc.get_dictionary(parent(dict)).unwrap().get(b"MediaBox"));
    let media = resolve(&doc, boxed.expect("the page has a media box")).as_array().unwrap();
    let n: Vec<f64> = media.iter().map(|v| number(resolve(&doc, v))).collect();
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    (round(n[2] - n[0]), round(n[3] - n[1]))
}

/// The creation date in the document information, as written (`D:YYYYMMDDHHmmSS…`).
pub fn creation_date(pdf: &[u8]) -> String {
    let doc = load(pdf);
    let info = resolve(&doc, doc.trailer.get(b"Info").expect("the PDF has document information"));
    let date = info.as_dict().unwrap().get(b"CreationDate").expect("the PDF has a creation date");
    String::from_utf8(date.as_str().unwrap().to_vec()).unwrap()
}

/// How many images the PDF holds (image objects, soft masks included, as `pdfimages
/// -list` lists them).
pub fn images(pdf: &[u8]) -> usize {
    let doc = load(pdf);
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Image"))
        .count()
}

/// A gap wider than this share of the font size between two glyphs on a line parts
/// words (table cells, columns); a word space is a glyph of its own in Typst's PDFs.
const GAP: f64 = 0.2;

/// Whether `next` goes on from `glyph` in the same word: on its baseline, right after it.
fn follows(glyph: &Glyph, next: &Glyph) -> bool {
    let end = glyph.x + glyph.width;
    (next.y - glyph.y).abs() < 0.5 * glyph.size.min(next.size) && (next.x - end).abs() <= GAP * next.size
}

fn load(pdf: &[u8]) -> Document {
    Document::load_mem(pdf).expect("the PDF parses")
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One glyph placed on the page: where its baseline starts, its advance and its size,
/// in the page's coordinates (points, y upwards).
struct Glyph {
    x: f64,
    y: f64,
    width: f64,
    size: f64,
    text: String,
}

/// Glyphs sharing a baseline.
struct Row {
    y: f64,
    size: f64,
    glyphs: Vec<Glyph>,
}

/// A font as far as reading text needs: how codes decode and how wide they are.
struct Font<'a> {
    encoding: Encoding<'a>,
    /// Bytes per character code: 2 for a Type0 font (Identity-H), else 1.
    code_len: usize,
    widths: BTreeMap<u32, f64>,
    default_width: f64,
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (PDF's row-vector convention: a point goes through `m` first).
fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(x: f64, y: f64) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, x, y]
}

/// The glyphs of one page, in the order its content shows them.
fn glyphs(doc: &Document, page: lopdf::ObjectId) -> Vec<Glyph> {
    let fonts: BTreeMap<Vec<u8>, Font> =
        doc.get_page_fonts(page).unwrap().into_iter().map(|(name, dict)| (name, font(doc, dict))).collect();
    let content = Content::decode(&doc.get_page_content(page).unwrap()).expect("the page's content parses");
    let mut out = Vec::new();
    let (mut ctm, mut stack) = (IDENTITY, Vec::new());
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let (mut font, mut size, mut char_spacing, mut word_spacing, mut scale, mut leading) =
        (None, 0.0, 0.0, 0.0, 1.0, 0.0);
    for op in &content.operations {
        let num = |i: usize| op.operands.get(i).map(number).unwrap_or(0.0);
        let mut shown: Vec<&Object> = Vec::new();
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(IDENTITY),
            "cm" => ctm = multiply(&[num(0), num(1), num(2), num(3), num(4), num(5)], &ctm),
            "BT" => (tm, tlm) = (IDENTITY, IDENTITY),
            "Tf" => {
                font = op.operands.first().and_then(|n| n.as_name().ok()).and_then(|n| fonts.get(n));
                size = num(1);
            }
            "Tc" => char_spacing = num(0),
            "Tw" => word_spacing = num(0),
            "Tz" => scale = num(0) / 100.0,
            "TL" => leading = num(0),
            "Tm" => {
                tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
                tm = tlm;
            }
            "Td" | "TD" => {
                if op.operator == "TD" {
                    leading = -num(1);
                }
                tlm = multiply(&translate(num(0), num(1)), &tlm);
                tm = tlm;
            }
            "T*" => {
                tlm = multiply(&translate(0.0, -leading), &tlm);
                tm = tlm;
            }
            "Tj" | "TJ" => shown.extend(&op.operands),
            "'" | "\"" => {
                tlm = multiply(&translate(0.0, -leading), &tlm);
                tm = tlm;
                shown.extend(op.operands.last());
            }
            _ => {}
        }
        let Some(font) = font else { continue };
        let items: Vec<&Object> =
            shown.iter().flat_map(|o| o.as_array().map(|a| a.iter().collect()).unwrap_or_else(|_| vec![*o])).collect();
        for item in items {
            let Ok(bytes) = item.as_str() else {
                tm = multiply(&translate(-number(item) / 1000.0 * size * scale, 0.0), &tm);
                continue;
            };
            for code in bytes.chunks(font.code_len) {
                let key = code.iter().fold(0u32, |k, b| k << 8 | *b as u32);
                let spacing = char_spacing + if font.code_len == 1 && key == 32 { word_spacing } else { 0.0 };
                let advance =
                    (font.widths.get(&key).copied().unwrap_or(font.default_width) / 1000.0 * size + spacing) * scale;
                let place = multiply(&tm, &ctm);
                let text = font.encoding.bytes_to_string(code).unwrap_or_default();
                let width = advance * place[0];
                let user_size = size * (place[0] * place[3] - place[1] * place[2]).abs().sqrt();
                out.push(Glyph { x: place[4], y: place[5], width, size: user_size, text });
                tm = multiply(&translate(advance, 0.0), &tm);
            }
        }
    }
    out
}

fn font<'a>(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
    let encoding = dict.get_font_encoding(doc).expect("the font's encoding reads");
    let name = |d: &Dictionary, key: &[u8]| d.get(key).and_then(Object::as_name).map(<[u8]>::to_vec).ok();
    let mut widths = BTreeMap::new();
    if name(dict, b"Subtype").as_deref() == Some(b"Type0") {
        let descendants = resolve(doc, dict.get(b"DescendantFonts").unwrap()).as_array().unwrap();
        let cid = resolve(doc, &descendants[0]).as_dict().unwrap();
        let default_width = cid.get(b"DW").map(|w| number(resolve(doc, w))).unwrap_or(1000.0);
        let w = cid.get(b"W").map(|w| resolve(doc, w).as_array().unwrap().as_slice()).unwrap_or(&[]);
        let mut i = 0;
        while i + 1 < w.len() {
            let first = number(resolve(doc, &w[i])) as u32;
            match resolve(doc, &w[i + 1]) {
                Object::Array(each) => {
                    for (n, width) in each.iter().enumerate() {
                        widths.insert(first + n as u32, number(resolve(doc, width)));
                    }
                    i += 2;
                }
                last => {
                    let width = number(resolve(doc, &w[i + 2]));
                    for code in first..=number(last) as u32 {
                        widths.insert(code, width);
                    }
                    i += 3;
                }
            }
        }
        Font { encoding, code_len: 2, widths, default_width }
    } else {
        let first = dict.get(b"FirstChar").map(|f| number(resolve(doc, f)) as u32).unwrap_or(0);
        if let Ok(list) = dict.get(b"Widths").map(|w| resolve(doc, w).as_array().unwrap()) {
            for (n, width) in list.iter().enumerate() {
                widths.insert(first + n as u32, number(resolve(doc, width)));
            }
        }
        Font { encoding, code_len: 1, widths, default_width: 0.0 }
    }
}

fn parent(dict: &Dictionary) -> lopdf::ObjectId {
    dict.get(b"Parent").and_then(Object::as_reference).expect("the page has a parent")
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).map(|(_, o)| o).unwrap_or(object)
}

fn number(object: &Object) -> f64 {
    match object {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => *r as f64,
        _ => 0.0,
    }
}
