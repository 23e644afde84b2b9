//! How the embeddable page fits its host site ([`Presentation`]): a few whitelisted
//! parameters — `accent`, `font`, `heading=none`, `scheme`, `density` — and the opt-in
//! `resize=1` height script.
//!
//! They are applied at response time to the cached base page ([`Presentation::apply`]): a
//! second small `<style>` that sets the page's CSS custom properties, its hash added to the
//! Content-Security-Policy (header and `<meta>`), and with `resize=1` the one inline script
//! [`RESIZE_SCRIPT`], allowed by its hash. So a theme neither makes its own cache entry nor
//! builds the list again: the cache key leaves these parameters out.
//!
//! An accent colour is link text on the page's background, so it must reach WCAG 2.1 AA's
//! 4.5:1 there; one that does not is refused, naming the ratio ([`RequestField::LowContrast`]).
//! With `scheme=auto` the accent is the light scheme's; the dark scheme keeps its own.

use crate::problem::RequestField;

/// The query parameters read here; any other is ignored (and none is a cache key).
pub const PARAMETERS: [&str; 6] = ["accent", "font", "heading", "scheme", "density", "resize"];

/// The script `resize=1` adds: it posts the document's height to the parent window
/// whenever it changes, as `{"type": "samverkan:height", "height": <CSS px>}`.
pub const RESIZE_SCRIPT: &str = r#"(function(){if(window.parent===window)return;var last=-1;function send(){var h=Math.ceil(document.documentElement.getBoundingClientRect().height);if(h!==last){last=h;window.parent.postMessage({type:"samverkan:height",height:h},"*");}}if(window.ResizeObserver)new ResizeObserver(send).observe(document.documentElement);window.addEventListener("load",send);send();})();"#;

const LIGHT_BG: Rgb = Rgb(0xff, 0xff, 0xff);
const DARK_BG: Rgb = Rgb(0x12, 0x12, 0x12);
/// WCAG 2.1 AA for normal text (1.4.3).
pub const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `0b4a96`, `#0b4a96` or `0b9`.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.strip_prefix('#').unwrap_or(text);
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
        match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => {
                let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
                Some(Rgb(pair(0)?, pair(2)?, pair(4)?))
            }
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG 2.1's relative luminance.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// WCAG 2.1's contrast ratio, from 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    #[default]
    Light,
    Dark,
    /// Follows the reader's `prefers-color-scheme`.
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Font {
    #[default]
    System,
    Serif,
    /// The sans-serif stack most host sites use, for a page that should look like its host
    /// (a frame cannot inherit the host's font).
    InheritLike,
}

/// What the page looks like: the defaults are the base page as cached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presentation {
    pub accent: Option<Rgb>,
    pub font: Font,
    /// `heading=none`: the host page already shows the title and the owner.
    pub no_heading: bool,
    pub scheme: Scheme,
    pub compact: bool,
    /// `resize=1`: the height script.
    pub resize: bool,
}

/// A parameter the page cannot take: which, and why.
#[derive(Debug)]
pub struct BadParameter {
    pub name: &'static str,
    pub error: RequestField,
}

impl BadParameter {
    pub fn message(&self, lang: samverkan_domain::error::Lang) -> String {
        self.error.message(lang)
    }
}

fn one_of(name: &'static str, allowed: &str) -> BadParameter {
    BadParameter {
        name,
        error: RequestField::OneOf {
            allowed: allowed.to_owned(),
        },
    }
}

impl Presentation {
    /// Reads the whitelisted parameters from a query string; others are ignored. The last
    /// of a repeated parameter counts.
    pub fn from_query(query: &str) -> Result<Presentation, BadParameter> {
        let mut p = Presentation::default();
        let mut accent = None;
        for (name, value) in form_urlencoded(query) {
            match name.as_str() {
                "accent" => {
                    accent = Some(Rgb::parse(&value).ok_or(BadParameter {
                        name: "accent",
                        error: RequestField::Colour,
                    })?)
                }
                "font" => {
                    p.font = match value.as_str() {
                        "system" => Font::System,
                        "serif" => Font::Serif,
                        "inherit-like" => Font::InheritLike,
                        _ => return Err(one_of("font", "`system`, `serif`, `inherit-like`")),
                    }
                }
                "heading" => {
                    p.no_heading = match value.as_str() {
                        "none" => true,
                        "show" => false,
                        _ => return Err(one_of("heading", "`none`, `show`")),
                    }
                }
                "scheme" => {
                    p.scheme = match value.as_str() {
                        "light" => Scheme::Light,
                        "dark" => Scheme::Dark,
                        "auto" => Scheme::Auto,
                        _ => return Err(one_of("scheme", "`light`, `dark`, `auto`")),
                    }
                }
                "density" => {
                    p.compact = match value.as_str() {
                        "compact" => true,
                        "normal" => false,
                        _ => return Err(one_of("density", "`normal`, `compact`")),
                    }
                }
                "resize" => {
                    p.resize = match value.as_str() {
                        "1" => true,
                        "0" => false,
                        _ => return Err(one_of("resize", "`0`, `1`")),
                    }
                }
                _ => {}
            }
        }
        if let Some(colour) = accent {
            let background = if p.scheme == Scheme::Dark {
                DARK_BG
            } else {
                LIGHT_BG
            };
            let ratio = colour.contrast(background);
            if ratio < MIN_CONTRAST {
                return Err(BadParameter {
                    name: "accent",
                    error: RequestField::LowContrast {
                        colour: colour.hex(),
                        // Rounded down, so that 4.49 never reads as 4.5.
                        ratio: format!("{:.2}", (ratio * 100.0).floor() / 100.0),
                        background: background.hex(),
                    },
                });
            }
            p.accent = Some(colour);
        }
        Ok(p)
    }

