//! The development inbox: where codes and magic links "sent" by email end up, instead of
//! anyone's real mailbox. Kept in memory (the newest 200), shown at `/inbox` (HTML) and
//! `/inbox.json`, and logged.

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

#[derive(Default)]
pub(crate) struct Inbox {
    messages: Mutex<VecDeque<Message>>,
}

impl Inbox {
    pub(crate) fn deliver(&self, message: Message) {
        tracing::info!(
            to = %message.to,
            kind = message.kind,
            code = message.code.as_deref().unwrap_or(""),
            link = message.link.as_deref().unwrap_or(""),
            "development inbox: message delivered"
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
}
