//! The share bar's embed, reproduce and teacher's dialogs (this module, not the first load): the
//! snippets for every blog tool with copy buttons, "Copy image + link" for image-only platforms,
//! the reproduce kit (config files and pgbench), and the teacher's link builder with its QR code.
//! The pure parts are `poolsim_page::snippets`, `poolsim_page::reproduce` and
//! `poolsim_page::teach`.

use poolsim_page::outline::STEPS;
use poolsim_page::reproduce::reproduce;
use poolsim_page::snippets;
use poolsim_page::state::Palette;
use poolsim_page::teach::{self, Choices, Target};
use poolsim_page::url_state::{CHALLENGE_IDS, CONTROL_KEYS, DEFAULT_EMBED_CONTROLS};
use poolsim_ui::components::share::{
    copy_to_clipboard, page_address, site_base, snippet, DialogProps,
};
use poolsim_ui::export;
use poolsim_ui::lazy::DialogKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// A checkbox list toggling `key` in `list` (kept in `order`).
fn toggle<T: Copy + PartialEq + 'static>(
    list: &UseStateHandle<Vec<T>>,
    key: T,
    order: &'static [T],
) -> Callback<Event> {
    let list = list.clone();
    Callback::from(move |_: Event| {
        let mut l = (*list).clone();
        if let Some(i) = l.iter().position(|k| *k == key) {
            l.remove(i);
        } else {
            l.push(key);
            l.sort_by_key(|k| order.iter().position(|x| x == k));
        }
        list.set(l);
    })
}

/// The readouts the image shows, per side: (data-metric prefix, label).
const IMAGE_READOUTS: [(&str, &str); 4] = [
    ("memory_private", "Memory, private"),
    ("throughput", "Throughput"),
    ("latency_p99", "Latency p99"),
    ("context_switches", "Context switches"),
];

/// The text of the live figure's readout `metric`, if it is on the page.
fn readout_text(metric: &str) -> Option<String> {
    gloo::utils::document()
        .query_selector(&format!("[data-metric=\"{metric}\"] .readout-value"))
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
}

/// Draws the live figure as it stands — both sides' key readouts and its live charts — with the
/// link under it, on a new canvas.
fn figure_canvas(link: &str) -> Option<web_sys::HtmlCanvasElement> {
    let document = gloo::utils::document();
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    let charts = document
        .query_selector_all(".live-figure canvas.chart-canvas")
        .ok()?;
    let (w, chart_h) = (1200.0, 260.0);
    let h = 330.0
        + if charts.length() > 0 {
            chart_h + 20.0
        } else {
            0.0
        };
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.set_fill_style_str("#22262e");
    ctx.set_font("bold 30px system-ui, sans-serif");
    ctx.fill_text(
        "Postgres connections: straight vs through PgBouncer",
        40.0,
        56.0,
    )
    .ok()?;
    for (i, (side, title, colour)) in [
        ("direct", "Straight to Postgres", "#c83a2c"),
        ("pooled", "Through PgBouncer", "#1f6fb5"),
    ]
    .iter()
    .enumerate()
    {
        let x = 40.0 + i as f64 * 580.0;
        ctx.set_fill_style_str(colour);
        ctx.set_font("bold 24px system-ui, sans-serif");
        ctx.fill_text(title, x, 110.0).ok()?;
        for (j, (metric, label)) in IMAGE_READOUTS.iter().enumerate() {
            let y = 150.0 + j as f64 * 40.0;
            let text = readout_text(&format!("{metric}_{side}")).unwrap_or_else(|| "—".into());
            ctx.set_fill_style_str("#5b6370");
            ctx.set_font("20px system-ui, sans-serif");
            ctx.fill_text(label, x, y).ok()?;
            ctx.set_fill_style_str("#22262e");
            ctx.set_font("bold 22px system-ui, sans-serif");
            ctx.fill_text(&text, x + 250.0, y).ok()?;
        }
    }
    let n = charts.length();
    for i in 0..n {
        let Some(chart) = charts
            .item(i)
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            continue;
        };
        let slot = (w - 80.0) / n as f64;
        let scale = ((slot - 20.0) / chart.width().max(1) as f64)
            .min(chart_h / chart.height().max(1) as f64);
        let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &chart,
            40.0 + i as f64 * slot,
            320.0,
            chart.width() as f64 * scale,
            chart.height() as f64 * scale,
        );
    }
    ctx.set_fill_style_str("#1f6fb5");
    ctx.set_font("18px system-ui, sans-serif");
    ctx.fill_text(link, 40.0, h - 20.0).ok()?;
    Some(canvas)
}

