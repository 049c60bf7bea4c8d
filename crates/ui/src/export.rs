//! The browser side of exports: downloading a text file or a chart as PNG. The CSV itself is
//! `poolsim_page::export`.

/// Offers `text` as a file download (a Blob URL on a temporary link).
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let result = click_link(name, &url);
    web_sys::Url::revoke_object_url(&url)?;
    result
}

/// Offers a canvas as a PNG download.
pub fn download_canvas(
    name: &str,
    canvas: &web_sys::HtmlCanvasElement,
) -> Result<(), wasm_bindgen::JsValue> {
    let url = canvas.to_data_url_with_type("image/png")?;
    click_link(name, &url)
}

fn click_link(name: &str, href: &str) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let document = gloo::utils::document();
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(href);
    a.set_download(name);
    a.set_hidden(true);
    document.body().ok_or("no body")?.append_child(&a)?;
    a.click();
    a.remove();
    Ok(())
}
