//! Every operation, registered once: the router and the OpenAPI document both come from
//! `configure`.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub mod accessions;
pub mod agreements;
pub mod parties;
pub mod steering;
pub mod system;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(system::health)
        .service(system::ready)
        .service(system::problem_explanation)
        .service(accessions::embed_signatories)
        .service(
            scope::scope("/api/v1")
                .configure(parties::configure)
                .configure(agreements::configure)
                .configure(steering::configure)
                .configure(accessions::configure),
        );
}
