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
