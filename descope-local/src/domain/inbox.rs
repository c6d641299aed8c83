//! The development inbox: where codes and magic links "sent" by email end up, instead of
//! anyone's real mailbox. Kept in memory (the newest 200) and shown at `/inbox` (HTML) and
//! `/inbox.json`, to clients on this machine only. The log says that a message went to a
//! masked address and where to read it, never what it holds.

use std::{collections::VecDeque, sync::Mutex};

use serde::Serialize;

/// The most messages kept.
const CAPACITY: usize = 200;

/// One message "sent".
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Message {
    pub(crate) to: String,
    /// `otp` or `magiclink`.
    pub(crate) kind: &'static str,
    pub(crate) code: Option<String>,
    pub(crate) link: Option<String>,
    pub(crate) sent_at: i64,
}

pub(crate) struct Inbox {
    /// Where a developer reads the messages, for the log.
    url: String,
    messages: Mutex<VecDeque<Message>>,
}

/// `a***@example.com`: enough for a person to recognise their address.
pub(crate) fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((user, domain)) => {
            let first: String = user.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

impl Inbox {
    /// An empty inbox of the server reached at `base_url`.
    pub(crate) fn new(base_url: &str) -> Self {
        Self {
            url: format!("{}/inbox", base_url.trim_end_matches('/')),
            messages: Mutex::default(),
        }
    }

    pub(crate) fn deliver(&self, message: Message) {
        tracing::info!(
            to = %mask_email(&message.to),
            kind = message.kind,
            "development inbox: message delivered; read it at {}",
            self.url
        );
        let mut messages = self.messages.lock().expect("inbox lock poisoned");
        if messages.len() == CAPACITY {
            messages.pop_back();
        }
        messages.push_front(message);
    }

    /// The messages, newest first, optionally only those to `to`.
    pub(crate) fn list(&self, to: Option<&str>) -> Vec<Message> {
        let messages = self.messages.lock().expect("inbox lock poisoned");
        messages
            .iter()
            .filter(|m| to.is_none_or(|to| m.to.eq_ignore_ascii_case(to)))
            .cloned()
            .collect()
    }

    /// Forgets every message.
    pub(crate) fn clear(&self) {
        self.messages.lock().expect("inbox lock poisoned").clear();
    }
}
