//! `GET /inbox` (HTML) and `GET /inbox.json`: the development inbox, for clients on this
//! machine only.

use axum::{
    extract::{Query, State},
    response::Html,
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    extract::{LocalClient, Shared},
    responses::escape_html,
};

pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route("/inbox", get(page))
        .route("/inbox.json", get(list))
}

#[derive(Deserialize)]
struct Filter {
    to: Option<String>,
}

async fn list(
    _: LocalClient,
    State(api): State<Shared>,
    Query(filter): Query<Filter>,
) -> Json<Value> {
    Json(json!({ "messages": api.services.inbox.list(filter.to.as_deref()) }))
}

async fn page(
    _: LocalClient,
    State(api): State<Shared>,
    Query(filter): Query<Filter>,
) -> Html<String> {
    let rows: String = api
        .services
        .inbox
        .list(filter.to.as_deref())
        .iter()
        .map(|m| {
            let content = match (&m.code, &m.link) {
                (Some(code), _) => format!("<code class=\"code\">{}</code>", escape_html(code)),
                (_, Some(link)) => format!("<a href=\"{0}\">{0}</a>", escape_html(link)),
                _ => String::new(),
            };
            format!(
                "<tr><td>{}</td><td>{}</td><td>{content}</td><td><time>{}</time></td></tr>",
                escape_html(&m.to),
                m.kind,
                m.sent_at
            )
        })
        .collect();
    let body = if rows.is_empty() {
        "<p>No messages yet. Codes and magic links sent by the local Descope server appear here.</p>".to_owned()
    } else {
        format!("<table><thead><tr><th>To</th><th>Kind</th><th>Code or link</th><th>Sent (Unix)</th></tr></thead><tbody>{rows}</tbody></table>")
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Development inbox</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#1c1f2e}}table{{border-collapse:collapse}}\
         td,th{{border-bottom:1px solid #dfe2ec;padding:.5rem 1rem;text-align:left}}.code{{font-size:1.2rem;letter-spacing:.15em}}</style>\
         </head><body><h1>Development inbox</h1><p>Nothing here is real email.</p>{body}</body></html>"
    ))
}