/// A Blob of `text` typed `mime`.
fn text_blob(text: &str, mime: &str) -> Option<web_sys::Blob> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&text.into()), &options)
        .ok()
}

/// Copies the figure as PNG together with its link (`ClipboardItem`: image/png, text/html,
/// text/plain). When the browser refuses, downloads the PNG and copies the link instead.
/// `done` hears which happened ("clipboard" or "download").
fn copy_image_and_link(link: String, done: Callback<&'static str>) {
    let Some(canvas) = figure_canvas(&link) else {
        return;
    };
    let fallback = {
        let (canvas, link, done) = (canvas.clone(), link.clone(), done.clone());
        move || {
            let _ = export::download_canvas("poolsim-figure.png", &canvas);
            copy_to_clipboard(&link);
            done.emit("download");
        }
    };
    let on_blob = Closure::once(move |blob: JsValue| {
        let window = gloo::utils::window();
        let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
        let item_class = js_sys::Reflect::get(&window, &"ClipboardItem".into())
            .ok()
            .and_then(|c| c.dyn_into::<js_sys::Function>().ok());
        let write = clipboard.as_ref().and_then(|c| {
            js_sys::Reflect::get(c, &"write".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        });
        let html = format!(
            "<a href=\"{}\">poolsim: Postgres connections with and without PgBouncer</a>",
            link.replace('&', "&amp;").replace('"', "&quot;")
        );
        let promise = (|| {
            let (clipboard, item_class, write) = (clipboard?, item_class?, write?);
            let parts = js_sys::Object::new();
            js_sys::Reflect::set(&parts, &"image/png".into(), &blob).ok()?;
            js_sys::Reflect::set(
                &parts,
                &"text/html".into(),
                &JsValue::from(text_blob(&html, "text/html")?),
            )
            .ok()?;
            js_sys::Reflect::set(
                &parts,
                &"text/plain".into(),
                &JsValue::from(text_blob(&link, "text/plain")?),
            )
            .ok()?;
            let item = js_sys::Reflect::construct(&item_class, &js_sys::Array::of1(&parts)).ok()?;
            write
                .call1(&clipboard, &js_sys::Array::of1(&item))
                .ok()?
                .dyn_into::<js_sys::Promise>()
                .ok()
        })();
        match promise {
            Some(p) => {
                let ok = Closure::once(move |_: JsValue| done.emit("clipboard"));
                let refused = Closure::once(move |_: JsValue| fallback());
                let _ = p.then2(&ok, &refused);
                ok.forget();
                refused.forget();
            }
            None => fallback(),
        }
    });
    canvas.to_blob(on_blob.as_ref().unchecked_ref()).ok();
    on_blob.forget();
}

/// The embed dialog: which controls the embed shows, then a snippet for every tool.
#[component]
pub fn EmbedDialog(props: &DialogProps) -> Html {
    let controls = use_state(|| DEFAULT_EMBED_CONTROLS.to_vec());
    let image_status = use_state(|| ("", String::new()));
    let base = site_base();
    let embed = poolsim_page::url_state::Embed {
        controls: (*controls).clone(),
        ..Default::default()
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    let query = poolsim_page::url_state::encode(&props.state, None);
    let open_teach = {
        let query = query.clone();
        Callback::from(move |_: MouseEvent| {
            poolsim_ui::lazy::open_dialog(DialogKind::Teach, &query)
        })
    };
    let link = format!("{}?{}", page_address(), query);
    let copy_image = {
        let image_status = image_status.clone();
        Callback::from(move |_: MouseEvent| {
            let image_status = image_status.clone();
            copy_image_and_link(
                link.clone(),
                Callback::from(move |how: &'static str| {
                    image_status.set((
                        how,
                        if how == "clipboard" {
                            "Image and link copied: paste them into the post.".into()
                        } else {
                            "The browser would not copy an image: the PNG was downloaded and the link copied.".into()
                        },
                    ))
                }),
            );
        })
    };
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="embed-title">
            <div class="dialog wide" tabindex="-1">
                <h2 id="embed-title">{ "Embed this figure" }</h2>
                <p>{ "Every snippet starts from the current state and shows only the controls ticked here. The \
                      figure resizes itself to its content and pauses while scrolled out of view. See \
                      docs/EMBEDDING.md for the message protocol." }</p>
                <fieldset class="embed-controls">
                    <legend>{ "Controls in the embed" }</legend>
                    { for CONTROL_KEYS.iter().map(|k| html! {
                        <label>
                            <input type="checkbox" checked={controls.contains(k)} onchange={toggle(&controls, *k, &CONTROL_KEYS)} />
                            { " " }{ *k }
                        </label>
                    }) }
                </fieldset>
                { for snippets::all(&base, &props.state, &embed).into_iter().map(|s| html! {
                    <div class="snippet-group" data-snippet={s.id}>
                        { snippet(s.id, s.title, s.text, None) }
                        <p class="snippet-how">{ s.how }</p>
                        if let Some((path, text)) = s.file {
                            { snippet(&format!("{}-file", s.id), path, text, None) }
                        }
                    </div>
                }) }
                <div class="snippet-group">
                    <h3>{ "For a class" }</h3>
                    <p class="snippet-how">{ "A link with the steps, controls and challenges you choose, and its QR code \
                                              for the projector (also at index.html#teach)." }</p>
                    <button type="button" data-opens={DialogKind::Teach.key()} onclick={open_teach}>{ "Teacher's link…" }</button>
                </div>
                <div class="snippet-group" data-snippet="embed-image">
                    <h3>{ "Substack, Medium (images only)" }</h3>
                    <p class="snippet-how">{ "Copies a picture of the figure as it is now, with the link to this state, \
                                              for platforms that take images but no embeds." }</p>
                    <button type="button" class="copy-image" onclick={copy_image}>{ "Copy image + link" }</button>
                    <span class="share-status" role="status" data-copied={image_status.0}>{ image_status.1.clone() }</span>
                </div>
                <button type="button" class="close" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}

/// The QR code of `text` as SVG markup (black on white, with its quiet zone).
pub fn qr_svg(text: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(256, 256)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .quiet_zone(true)
            .build(),
    )
}

