//! The local server's console driven as a browser's forms drive it: pages read, forms
//! submitted with the token the page holds, redirects not followed (their `Location` says
//! where an action went).

use reqwest::{redirect::Policy, StatusCode};

/// A console at `url` (e.g. `http://127.0.0.1:4000/console`), opened once to read its token.
pub struct Console {
    pub url: String,
    /// The token the console's forms carry.
    pub token: String,
    client: reqwest::Client,
}

/// The `value` of the first `name="csrf"` input of `html`.
pub fn form_token(html: &str) -> Option<String> {
    let rest = html.split("name=\"csrf\" value=\"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

impl Console {
    /// Reads the console's front page and the token its forms carry.
    pub async fn open(url: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        let html = client.get(url).send().await.unwrap().text().await.unwrap();
        let token = form_token(&html).unwrap_or_else(|| panic!("no form token in {html}"));
        Self {
            url: url.to_owned(),
            token,
            client,
        }
    }

    /// `GET` a console page (`""` for the front page): status and HTML.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Submits the form at `path` with `fields` and the console's token, from the console's
    /// own origin as a browser would: the status and where it redirects (or, when it does
    /// not, the page it answered).
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let mut form = vec![("csrf", self.token.as_str())];
        form.extend_from_slice(fields);
        let origin = self.url.split('/').take(3).collect::<Vec<_>>().join("/");
        let response = self
            .client
            .post(format!("{}{path}", self.url))
            .header("origin", origin)
            .header("sec-fetch-site", "same-origin")
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        match location {
            Some(location) => (status, location),
            None => (status, response.text().await.unwrap()),
        }
    }
}
