//! What the Embed dialog offers to paste into the tools people write in, each made from the current
//! state (pure, tested natively): a plain iframe, the `<poolsim-figure>` element, a link for
//! WordPress (oEmbed discovery), a Hugo shortcode, a Jekyll include, a Docusaurus/MDX component,
//! the embed link for Notion and Ghost, and the link under a pasted image. Each carries the state's
//! query (`url_state::encode`), so it reads back into the same [`PageState`].

use crate::state::PageState;
use crate::url_state::{encode, Embed};

/// The embed frame's title (also the iframe's in `oembed.json`).
pub const FRAME_TITLE: &str = "poolsim: Postgres connections with and without PgBouncer";
/// The height an embed is given before it reports its own, px.
pub const FRAME_HEIGHT: u32 = 560;

/// One snippet: what it is for, the files a writer creates once (path, text), and what goes into
/// each post.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    /// Id of its block in the dialog (`embed-hugo`).
    pub id: &'static str,
    pub title: &'static str,
    /// Where and how to paste it, one sentence.
    pub how: &'static str,
    /// A file to add to the site once, if the tool needs one: (path, contents).
    pub file: Option<(&'static str, String)>,
    /// What goes into the post.
    pub text: String,
}

/// `text` with `&`, `"`, `<` and `>` escaped for an HTML attribute.
fn attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The embed's query for `state` (without `?`).
pub fn embed_query(state: &PageState, embed: &Embed) -> String {
    encode(state, Some(embed))
}

/// The embed's address.
pub fn embed_url(base: &str, state: &PageState, embed: &Embed) -> String {
    format!("{base}index.html?{}", embed_query(state, embed))
}

/// The full page's address at `state` (what a reader opens, and what WordPress is given).
pub fn page_url(base: &str, state: &PageState) -> String {
    format!("{base}index.html?{}", encode(state, None))
}

/// The iframe snippet for `state`.
pub fn iframe(base: &str, state: &PageState, embed: &Embed) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{FRAME_TITLE}\" width=\"100%\" height=\"{FRAME_HEIGHT}\" \
         style=\"border:0;width:100%\" loading=\"lazy\"></iframe>",
        attr(&embed_url(base, state, embed))
    )
}

/// The custom-element snippet for `state`: one attribute per setting of its link.
pub fn custom_element(base: &str, state: &PageState, embed: &Embed) -> String {
    let query = embed_query(state, embed);
    let mut attrs = String::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if matches!(k.as_ref(), "v" | "embed") {
            continue;
        }
        let name = k.replace('_', "-");
        if k == "metrics" || k == "paused" {
            attrs.push_str(&format!(" {name}"));
        } else {
            attrs.push_str(&format!(" {name}=\"{}\"", attr(&v)));
        }
    }
    format!(
        "<script src=\"{base}poolsim-figure.js\" defer></script>\n<poolsim-figure{attrs}></poolsim-figure>"
    )
}

/// The Hugo shortcode file: an iframe of `base` with the call's `query` (and `height`).
pub fn hugo_shortcode(base: &str) -> String {
    format!(
        "{{{{/* poolsim's live figure: {{{{< poolsim query=\"v=1&embed=1&clients=5000\" >}}}} */}}}}\n\
         {{{{- $src := printf \"%sindex.html?%s\" \"{base}\" (.Get \"query\") -}}}}\n\
         <iframe src=\"{{{{ $src | safeURL }}}}\" title=\"{FRAME_TITLE}\" width=\"100%\" \
         height=\"{{{{ .Get \"height\" | default \"{FRAME_HEIGHT}\" }}}}\" style=\"border:0;width:100%\" \
         loading=\"lazy\"></iframe>\n"
    )
}

/// The Jekyll include file: the same iframe, from `include.query`.
pub fn jekyll_include(base: &str) -> String {
    format!(
        "{{% comment %}} poolsim's live figure: {{% include poolsim.html query=\"v=1&embed=1\" %}} {{% endcomment %}}\n\
         <iframe src=\"{base}index.html?{{{{ include.query }}}}\" title=\"{FRAME_TITLE}\" width=\"100%\" \
         height=\"{{{{ include.height | default: {FRAME_HEIGHT} }}}}\" style=\"border:0;width:100%\" \
         loading=\"lazy\"></iframe>\n"
    )
}

/// The Docusaurus (MDX) component file.
pub fn mdx_component(base: &str) -> String {
    format!(
        "// poolsim's live figure: <Poolsim query=\"v=1&embed=1&clients=5000\" />\n\
         export default function Poolsim({{query = 'v=1&embed=1', height = {FRAME_HEIGHT}}}) {{\n\
         \x20 return (\n\
         \x20   <iframe src={{`{base}index.html?${{query}}`}} title=\"{FRAME_TITLE}\"\n\
         \x20     width=\"100%\" height={{height}} style={{{{border: 0, width: '100%'}}}} loading=\"lazy\" />\n\
         \x20 );\n\
         }}\n"
    )
}

