//! The WASM entry point: the islands script calls [`hydrate`] once the module loads, then
//! hydrates each island of the page.

use wasm_bindgen::prelude::wasm_bindgen;

/// Starts the page's session keeper, which the islands share.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::session::browser::start();
}
