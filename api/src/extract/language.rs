//! The language a reader asks an agreement's texts in: `?lang=` (a BCP 47 tag), else
//! `Accept-Language` (ranges by weight, then by order). Swedish is the authoritative text and
//! always available; what is picked from the recorded translations is the domain's
//! `pick_language`. Both are preferences: a value that names no translation, a malformed one
//! included, falls back to Swedish (and `Content-Language: sv` says so) rather than failing,
//! as HTTP treats `Accept-Language`.

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderValue};
use samverkan_domain::agreement::{LanguageTag, pick_language};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::{RefOr, Schema};

use crate::problem::ApiError;

/// `lang` on the reads of an agreement's texts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParams {
    /// The language to read the texts in, as a BCP 47 tag (`fi`, `fit`, `se`, `en`, …);
    /// overrides `Accept-Language`. Fields without a translation stay Swedish and are named
    /// in each version's `fallback_fields`; the answer's `Content-Language` says what was
    /// picked (`sv` for a language without a translation, or a value that is no tag).
    #[param(schema_with = lang_schema)]
    pub lang: Option<String>,
}

fn lang_schema() -> RefOr<Schema> {
    crate::schemas::schema(serde_json::json!({
        "type": "string",
        "description": "A BCP 47 language tag; a preference, like `Accept-Language`: one that names no translation gives the Swedish text.",
        "example": "fi",
    }))
}

/// What the request asked for: `None` when it named no language (the answer is then the
/// Swedish text, as before translations existed, with no `Content-Language`).
#[derive(Debug, Clone)]
pub struct AskedLanguage(Option<Vec<String>>);

impl AskedLanguage {
    pub fn of(req: &HttpRequest, params: &LangParams) -> Result<Self, ApiError> {
        if let Some(raw) = params.lang.as_deref() {
            let preference = LanguageTag::parse(raw)
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default();
            return Ok(Self(Some(vec![preference])));
        }
        let Some(value) = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Ok(Self(None));
        };
        let mut ranges: Vec<(f32, usize, String)> = Vec::new();
        for (order, range) in value.split(',').enumerate() {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            if tag.is_empty() {
                continue;
            }
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            if weight > 0.0 {
                ranges.push((weight, order, tag.to_owned()));
            }
        }
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(Self(Some(ranges.into_iter().map(|(_, _, t)| t).collect())))
    }

    /// The language to answer in, of the languages recorded (Swedish when none was asked
    /// for, or none recorded fits).
    pub fn pick<'a>(
        &self,
        available: impl IntoIterator<Item = &'a LanguageTag> + Clone,
    ) -> LanguageTag {
        match &self.0 {
            None => LanguageTag::swedish(),
            Some(preferences) => {
                let preferences: Vec<&str> = preferences.iter().map(String::as_str).collect();
                pick_language(&preferences, available)
            }
        }
    }

    /// The headers of an answer whose texts may be translated: `Vary: Accept-Language`
    /// always (the same URL answers in another language for another header, so a shared
    /// cache must keep them apart), `Content-Language` when a language was asked for.
    pub fn headers(&self, response: &mut actix_web::HttpResponse, picked: &LanguageTag) {
        self.headers_of_many(response, std::slice::from_ref(picked));
    }

    /// [`Self::headers`] of a list, whose items may each have been picked in another
    /// language: `Content-Language` names each once (RFC 9110 §8.5), in the order met.
    pub fn headers_of_many(&self, response: &mut actix_web::HttpResponse, picked: &[LanguageTag]) {
        let headers = response.headers_mut();
        crate::http::add_vary(headers, "Accept-Language");
        if self.0.is_none() {
            return;
        }
        let mut tags: Vec<&str> = Vec::new();
        for tag in picked {
            if !tags.contains(&tag.as_str()) {
                tags.push(tag.as_str());
            }
        }
        let swedish = LanguageTag::swedish();
        if tags.is_empty() {
            tags.push(swedish.as_str());
        }
        if let Ok(v) = HeaderValue::from_str(&tags.join(", ")) {
            headers.insert(header::CONTENT_LANGUAGE, v);
        }
    }
}
