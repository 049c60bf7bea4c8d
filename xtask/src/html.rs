//! Reading and rewriting the built page's HTML with `lol_html`, a streaming HTML rewriter: tags are
//! found by CSS selector, and every byte the rewriting does not touch is copied through as it was.

use lol_html::html_content::{ContentType, Element};
use lol_html::{doc_comments, element, rewrite_str, text, RewriteStrSettings};
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

/// One start tag found in a document.
#[derive(Debug, Clone)]
pub struct StartTag {
    /// Where the tag (`<name …>`) is in the document, in bytes.
    pub range: Range<usize>,
    /// Its attributes in order: lowercase name and value (empty for a bare attribute).
    pub attributes: Vec<(String, String)>,
    /// The element's text content as written (a `<script>`'s body), when it was asked for.
    pub text: String,
}

impl StartTag {
    /// The value of attribute `name` (lowercase), when present.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether attribute `name` is present and its value equals `value`, ASCII case-insensitively.
    pub fn attribute_is(&self, name: &str, value: &str) -> bool {
        self.attribute(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
    }

    fn of(element: &Element<'_, '_>) -> Self {
        Self {
            range: element.source_location().bytes(),
            attributes: element
                .attributes()
                .iter()
                .map(|a| (a.name(), a.value()))
                .collect(),
            text: String::new(),
        }
    }
}

/// Every element of `html` matching the CSS `selector`, in document order, with its text content.
pub fn find(html: &str, selector: &str) -> Result<Vec<StartTag>, String> {
    let found: Rc<RefCell<Vec<StartTag>>> = Rc::default();
    let on_element = Rc::clone(&found);
    let on_text = Rc::clone(&found);
    rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!(selector, move |el| {
                on_element.borrow_mut().push(StartTag::of(el));
                Ok(())
            }))
            .append_element_content_handler(text!(selector, move |chunk| {
                if let Some(last) = on_text.borrow_mut().last_mut() {
                    last.text.push_str(chunk.as_str());
                }
                Ok(())
            })),
    )
    .map_err(|e| format!("cannot read the HTML: {e}"))?;
    Ok(Rc::try_unwrap(found)
        .map(RefCell::into_inner)
        .unwrap_or_default())
}

/// What to do with one matched element.
pub enum Edit {
    /// Leave it as it is.
    Keep,
    /// Put this HTML right after its start tag (after the element, for a void element).
    After(String),
    /// Put this HTML in its place (start tag, content and end tag).
    Replace(String),
    /// Put this HTML right before its end tag (`</head>`); an error when the end tag is not
    /// written in the document.
    BeforeEnd(String),
}

/// `html` with each element matching `selector` edited as `edit` says; `edit` sees the element's
/// start tag (its text content is not known yet). Untouched bytes are copied as they were.
pub fn edit(
    html: &str,
    selector: &str,
    mut edit: impl FnMut(&StartTag) -> Result<Edit, String>,
) -> Result<String, String> {
    let missing_end: Rc<RefCell<Vec<String>>> = Rc::default();
    let on_element = Rc::clone(&missing_end);
    let out = rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!(selector, move |el| {
            match edit(&StartTag::of(el))? {
                Edit::Keep => {}
                Edit::After(content) => el.after(&content, ContentType::Html),
                Edit::Replace(content) => el.replace(&content, ContentType::Html),
                Edit::BeforeEnd(content) => {
                    let name = el.tag_name();
                    let Some(handlers) = el.end_tag_handlers() else {
                        return Err(format!("<{name}> has no end tag to write before").into());
                    };
                    // Listed as missing until the end tag is seen.
                    on_element.borrow_mut().push(name);
                    let pending = Rc::clone(&on_element);
                    handlers.push(Box::new(move |end| {
                        end.before(&content, ContentType::Html);
                        pending.borrow_mut().pop();
                        Ok(())
                    }));
                }
            }
            Ok(())
        })),
    )
    .map_err(|e| e.to_string())?;
    if let Some(name) = missing_end.borrow().first() {
        return Err(format!("no </{name}> to write before"));
    }
    Ok(out)
}

/// `html` without its comments (`<!-- … -->`), but those `keep` says to keep; every other byte
/// is copied as it was. Text that only looks like a comment (in a `<script>`, an attribute) is
/// not a comment and stays.
pub fn without_comments(html: &str, keep: impl Fn(&str) -> bool) -> Result<String, String> {
    let settings =
        RewriteStrSettings::new().append_document_content_handler(doc_comments!(move |comment| {
            if !keep(&comment.text()) {
                comment.remove();
            }
            Ok(())
        }));
    rewrite_str(html, settings).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tags_with_their_places_attributes_and_text() {
        let html = "<head><SCRIPT type=module src='a.js'></SCRIPT>\
                    <script>let a = '<script>';</script><scripts></scripts></head>";
        let found = find(html, "script").unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(
            &html[found[0].range.clone()],
            "<SCRIPT type=module src='a.js'>"
        );
        assert_eq!(found[0].attribute("src"), Some("a.js"));
        assert!(found[0].attribute_is("type", "MODULE"));
        assert_eq!(found[1].text, "let a = '<script>';");
        assert_eq!(found[1].attribute("src"), None);
    }

    #[test]
    fn edits_copy_every_other_byte() {
        let html = "<!doctype html>\n<head>\n  <meta  charset=utf-8 >\n<link rel=icon/></head>\n";
        let out = edit(html, "meta[charset]", |_| Ok(Edit::After("<x>".into()))).unwrap();
        assert_eq!(
            out,
            "<!doctype html>\n<head>\n  <meta  charset=utf-8 ><x>\n<link rel=icon/></head>\n"
        );
        let out = edit(html, "head", |_| Ok(Edit::BeforeEnd("<y>".into()))).unwrap();
        assert!(out.ends_with("<link rel=icon/><y></head>\n"), "{out}");
        let out = edit(html, "link", |_| Ok(Edit::Replace("<z>".into()))).unwrap();
        assert!(out.contains("\n<z></head>"), "{out}");
        assert_eq!(edit(html, "link", |_| Ok(Edit::Keep)).unwrap(), html);
    }

    #[test]
    fn comments_go_but_the_kept_ones_and_look_alikes() {
        let html = "<head><!-- a note\n over lines --><!--mark--><script>let a = '<!--x-->';\
                    </script></head><p title=\"<!--y-->\">text<!--z--></p>";
        let out = without_comments(html, |text| text == "mark").unwrap();
        assert_eq!(
            out,
            "<head><!--mark--><script>let a = '<!--x-->';</script></head>\
             <p title=\"<!--y-->\">text</p>"
        );
    }

    #[test]
    fn a_missing_end_tag_or_a_refused_edit_is_an_error() {
        let err = edit("<head><meta charset=utf-8>", "head", |_| {
            Ok(Edit::BeforeEnd("<y>".into()))
        })
        .unwrap_err();
        assert!(err.contains("no </head>"), "{err}");
        let err = edit("<p>", "p", |_| Err("refused".into())).unwrap_err();
        assert!(err.contains("refused"), "{err}");
    }
}