/// Every snippet of the Embed dialog for `state`, in the order shown.
pub fn all(base: &str, state: &PageState, embed: &Embed) -> Vec<Snippet> {
    let query = embed_query(state, embed);
    // The query inside a double-quoted attribute of a template call.
    let quoted = query.replace('"', "%22");
    vec![
        Snippet {
            id: "embed-iframe",
            title: "iframe (any HTML page)",
            how: "Paste into the page's HTML (WordPress: a Custom HTML block).",
            file: None,
            text: iframe(base, state, embed),
        },
        Snippet {
            id: "embed-element",
            title: "Custom element",
            how: "Sizes itself to the figure and forwards attribute changes (see docs/EMBEDDING.md).",
            file: None,
            text: custom_element(base, state, embed),
        },
        Snippet {
            id: "embed-wordpress",
            title: "WordPress",
            how: "Paste the link on a line of its own: WordPress finds the oEmbed discovery link and \
                  embeds the figure (the oEmbed response is the default figure; for this exact state \
                  use the iframe in a Custom HTML block).",
            file: None,
            text: page_url(base, state),
        },
        Snippet {
            id: "embed-hugo",
            title: "Hugo shortcode",
            how: "Save the file once as layouts/shortcodes/poolsim.html, then write the call in any post.",
            file: Some(("layouts/shortcodes/poolsim.html", hugo_shortcode(base))),
            text: format!("{{{{< poolsim query=\"{quoted}\" >}}}}"),
        },
        Snippet {
            id: "embed-jekyll",
            title: "Jekyll include",
            how: "Save the file once as _includes/poolsim.html, then write the include in any post.",
            file: Some(("_includes/poolsim.html", jekyll_include(base))),
            text: format!("{{% include poolsim.html query=\"{quoted}\" %}}"),
        },
        Snippet {
            id: "embed-mdx",
            title: "Docusaurus / MDX component",
            how: "Save the file once as src/components/Poolsim.js, then import and use it in any .mdx page.",
            file: Some(("src/components/Poolsim.js", mdx_component(base))),
            text: format!(
                "import Poolsim from '@site/src/components/Poolsim';\n\n<Poolsim query=\"{quoted}\" />"
            ),
        },
        Snippet {
            id: "embed-link",
            title: "Notion, Ghost (embed block)",
            how: "Notion: type /embed and paste this link. Ghost: an HTML card with the iframe above, \
                  or an Embed card with this link.",
            file: None,
            text: embed_url(base, state, embed),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url_state::decode;

    const BASE: &str = "https://poolsim.example/docs/";

    fn state() -> (PageState, Embed) {
        let d = decode("v=1&clients=5000&pool_size=40&pool_mode=session&seed=7&paused=1");
        assert!(d.notices.is_empty());
        let embed = Embed {
            controls: vec!["clients", "cores"],
            ..Embed::default()
        };
        (d.state, embed)
    }

    /// The first `name="…"` (or `name={…}`) value in `text`, HTML entities undone.
    fn attribute(text: &str, name: &str) -> String {
        let start = text.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        let end = start + text[start..].find('"').unwrap();
        text[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    /// The state and embed a query reads back into, with no notices.
    fn read(query: &str) -> (PageState, Option<Embed>) {
        let d = decode(query);
        assert!(d.notices.is_empty(), "{:?} from {query}", d.notices);
        (d.state, d.embed)
    }

    #[test]
    fn every_snippet_reads_back_into_the_state() {
        let (s, e) = state();
        let snippets = all(BASE, &s, &e);
        assert_eq!(snippets.len(), 7);
        for sn in &snippets {
            let query = match sn.id {
                "embed-iframe" => {
                    let src = attribute(&sn.text, "src");
                    src.strip_prefix(&format!("{BASE}index.html?"))
                        .unwrap()
                        .to_string()
                }
                "embed-wordpress" | "embed-link" => sn
                    .text
                    .strip_prefix(&format!("{BASE}index.html?"))
                    .unwrap()
                    .to_string(),
                "embed-hugo" | "embed-jekyll" | "embed-mdx" => attribute(&sn.text, "query"),
                "embed-element" => {
                    // Each attribute is one pair of the query (as poolsim-figure.js builds it).
                    let tag = &sn.text[sn.text.find("<poolsim-figure").unwrap()..];
                    let mut q = String::from("v=1&embed=1");
                    for part in tag
                        .trim_start_matches("<poolsim-figure")
                        .trim_end_matches("></poolsim-figure>")
                        .split_whitespace()
                    {
                        let (k, v) = part.split_once('=').unwrap_or((part, "\"1\""));
                        q.push_str(&format!("&{}={}", k.replace('-', "_"), v.trim_matches('"')));
                    }
                    q
                }
                other => panic!("no reader for {other}"),
            };
            let (back, embed) = read(&query);
            assert_eq!(back, s, "{}", sn.id);
            if sn.id == "embed-wordpress" {
                assert_eq!(embed, None, "WordPress is given the page's link");
            } else {
                assert_eq!(embed.as_ref(), Some(&e), "{}", sn.id);
            }
        }
    }

    #[test]
    fn the_template_files_put_the_query_after_the_base() {
        assert!(hugo_shortcode(BASE).contains(
            "printf \"%sindex.html?%s\" \"https://poolsim.example/docs/\" (.Get \"query\")"
        ));
        assert!(jekyll_include(BASE)
            .contains("src=\"https://poolsim.example/docs/index.html?{{ include.query }}\""));
        assert!(mdx_component(BASE)
            .contains("src={`https://poolsim.example/docs/index.html?${query}`}"));
        // Each file's comment shows its own call.
        assert!(hugo_shortcode(BASE).starts_with("{{/* poolsim's live figure: {{< poolsim query="));
        assert!(jekyll_include(BASE).contains("{% include poolsim.html query="));
    }

    #[test]
    fn attribute_values_are_escaped() {
        assert_eq!(attr("a&b\"<c>"), "a&amp;b&quot;&lt;c&gt;");
        let (s, e) = state();
        assert!(
            !iframe(BASE, &s, &e).contains("&clients"),
            "& is escaped in src"
        );
    }
}
