//! Text out of a file's bytes, per format. These run only in the
//! extracting child process (`sammen search extract`), whose memory, CPU
//! time and output are limited, because a hostile file can make a parser
//! loop, allocate without end or overflow its stack.

use std::io::{Cursor, Read};

/// Zip entries an office file may have.
const MAX_ENTRIES: usize = 10_000;
/// Bytes read from the one XML part of an office file, whatever its
/// header says (a zip bomb stops here).
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// A file that cannot be read as its format.
#[derive(Debug)]
pub struct Unreadable(pub String);

impl<E: std::fmt::Display> From<E> for Unreadable {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

/// The text of a PDF.
pub fn pdf(bytes: &[u8]) -> Result<String, Unreadable> {
    Ok(pdf_extract::extract_text_from_mem(bytes)?)
}

/// The text of an HTML page: no scripts or styles, blocks on their own lines.
pub fn html(bytes: &[u8]) -> Result<String, Unreadable> {
    Ok(html2text::config::plain().string_from_read(bytes, 10_000)?)
}

/// The text of a DOCX (`word/document.xml`) or ODT (`content.xml`).
pub fn office(bytes: &[u8]) -> Result<String, Unreadable> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    if archive.len() > MAX_ENTRIES {
        return Err(Unreadable(format!("{} entries", archive.len())));
    }
    for (part, text_element, paragraphs) in [
        ("word/document.xml", Some(&b"w:t"[..]), &[&b"w:p"[..]][..]),
        ("content.xml", None, &[&b"text:p"[..], &b"text:h"[..]][..]),
    ] {
        let Ok(entry) = archive.by_name(part) else {
            continue;
        };
        let mut xml = Vec::new();
        entry.take(MAX_XML_BYTES).read_to_end(&mut xml)?;
        return xml_text(&xml, text_element, paragraphs);
    }
    Err(Unreadable("neither word/document.xml nor content.xml".into()))
}

/// The character data of `xml` (only inside `text_element` if given), a
/// line break after each of `paragraphs`. quick-xml expands no DTD or
/// custom entity, so there is no entity bomb or external entity.
fn xml_text(xml: &[u8], text_element: Option<&[u8]>, paragraphs: &[&[u8]]) -> Result<String, Unreadable> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut inside = text_element.is_none();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if Some(e.name().as_ref()) == text_element => inside = true,
            Event::End(e) => {
                let name = e.name();
                if Some(name.as_ref()) == text_element {
                    inside = false;
                } else if paragraphs.contains(&name.as_ref()) {
                    out.push('\n');
                }
            }
            Event::Empty(e) if paragraphs.contains(&e.name().as_ref()) => out.push('\n'),
            Event::Text(t) if inside => out.push_str(&t.decode()?),
            Event::CData(t) if inside => out.push_str(&t.decode()?),
            Event::GeneralRef(r) if inside => match r.resolve_char_ref()? {
                Some(c) => out.push(c),
                None => out.push_str(match r.decode()?.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => " ",
                }),
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_text_is_the_runs_with_a_line_per_paragraph() {
        let xml = br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Etiske </w:t></w:r><w:r><w:t>retningslinjer &amp; mer</w:t></w:r></w:p>
            <w:p><w:r><w:instrText>PAGE</w:instrText><w:t>Side &#50;</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            xml_text(xml, Some(b"w:t"), &[b"w:p"]).expect("text"),
            "Etiske retningslinjer & mer\nSide 2\n"
        );
    }

    #[test]
    fn an_entity_defined_in_a_dtd_is_not_expanded() {
        let xml = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
            <office:document-content><text:p>Hei &b;</text:p></office:document-content>"#;
        assert_eq!(xml_text(xml, None, &[b"text:p"]).expect("text").trim(), "Hei");
    }
}