    /// Whether the page is the base page as cached.
    pub fn is_plain(&self) -> bool {
        *self == Presentation::default()
    }

    /// The stylesheet that sets this theme, or `None` for the base look.
    pub fn css(&self) -> Option<String> {
        let mut css = String::new();
        let mut props = String::new();
        if let Some(accent) = self.accent {
            props.push_str(&format!("--samverkan-accent:#{};", accent.hex()));
        }
        match self.font {
            Font::System => {}
            Font::Serif => {
                props.push_str("--samverkan-font:Georgia,Cambria,\"Times New Roman\",Times,serif;")
            }
            Font::InheritLike => {
                props.push_str("--samverkan-font:Arial,\"Helvetica Neue\",Helvetica,sans-serif;")
            }
        }
        if self.compact {
            props.push_str("--samverkan-cell:.25rem;line-height:1.35;");
        }
        if !props.is_empty() {
            css.push_str(&format!(".samverkan{{{props}}}"));
        }
        const DARK: &str = "html{color-scheme:dark;background:#121212}.samverkan{--samverkan-fg:#ebebeb;--samverkan-bg:#121212;--samverkan-muted:#b8b8b8;--samverkan-rule:#8a8a8a;--samverkan-accent:#8cb4ff}";
        match self.scheme {
            Scheme::Light => {}
            Scheme::Dark => {
                css.insert_str(0, DARK);
                // The accent, checked against the dark background, wins over the default.
            }
            Scheme::Auto => css.push_str(&format!("@media (prefers-color-scheme:dark){{{DARK}}}")),
        }
        if self.no_heading {
            css.push_str(".samverkan-head{display:none}");
        }
        (!css.is_empty()).then_some(css)
    }
}

/// Whether a request for the embed page names a presentation parameter (then it is not
/// answered from the cache before routing: the handler applies the theme to the entry).
pub fn requested(path: &str, query: &str) -> bool {
    path.starts_with("/embed/")
        && !query.is_empty()
        && form_urlencoded(query)
            .iter()
            .any(|(k, _)| PARAMETERS.contains(&k.as_str()))
}

/// The query's pairs; a query that cannot be decoded has none here (the handler's own
/// extractor refuses it).
fn form_urlencoded(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use samverkan_domain::error::Lang;

    #[test]
    fn contrast_ratios_are_wcags() {
        let black = Rgb(0, 0, 0);
        assert!((black.contrast(LIGHT_BG) - 21.0).abs() < 1e-9);
        assert!((LIGHT_BG.contrast(LIGHT_BG) - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known smallest grey that passes: 4.54:1.
        let grey = Rgb::parse("767676").unwrap();
        assert!((grey.contrast(LIGHT_BG) - 4.54).abs() < 0.01);
        assert!(Rgb::parse("777777").unwrap().contrast(LIGHT_BG) < MIN_CONTRAST);
    }

    #[test]
    fn colours_are_read_in_hex_only() {
        assert_eq!(Rgb::parse("0b4a96"), Some(Rgb(0x0b, 0x4a, 0x96)));
        assert_eq!(Rgb::parse("#0B4A96"), Some(Rgb(0x0b, 0x4a, 0x96)));
        assert_eq!(Rgb::parse("fff"), Some(Rgb(255, 255, 255)));
        for bad in [
            "", "red", "12345", "1234567", "ggg", "+1f2f3", "0b4a9ö", "-1",
        ] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_accent_below_aa_is_refused_naming_the_ratio() {
        let err = Presentation::from_query("accent=%23ffdd00").unwrap_err();
        assert_eq!(err.name, "accent");
        assert_eq!(
            err.message(Lang::En),
            "#ffdd00 has a contrast ratio of 1.34:1 against the background #ffffff; links need at least 4.5:1 (WCAG 2.1 AA)"
        );
        assert!(
            err.message(Lang::Sv)
                .contains("kontrastförhållandet 1.34:1")
        );
        // Light enough for the dark scheme, not for the light one.
        assert!(Presentation::from_query("accent=8cb4ff").is_err());
        let dark = Presentation::from_query("accent=8cb4ff&scheme=dark").unwrap();
        assert_eq!(dark.accent, Some(Rgb(0x8c, 0xb4, 0xff)));
        assert!(Presentation::from_query("accent=0b4a96&scheme=dark").is_err());
        assert!(Presentation::from_query("accent=767676").is_ok());
        assert!(Presentation::from_query("accent=777777").is_err());
    }

    #[test]
    fn only_whitelisted_values_are_taken() {
        assert!(
            Presentation::from_query("utm_source=x&as_of=2026-01-01")
                .unwrap()
                .is_plain()
        );
        for bad in [
            "font=Comic+Sans",
            "heading=hidden",
            "scheme=sepia",
            "density=tight",
            "resize=yes",
            "accent=red",
        ] {
            assert!(Presentation::from_query(bad).is_err(), "{bad}");
        }
        let p = Presentation::from_query(
            "accent=0b4a96&font=serif&heading=none&scheme=auto&density=compact&resize=1",
        )
        .unwrap();
        assert!(p.resize && p.no_heading && p.compact);
        let css = p.css().unwrap();
        assert!(css.contains("--samverkan-accent:#0b4a96"));
        assert!(css.contains("Georgia"));
        assert!(css.contains(".samverkan-head{display:none}"));
        assert!(css.contains("@media (prefers-color-scheme:dark)"));
        // Nothing from the request is written into the stylesheet but a parsed colour.
        assert!(!css.contains('<'));
        assert_eq!(Presentation::default().css(), None);
    }
}
