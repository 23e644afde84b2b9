//! The pages behind problem `type`s (`/problems/{kind}`): what each kind of error means and
//! what to do next, in Swedish and in English on one page, since a person who follows the
//! link from an error may read either. The English meaning is `ProblemKind::explanation`
//! (also the API document's); the rest is here.

use samverkan_domain::error::Lang;

use crate::problem::ProblemKind;

/// What the kind means, in Swedish.
fn meaning_sv(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::BadRequest => {
            "Begäran gick inte att läsa: felaktig JSON, ett fält som åtgärden inte känner till (okända fält avvisas, de tas aldrig bort i tysthet) eller en parameter i sökvägen eller frågan i fel form. `errors` pekar ut parametern när det är en parameter som är fel."
        }
        ProblemKind::Unauthorized => {
            "Åtgärden kräver en bearer-token (Authorization: Bearer <JWT>), eller så saknas tokenet, har gått ut, gäller inte än, är fel signerat eller är utfärdat för någon annan."
        }
        ProblemKind::Forbidden => {
            "Tokenet är giltigt, men dess roller tillåter inte den här åtgärden på den här resursen."
        }
        ProblemKind::NotFound => {
            "Det finns ingen resurs på adressen, eller ingen som den som frågar får se."
        }
        ProblemKind::MethodNotAllowed => {
            "Adressen finns, men inte med den här metoden; huvudet Allow listar de metoder den har."
        }
        ProblemKind::NotAcceptable => {
            "Resursen kan inte visas i någon av de typer som huvudet Accept ber om."
        }
        ProblemKind::RuleViolation => {
            "Begäran är riktig i sig, men resursens tillstånd nu hindrar den, vilka värden den än har: ett annat värde hjälper inte, tillståndet måste ändras först. `code` namnger regeln (till exempel `already_signatory`) och `detail` säger vad som gäller."
        }
        ProblemKind::PreconditionFailed => {
            "Huvudet If-Match anger en version av resursen som inte längre är den aktuella: någon annan har ändrat den sedan du läste den."
        }
        ProblemKind::PayloadTooLarge => "Begärans innehåll är större än servern tar emot.",
        ProblemKind::RequestTimeout => {
            "Klienten tog för lång tid på sig att skicka innehållet; anslutningen stängdes."
        }
        ProblemKind::UnsupportedMediaType => {
            "Innehållet måste vara JSON (Content-Type: application/json)."
        }
        ProblemKind::Validation => {
            "Begäran lästes, men några värden är fel: i fel form, utanför det tillåtna eller i strid med något som redan är registrerat (ett godkännande före antagandet, ett utträde före godkännandet). `errors` listar varje fält som är fel, med en kod och ett meddelande."
        }
        ProblemKind::PreconditionRequired => {
            "Ändringar kräver huvudet If-Match med ETag för den version som ändras, så att samtidiga ändringar inte skriver över varandra."
        }
        ProblemKind::ServiceUnavailable => "Databasen går inte att nå eller är upptagen.",
        ProblemKind::Internal => {
            "Något gick fel i servern. Svaret har ett request-id; orsaken står i serverns logg under det id:t."
        }
    }
}

