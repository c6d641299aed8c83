//! Feeds arbitrary bytes to `Validator::validate` with a pinned key set and a fixed clock.
//! Any panic, overflow or hang is a bug; the answer itself does not matter here.

#![no_main]

use std::sync::LazyLock;

use descope::session::Validator;
use libfuzzer_sys::fuzz_target;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime")
});

static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    Validator::builder("P2FuzzProjectAAAAAAAAAAAAAAA")
        .pinned_key_set(include_str!("../fixtures/jwks.json"))
        .expect("the fixture key set is usable")
        .clock(|| 1_800_000_001)
        .build()
});

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        let _ = RUNTIME.block_on(VALIDATOR.validate(token));
    }
});
