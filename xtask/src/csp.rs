//! The site's Content-Security-Policy, shared by the page (`site.rs`) and the model document
//! (`model_doc.rs`).

/// The page's Content-Security-Policy (docs/PUBLISHING.md explains every directive).
///
/// Style attributes are allowed (`style-src-attr`): the page sets bar widths with them.
/// `frame-ancestors` is ignored in a `<meta>` policy, so the page cannot restrict who frames it:
/// hosts that want to set it send a `Content-Security-Policy: frame-ancestors …` HTTP header.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; \
connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'";
