//! One-time codes by email: how a code is made, sent and checked.
//!
//! Codes are 6 digits from the system CSPRNG, stored as a hash bound to the login ID, usable
//! once, for 10 minutes and at most 5 wrong tries. Starting answers the same whether or not the
//! user exists (except sign-up, which must say the user exists).

use std::net::IpAddr;

use aws_lc_rs::rand::{SecureRandom, SystemRandom};

use super::email::{Audience, Mailer, NewEmail, Outgoing};
use crate::{
    domain::{error::Error, limits::Secret, sessions::SignedIn, users::LoginId},
    storage::codes::{self, CodeKind},
    support::ids::digest,
};

/// Wrong tries after which a code is dead.
const MAX_ATTEMPTS: i64 = 5;

/// One-time codes.
pub(crate) struct Codes {
    pub(crate) mail: Mailer,
}

/// The stored form of a code: bound to its kind and login ID, so it is useless as a link token
/// or for anyone else.
fn code_hash(login_id: &str, code: &str) -> String {
    digest(&format!("otp\0{login_id}\0{code}"))
}

fn six_digits() -> String {
    let rng = SystemRandom::new();
    loop {
        let mut bytes = [0u8; 4];
        rng.fill(&mut bytes).expect("the system CSPRNG works");
        let n = u32::from_be_bytes(bytes);
        // 4,294,000,000 is a multiple of 1,000,000: rejecting above it keeps codes uniform.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// A new code for `login_id`: what is stored and, if `sent`, what the message shows; and the
/// code itself.
fn new_code(login_id: &LoginId, sent: bool) -> (Outgoing, String) {
    let code = six_digits();
    let outgoing = Outgoing {
        kind: CodeKind::Otp,
        hash: code_hash(login_id.as_str(), &code),
        code: sent.then(|| code.clone()),
        link: None,
    };
    (outgoing, code)
}

impl Codes {
    /// Sends a new code to `login_id` if `audience` allows; answers the masked address.
    pub(crate) async fn send(
        &self,
        login_id: LoginId,
        name: String,
        audience: Audience,
        address: IpAddr,
    ) -> Result<String, Error> {
        let (outgoing, _) = new_code(&login_id, true);
        self.mail
            .send(login_id, name, audience, address, outgoing)
            .await
    }

    /// Sends a code to the new address that, verified with the user's login ID, makes it the
    /// email of the user holding `refresh_token`; answers the masked new address.
    pub(crate) async fn send_email_change(
        &self,
        change: NewEmail,
        refresh_token: Option<&str>,
        address: IpAddr,
    ) -> Result<String, Error> {
        let (outgoing, _) = new_code(&change.login_id, true);
        self.mail
            .send_email_change(change, refresh_token, address, outgoing)
            .await
    }

    /// A new code for the test user `login_id`, answered instead of sent.
    pub(crate) async fn generate_for_test_user(&self, login_id: LoginId) -> Result<String, Error> {
        let (outgoing, code) = new_code(&login_id, false);
        self.mail.issue_to_test_user(login_id, outgoing).await?;
        Ok(code)
    }

    /// Checks `code` against the live codes of `login_id` (a sign-in's and an email change's)
    /// and signs its owner in, completing the email change it was sent for, if any. A wrong
    /// code counts against each live code (5 kill it) and against the account's and address's
    /// limits.
    pub(crate) async fn verify(
        &self,
        login_id: LoginId,
        code: &str,
        address: IpAddr,
    ) -> Result<SignedIn, Error> {
        let guess = self
            .mail
            .limits
            .guess(Some((Secret::Code, login_id.as_str())), address)?;
        let presented = code_hash(login_id.as_str(), code);
        let now = self.mail.clock.now();
        let pending = self
            .mail
            .store
            .write(move |conn| -> Result<_, Error> {
                let mut live = codes::live(conn, login_id.as_str(), CodeKind::Otp, now)?;
                if live.is_empty() {
                    return Ok(Err(Error::CodeExhausted));
                }
                let matching = live.iter().position(|pending| {
                    aws_lc_rs::constant_time::verify_slices_are_equal(
                        pending.hash.as_bytes(),
                        presented.as_bytes(),
                    )
                    .is_ok()
                });
                // Committed either way: a wrong try is counted even though it is refused.
                Ok(match matching {
                    Some(index) => {
                        let pending = live.swap_remove(index);
                        codes::consume(conn, pending.id)?;
                        Ok(pending)
                    }
                    None => {
                        for pending in &live {
                            codes::failed(conn, pending.id, MAX_ATTEMPTS)?;
                        }
                        let dead = live.iter().all(|p| p.attempts + 1 >= MAX_ATTEMPTS);
                        Err(if dead {
                            Error::CodeExhausted
                        } else {
                            Error::WrongCode
                        })
                    }
                })
            })
            .await??;
        guess.succeeded();
        self.mail.redeem(pending, address).await
    }
}