/// The teacher's link builder: tick what students get, read off the link and its QR code.
#[component]
pub fn TeachDialog(props: &DialogProps) -> Html {
    let start = Choices::from_state(&props.state);
    let target = use_state(|| start.target);
    let steps = use_state(|| start.steps.clone());
    let controls = use_state(|| start.controls.clone());
    let challenges = use_state(|| start.challenges.clone());
    let seed = use_state(|| start.seed);
    let palette = use_state(|| start.palette);
    let choices = Choices {
        target: *target,
        steps: (*steps).clone(),
        controls: (*controls).clone(),
        challenges: (*challenges).clone(),
        seed: *seed,
        palette: *palette,
    };
    let link = format!(
        "{}?{}",
        page_address(),
        teach::query(&props.state, &choices)
    );
    let qr = qr_svg(&link).unwrap_or_default();
    let close = props.on_close.reform(|_: MouseEvent| ());
    let pick_target = |t: Target| {
        let target = target.clone();
        Callback::from(move |_: Event| target.set(t))
    };
    let pick_palette = |p: Palette| {
        let palette = palette.clone();
        Callback::from(move |_: Event| palette.set(p))
    };
    let on_seed = {
        let seed = seed.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Ok(s) = input.value().trim().parse::<u64>() {
                    seed.set(s);
                }
            }
        })
    };
    let copy = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            copy_to_clipboard(&link);
        })
    };
    static STEP_ORDER: std::sync::LazyLock<Vec<usize>> =
        std::sync::LazyLock::new(|| (0..STEPS.len()).collect());
    let t = *target;
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="teach-title">
            <div class="dialog wide teach" tabindex="-1">
                <h2 id="teach-title">{ "A link for your class" }</h2>
                <p>{ "Tick what your students get; the link and its QR code follow. Put the code on the projector: \
                      phones open the link in a layout made for them. This page's own address is \
                      index.html#teach." }</p>
                <div class="teach-grid">
                    <div class="teach-choices">
                        <fieldset>
                            <legend>{ "Students open" }</legend>
                            { for Target::ALL.iter().map(|x| html! {
                                <label><input type="radio" name="teach-target" value={x.key()} checked={t == *x}
                                              onchange={pick_target(*x)} />{ " " }{ x.label() }</label>
                            }) }
                        </fieldset>
                        if t == Target::Present {
                            <fieldset class="teach-steps">
                                <legend>{ "Steps of the talk" }</legend>
                                { for STEPS.iter().enumerate().map(|(i, s)| html! {
                                    <label><input type="checkbox" value={(i + 1).to_string()} checked={steps.contains(&i)}
                                                  onchange={toggle(&steps, i, STEP_ORDER.as_slice())} />
                                        { format!(" {}. {}", i + 1, s.title) }</label>
                                }) }
                            </fieldset>
                        }
                        if t == Target::Embed {
                            <fieldset class="embed-controls">
                                <legend>{ "Controls students get" }</legend>
                                { for CONTROL_KEYS.iter().map(|k| html! {
                                    <label><input type="checkbox" value={*k} checked={controls.contains(k)}
                                                  onchange={toggle(&controls, *k, &CONTROL_KEYS)} />{ " " }{ *k }</label>
                                }) }
                            </fieldset>
                        }
                        if t == Target::Page {
                            <fieldset class="teach-challenges">
                                <legend>{ "Challenges (each with its predict-first questions)" }</legend>
                                { for CHALLENGE_IDS.iter().map(|k| html! {
                                    <label><input type="checkbox" value={*k} checked={challenges.contains(k)}
                                                  onchange={toggle(&challenges, *k, &CHALLENGE_IDS)} />{ " " }{ *k }</label>
                                }) }
                            </fieldset>
                        }
                        <fieldset>
                            <legend>{ "Seed and colours" }</legend>
                            <label>{ "Seed " }<input id="teach-seed" type="number" min="0" value={seed.to_string()} onchange={on_seed} /></label>
                            { for Palette::ALL.iter().map(|p| html! {
                                <label><input type="radio" name="teach-palette" value={p.key()} checked={*palette == *p}
                                              onchange={pick_palette(*p)} />{ " " }{ p.label() }</label>
                            }) }
                        </fieldset>
                    </div>
                    <div class="teach-result">
                        <div class="qr" role="img" aria-label="QR code of the link">
                            { Html::from_html_unchecked(AttrValue::from(qr)) }
                        </div>
                        <pre id="teach-link"><code>{ link.clone() }</code></pre>
                        <button type="button" onclick={copy}>{ "Copy link" }</button>
                        <a class="teach-open" href={link} target="_blank" rel="noopener">{ "Open it ↗" }</a>
                    </div>
                </div>
                <button type="button" class="close" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::qr_svg;

    #[test]
    fn a_long_teachers_link_fits_in_one_qr_code() {
        let link = "https://poolsim.example/docs/index.html?v=1&clients=200&pool_mode=none&seed=18446744073709551615&present=1&step=2&steps=2%2C5%2C8%2C9%2C10%2C11&palette=projector";
        let svg = qr_svg(link).expect("a QR code");
        assert!(svg.contains("<svg") && svg.contains("</svg>"), "{svg}");
        // Black modules on white, so phones read it on the projector's black page too.
        assert!(svg.contains("#000000") && svg.contains("#ffffff"));
    }
}

