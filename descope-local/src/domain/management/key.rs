//! The project's management key: what the management API asks of every caller, as Descope's
//! does (`Authorization: Bearer <projectId>:<managementKey>`).

use aws_lc_rs::constant_time::verify_slices_are_equal;

use crate::{
    storage::{secrets, Store, StoreError},
    support::{
        clock::Clock,
        ids::{digest, random_id},
    },
};

/// Where a generated key is kept.
const SECRET_NAME: &str = "management_key";

/// The management key, of which only the digest is held while the server runs.
pub(crate) struct ManagementKey {
    digest: String,
}

/// Where the key came from, and the key itself when it was generated, to be shown once.
pub(crate) enum Origin {
    /// The setting gave it.
    Setting,
    /// Kept in the data folder; generated on the first start.
    Generated(String),
}

impl ManagementKey {
    /// The key `configured` by the setting; without one, the key kept in the store, generated
    /// and kept there on the first start.
    pub(crate) fn load_or_create(
        store: &Store,
        clock: &Clock,
        configured: Option<&str>,
    ) -> Result<(Self, Origin), StoreError> {
        let (key, origin) = match configured {
            Some(key) => (key.to_owned(), Origin::Setting),
            None => {
                let fresh = format!("K2{}", random_id(48));
                let kept = store.write_now(|conn| {
                    secrets::get_or_insert(conn, SECRET_NAME, &fresh, clock.now())
                })?;
                (kept.clone(), Origin::Generated(kept))
            }
        };
        Ok((
            Self {
                digest: digest(&key),
            },
            origin,
        ))
    }

    /// Whether `presented` is the key; compares digests in constant time.
    pub(crate) fn accepts(&self, presented: &str) -> bool {
        verify_slices_are_equal(digest(presented).as_bytes(), self.digest.as_bytes()).is_ok()
    }
}
