//! Every operation, registered once: the router and the OpenAPI document both come from
//! `configure`. A route module translates HTTP to the domain and back for one area; what
//! spans areas is a workflow (`crate::workflows`), so no route module imports another.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub mod accessions;
pub mod action_plans;
pub mod agreements;
pub mod apply;
pub mod changes;
pub mod consultation;
pub mod dialogue;
pub mod embed;
pub mod me;
pub mod open_data;
pub mod parties;
pub mod partnerships;
pub mod personal_data;
pub mod service_accounts;
pub mod signatories;
pub mod steering;
pub mod system;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(system::health)
        .service(system::ready)
        .service(system::problem_explanation)
        .service(signatories::embed_signatories)
        .service(embed::stylesheet)
        .service(embed::accessibility)
        .service(embed::snippet_builder)
        .configure(apply::configure)
        .service(
            scope::scope("/api/v1")
                .configure(me::configure)
                .configure(parties::configure)
                .configure(agreements::configure)
                .configure(consultation::configure)
                .configure(steering::configure)
                .configure(accessions::configure)
                .configure(action_plans::configure)
                .configure(signatories::configure)
                .configure(changes::configure)
                .configure(open_data::configure)
                .configure(dialogue::configure)
                .configure(personal_data::configure)
                .configure(partnerships::configure)
                .configure(service_accounts::configure),
        );
}