/// "Reproduce this for real": pgbouncer.ini, postgresql.conf and pgbench for the current state.
#[component]
pub fn ReproduceDialog(props: &DialogProps) -> Html {
    let kit = reproduce(&props.state.params);
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="repro-title">
            <div class="dialog wide" tabindex="-1">
                <h2 id="repro-title">{ "Reproduce this on a real server" }</h2>
                <p>{ "Config fragments and a load generator for what the figure simulates. The model is a model: \
                      read the notes before comparing numbers." }</p>
                if let Some(ini) = kit.pgbouncer_ini.clone() {
                    { snippet("repro-pgbouncer", "pgbouncer.ini", ini, Some("pgbouncer.ini")) }
                }
                { snippet("repro-postgresql", "postgresql.conf", kit.postgresql_conf.clone(), Some("postgresql.conf")) }
                { snippet("repro-script", "transaction.sql (pgbench script)", kit.pgbench_script.clone(), Some("transaction.sql")) }
                { snippet("repro-pgbench", "pgbench", kit.pgbench_command.clone(), None) }
                <h3>{ "What the model simplifies" }</h3>
                <ul class="caveats">
                    { for kit.caveats.iter().map(|c| html! { <li>{ c }</li> }) }
                </ul>
                <button type="button" class="close" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
