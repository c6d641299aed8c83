//! The project's management key: what the management API asks of every caller, as Descope's
//! does (`Authorization: Bearer <projectId>:<managementKey>`).

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use aws_lc_rs::constant_time::verify_slices_are_equal;

use crate::support::ids::{digest, random_id};

/// The file in the data folder that keeps a generated key.
const FILE_NAME: &str = "management-key";

/// The management key, of which only the digest is held while the server runs.
pub(crate) struct ManagementKey {
    digest: String,
}

/// Where the key came from.
pub(crate) enum Origin {
    /// The setting gave it.
    Setting,
    /// Generated now and kept in this file: the key, to be shown this once.
    Generated(PathBuf, String),
    /// Read from this file, where an earlier start kept it.
    Kept(PathBuf),
}

impl ManagementKey {
    /// The key `configured` by the setting; without one, the key kept in the data folder,
    /// generated and kept there (readable by its owner only) on the first start.
    pub(crate) fn load_or_create(
        data_dir: &Path,
        configured: Option<&str>,
    ) -> std::io::Result<(Self, Origin)> {
        let (key, origin) = match configured {
            Some(key) => (key.to_owned(), Origin::Setting),
            None => {
                let path = data_dir.join(FILE_NAME);
                match std::fs::read_to_string(&path) {
                    Ok(kept) => (kept.trim().to_owned(), Origin::Kept(path)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        let fresh = format!("K2{}", random_id(48));
                        write_owner_only(&path, &fresh)?;
                        (fresh.clone(), Origin::Generated(path, fresh))
                    }
                    Err(e) => return Err(e),
                }
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

/// Creates `path` holding `text`, readable and writable by its owner only.
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