/// What to do next, in `lang`.
fn next_steps(kind: ProblemKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ProblemKind::BadRequest, Lang::Sv) => {
            "Rätta det som `detail` och `errors` pekar ut. Jämför begäran med åtgärdens schema i API-dokumentationen (/docs/): fältnamnen skrivs exakt som där, och datum som ÅÅÅÅ-MM-DD."
        }
        (ProblemKind::BadRequest, Lang::En) => {
            "Correct what `detail` and `errors` point at. Compare the request with the operation's schema in the API documentation (/docs/): field names exactly as there, dates as YYYY-MM-DD."
        }
        (ProblemKind::Unauthorized, Lang::Sv) => {
            "Skicka ett giltigt token. Ett token som gått ut ersätts med ett nytt (med demon: `samverkan token`, eller raden i filen med token-kommandon bredvid databasen). GET /api/v1/me visar vad ett token gäller och när det går ut."
        }
        (ProblemKind::Unauthorized, Lang::En) => {
            "Send a valid token. Replace an expired one (with the demo: `samverkan token`, or the line of the file of token commands beside the database). GET /api/v1/me shows what a token is for and when it expires."
        }
        (ProblemKind::Forbidden, Lang::Sv) => {
            "Fråga GET /api/v1/me vilka roller, vilken offentlig aktör och vilka organisationer ditt token gäller. En processledare handlar för sin egen kommun eller region, en företrädare för sina egna organisationer och varje sida i en styrgrupp utser sina egna ledamöter. Behöver du en annan roll får du den av den som utfärdar era token."
        }
        (ProblemKind::Forbidden, Lang::En) => {
            "Ask GET /api/v1/me which roles, public body and organisations your token carries. A processledare acts for their own municipality or region, a representative for their own organisations, and each side of a steering group appoints its own members. For another role, ask whoever issues your tokens."
        }
        (ProblemKind::NotFound, Lang::Sv) => {
            "Kontrollera id:t och adressen (hämta id:n ur en lista, t.ex. GET /api/v1/agreements). Ett utkast eller en annan organisations anslutning syns bara för dem som får se den: skicka ditt token."
        }
        (ProblemKind::NotFound, Lang::En) => {
            "Check the id and the address (take ids from a list, e.g. GET /api/v1/agreements). A draft, or another organisation's accession, is seen only by those allowed to: send your token."
        }
        (ProblemKind::MethodNotAllowed, Lang::Sv) => {
            "Använd en av metoderna i huvudet Allow. En händelse (antagande, godkännande, utträde) är en POST till sin egen adress, aldrig en PATCH av statusen."
        }
        (ProblemKind::MethodNotAllowed, Lang::En) => {
            "Use one of the methods in the Allow header. An event (adoption, approval, withdrawal) is a POST to its own address, never a PATCH of the status."
        }
        (ProblemKind::NotAcceptable, Lang::Sv) => {
            "Be om application/json (eller text/csv där en lista också finns som CSV)."
        }
        (ProblemKind::NotAcceptable, Lang::En) => {
            "Ask for application/json (or text/csv where a list also comes as CSV)."
        }
        (ProblemKind::RuleViolation, Lang::Sv) => {
            "Läs `detail`: den säger vilket tillstånd som gäller. Gör först det som saknas (öppna remissen, anta överenskommelsen, vänta in ett beslut) eller välj den åtgärd som passar tillståndet (en ansökan som väntar dras tillbaka, en godkänd anslutning avslutas med utträde). Åtgärdens beskrivning i /docs/ listar dess regler."
        }
        (ProblemKind::RuleViolation, Lang::En) => {
            "Read `detail`: it says which state holds. First do what is missing (open the consultation, adopt the agreement, wait for a decision), or pick the operation that fits the state (a waiting application is cancelled, an approved accession ends by withdrawal). The operation's description in /docs/ lists its rules."
        }
        (ProblemKind::PreconditionFailed, Lang::Sv) => {
            "Läs resursen igen, gör om din ändring på det du nu ser och skicka den med den nya ETag:en i If-Match."
        }
        (ProblemKind::PreconditionFailed, Lang::En) => {
            "Read the resource again, re-apply your change to what you now see and send it with the new ETag in If-Match."
        }
        (ProblemKind::PayloadTooLarge, Lang::Sv) => {
            "Skicka mindre: dela upp innehållet, eller be den som driver servern om en högre gräns (SAMVERKAN_BODY_LIMIT)."
        }
        (ProblemKind::PayloadTooLarge, Lang::En) => {
            "Send less: split the content, or ask whoever runs the server for a higher limit (SAMVERKAN_BODY_LIMIT)."
        }
        (ProblemKind::RequestTimeout, Lang::Sv) => {
            "Skicka begäran igen, hela innehållet på en gång."
        }
        (ProblemKind::RequestTimeout, Lang::En) => {
            "Send the request again, its whole body at once."
        }
        (ProblemKind::UnsupportedMediaType, Lang::Sv) => {
            "Skicka huvudet Content-Type: application/json med JSON-innehållet. En händelse utan innehåll (till exempel …/reconfirmation) kan skickas helt utan innehåll."
        }
        (ProblemKind::UnsupportedMediaType, Lang::En) => {
            "Send the header Content-Type: application/json with the JSON body. An event without content (…/reconfirmation, say) may be sent with no body at all."
        }
        (ProblemKind::Validation, Lang::Sv) => {
            "Rätta varje fält i `errors` (fältet står i `field`, vad som är fel i `message`) och skicka samma begäran igen. Villkor som en överenskommelse kräver står i dess `settings`."
        }
        (ProblemKind::Validation, Lang::En) => {
            "Correct each field in `errors` (the field in `field`, what is wrong in `message`) and send the same request again. The conditions an agreement requires are in its `settings`."
        }
        (ProblemKind::PreconditionRequired, Lang::Sv) => {
            "Läs resursen, ta dess ETag och skicka ändringen med If-Match: <ETag>."
        }
        (ProblemKind::PreconditionRequired, Lang::En) => {
            "Read the resource, take its ETag and send the change with If-Match: <ETag>."
        }
        (ProblemKind::ServiceUnavailable, Lang::Sv) => {
            "Försök igen om en stund (när huvudet Retry-After finns säger det när). Består felet: kontakta den som driver servern."
        }
        (ProblemKind::ServiceUnavailable, Lang::En) => {
            "Try again shortly (a Retry-After header, where present, says when). If it lasts, contact whoever runs the server."
        }
        (ProblemKind::Internal, Lang::Sv) => {
            "Försök igen. Består felet: skicka svarets request-id till den som driver servern, så hittar de orsaken i loggen."
        }
        (ProblemKind::Internal, Lang::En) => {
            "Try again. If it lasts, send the response's request id to whoever runs the server; they find the cause in the log."
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The page for `kind`: Swedish first, then English, each with its meaning and what to do.
pub fn page(kind: ProblemKind) -> String {
    let section = |lang: Lang, heading: &str, meaning: &str, next: &str| {
        let code = match lang {
            Lang::Sv => "sv",
            Lang::En => "en",
        };
        format!(
            "<section lang=\"{code}\"><h1>{title}</h1><p>HTTP {status}</p><p>{meaning}</p>\
             <h2>{heading}</h2><p>{next}</p></section>",
            title = escape(kind.title(lang)),
            status = kind.status().as_u16(),
            meaning = escape(meaning),
            next = escape(next),
        )
    };
    format!(
        "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{sv}<hr>{en}</body></html>",
        title = escape(kind.title(Lang::Sv)),
        sv = section(
            Lang::Sv,
            "Vad du kan göra",
            meaning_sv(kind),
            next_steps(kind, Lang::Sv)
        ),
        en = section(
            Lang::En,
            "What to do next",
            kind.explanation(),
            next_steps(kind, Lang::En)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_both_languages_and_a_next_step() {
        for kind in ProblemKind::ALL {
            let page = page(kind);
            assert!(page.contains("lang=\"sv\"") && page.contains("lang=\"en\""));
            assert!(page.contains("Vad du kan göra") && page.contains("What to do next"));
            assert_ne!(next_steps(kind, Lang::Sv), next_steps(kind, Lang::En));
            assert!(!page.contains("<JWT>"), "escaped: {page}");
        }
    }
}
