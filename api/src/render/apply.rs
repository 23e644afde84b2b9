//! The accession form (`api/templates/embed/apply.html`): labels in Swedish and English,
//! each error next to its field and in a summary linking to it, values kept.

use askama::Template;
use samverkan_domain::party::LegalForm;
use strum::IntoEnumIterator;

use super::embed::{Lang, STYLE};

/// The form's texts in one language.
pub struct ApplyLabels {
    pub heading: &'static str,
    pub error_prefix: &'static str,
    pub summary: &'static str,
    pub organisation: &'static str,
    pub legal_form: &'static str,
    pub choose: &'static str,
    pub statements: &'static str,
    pub contact: &'static str,
    pub gdpr_heading: &'static str,
    pub send: &'static str,
    pub honeypot: &'static str,
    pub receipt_heading: &'static str,
    pub receipt_confirm: &'static str,
    pub receipt_registration: &'static str,
    pub receipt_steering_group: &'static str,
    pub gdpr: &'static str,
    pub token_expired: &'static str,
    pub required: &'static str,
}

pub const SV: ApplyLabels = ApplyLabels {
    heading: "Ansök om att ansluta er organisation",
    error_prefix: "Fel: ",
    summary: "Något behöver rättas",
    organisation: "Organisationen",
    legal_form: "Organisationsform",
    choose: "Välj",
    statements: "Villkor för anslutning",
    contact: "Kontaktperson",
    gdpr_heading: "Så behandlar vi personuppgifterna",
    send: "Skicka ansökan",
    honeypot: "Lämna tomt",
    receipt_heading: "Tack, ansökan är mottagen",
    receipt_confirm: "Överenskommelsens handläggare kontaktar kontaktpersonen för att bekräfta ansökan. Ansökan gäller när den är bekräftad.",
    receipt_registration: "Processledaren registrerar anslutningen inom några dagar.",
    receipt_steering_group: "Styrgruppen beslutar om anslutningen vid sitt nästa möte.",
    gdpr: "Personuppgiftsansvarig är den offentliga aktör som äger överenskommelsen. Vi behandlar kontaktpersonens namn, e-postadress och telefonnummer för att handlägga ansökan och hålla kontakt under anslutningen (allmänt intresse), så länge organisationen är ansluten och därefter enligt arkivreglerna. Du har rätt att få tillgång till, rätta och begära radering eller begränsning av uppgifterna och att klaga hos Integritetsskyddsmyndigheten.",
    token_expired: "Formuläret har gått ut. Kontrollera uppgifterna och skicka igen.",
    required: "måste fyllas i",
};

pub const EN: ApplyLabels = ApplyLabels {
    heading: "Apply for your organisation to accede",
    error_prefix: "Error: ",
    summary: "Something needs correcting",
    organisation: "The organisation",
    legal_form: "Legal form",
    choose: "Choose",
    statements: "Conditions for acceding",
    contact: "Contact person",
    gdpr_heading: "How we handle the personal data",
    send: "Send the application",
    honeypot: "Leave empty",
    receipt_heading: "Thank you, the application has been received",
    receipt_confirm: "The agreement's administrator will contact the contact person to confirm the application. The application counts once it is confirmed.",
    receipt_registration: "The agreement's administrator registers the accession within a few days.",
    receipt_steering_group: "The steering group decides on the accession at its next meeting.",
    gdpr: "The controller is the public body that owns the agreement. We process the contact person's name, e-mail address and phone number to handle the application and keep in touch during the accession (public interest), for as long as the organisation is a signatory and then as the archiving rules say. You have the right to access, correct, and ask for erasure or restriction of the data, and to complain to the Swedish Authority for Privacy Protection (IMY).",
    token_expired: "The form has expired. Check the details and send it again.",
    required: "is required",
};

pub fn labels(lang: Lang) -> &'static ApplyLabels {
    match lang {
        Lang::En => &EN,
        _ => &SV,
    }
}

/// One text field.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// An error in the summary: the field's id, its label and the message.
pub struct SummaryError {
    pub field: &'static str,
    pub label: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "embed/apply.html")]
pub struct ApplyPage<'a> {
    pub lang: &'static str,
    pub style: &'static str,
    pub t: &'static ApplyLabels,
    pub title: &'a str,
    pub action: String,
    pub token: String,
    pub errors: Vec<SummaryError>,
    pub org_fields: Vec<Field>,
    pub contact_fields: Vec<Field>,
    pub legal_forms: Vec<(&'static str, &'static str, bool)>,
    pub legal_form_error: Option<String>,
    pub statements: Vec<(usize, String, bool)>,
    pub statements_error: Option<String>,
    pub gdpr: &'static str,
    pub receipt: Option<&'static str>,
}

/// The legal forms for the select, in the page's language, the chosen one selected.
pub fn legal_forms(
    lang: Lang,
    chosen: Option<LegalForm>,
) -> Vec<(&'static str, &'static str, bool)> {
    LegalForm::iter()
        .map(|f| {
            let label = match lang {
                Lang::En => f.label_en(),
                _ => f.label_sv(),
            };
            (f.as_str(), label, Some(f) == chosen)
        })
        .collect()
}

/// The page's style: the list page's own stylesheet (same theme), allowed by its hash.
pub fn style() -> &'static str {
    STYLE
}
