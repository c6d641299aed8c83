//! The WASM entry point: the generated JS glue calls [`hydrate`] once the module loads.

use wasm_bindgen::prelude::wasm_bindgen;

/// Attaches the Leptos app to the server-rendered DOM.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
