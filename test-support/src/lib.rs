//! What the workspace's tests share, so each test file holds only its tests.
//!
//! - [`console`]: the local server's console, its pages read and its forms submitted.
//! - [`local`]: the local Descope server in-process on a free loopback port, on a clock the
//!   test moves, and the requests tests make of it.
//! - [`process`]: a server binary as a child process: its log, memory and signals.
//! - [`binary`]: the app's server binary with its embedded local Descope, and its calls.
//! - [`jwt`]: signing keys, token minting, and a key server the test controls.
//! - [`TempDir`]: a folder removed when the test is done with it.

pub mod binary;
pub mod console;
pub mod jwt;
pub mod local;
pub mod process;

use std::path::{Path, PathBuf};

/// A fresh, empty folder under the system's temporary directory, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new folder whose name starts with `label`.
    pub fn new(label: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
        Self(dir)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
