//! One module per route.

mod home;
mod login;
mod not_found;
mod profile;
mod reset;
mod verify;

pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use profile::ProfilePage;
pub use reset::ResetPasswordPage;
pub use verify::VerifyPage;

use leptos::prelude::{GetUntracked, RwSignal, Set};

/// Starts handling a form's submission: false while the last one is still in flight (a second
/// click must not send twice), else marks the form busy and clears the last error.
fn begin_submit(pending: RwSignal<bool>, error: RwSignal<Option<String>>) -> bool {
    if pending.get_untracked() {
        return false;
    }
    pending.set(true);
    error.set(None);
    true
}
