//! GraphiQL at `GET /graphql`, served entirely by Sammen: the page, and
//! GraphiQL, React and their styles from `api/assets/graphiql/` (compiled
//! in), so the explorer works without internet and under a
//! Content-Security-Policy that allows only the server itself. The page's
//! own text follows the reader's language; GraphiQL's has no translations.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::l10n::LocaleChain;

/// The vendored versions (see `api/assets/graphiql/README.md`).
pub const VERSIONS: &str = "graphiql 3.9.0, react 18.3.1";

/// Only this server, for everything; inline styles because GraphiQL's
/// editors set them; `data:` for the fonts and icons inside its CSS.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The files under `/graphiql/`, with their media types.
const ASSETS: [(&str, &str, &[u8]); 9] = [
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "init.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/init.js"),
    ),
    (
        "sammen.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/sammen.css"),
    ),
    (
        "LICENSE.graphiql",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/graphiql/LICENSE.graphiql"),
    ),
    (
        "LICENSE.react",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/graphiql/LICENSE.react"),
    ),
    (
        "LICENSE.react-dom",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/graphiql/LICENSE.react-dom"),
    ),
];

/// `GET /graphiql/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    let Some((_, media_type, bytes)) = ASSETS.iter().find(|(name, _, _)| *name == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        *bytes,
    )
        .into_response()
}

/// The page for `GET /graphql` without a query.
pub fn page(state: &AppState, headers: &HeaderMap) -> Response {
    let chain = super::locale_chain(state, headers);
    let html = render(&state.locales.current(), &chain);
    let language = HeaderValue::from_str(&chain.primary().to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("en-US"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::CONTENT_LANGUAGE, language),
            (header::VARY, HeaderValue::from_static("Accept-Language")),
        ],
        html,
    )
        .into_response()
}

fn render(localizer: &crate::l10n::Localizer, chain: &LocaleChain) -> String {
    let t = |id: &str| escape(&localizer.message(chain, id, None));
    let comment = |id: &str| {
        localizer
            .message(chain, id, None)
            .lines()
            .map(|line| format!("# {line}\n"))
            .collect::<String>()
    };
    let default_query = format!(
        "{}#\n{}\nmutation SignIn {{\n  login(email: \"partner@example.org\", password: \"…\") {{ token expiresAt }}\n}}\n\n\
         query Organisations {{\n  organisations(first: 5) {{\n    totalCount\n    edges {{ node {{ name country partnershipStatusLabel }} }}\n  }}\n}}\n",
        comment("graphiql-intro"),
        comment("graphiql-sign-in"),
    );
    // Empty, but open beside the query: an Authorization header with a
    // placeholder would make every request, introspection too, fail.
    let default_headers = "{\n\n}";
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<link rel="stylesheet" href="/graphiql/sammen.css">
</head>
<body>
<div id="graphiql" data-endpoint="/graphql" data-subscription-endpoint="/graphql/ws" data-default-query="{query}" data-default-headers="{headers}">{loading}</div>
<noscript>{noscript}</noscript>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script src="/graphiql/init.js"></script>
</body>
</html>
"#,
        lang = escape(&chain.primary().to_string()),
        title = t("graphiql-title"),
        loading = t("graphiql-loading"),
        noscript = t("graphiql-noscript"),
        query = escape(&default_query),
        headers = escape(default_headers),
    )
}

/// Text safe inside HTML text and double-quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_text_is_escaped() {
        assert_eq!(escape("a\"b<c>&'d\ne"), "a&quot;b&lt;c&gt;&amp;&#39;d&#10;e");
    }
}
