//! Table definitions, written once for both backends (ids and JSON as text, timestamps UTC).

diesel::table! {
    public_bodies (id) {
        id -> Text,
        name -> Text,
        sort_key -> Text,
        kind -> Text,
        scb_code -> Nullable<Text>,
        website -> Nullable<Text>,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        sort_key -> Text,
        org_number -> Nullable<Text>,
        legal_form -> Text,
        website -> Nullable<Text>,
        description -> Nullable<Text>,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_municipalities (organization_id, municipality_code) {
        organization_id -> Text,
        municipality_code -> Text,
    }
}

diesel::table! {
    idempotency_keys (caller, key) {
        caller -> Text,
        key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_location -> Nullable<Text>,
        response_etag -> Nullable<Text>,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(organization_municipalities -> organizations (organization_id));

diesel::allow_tables_to_appear_in_same_query!(
    public_bodies,
    organizations,
    organization_municipalities,
    idempotency_keys,
);

diesel::table! {
    agreements (id) {
        id -> Text,
        owner_public_body_id -> Text,
        state -> Text,
        scope -> Text,
        title -> Text,
        document -> Text,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agreement_parties (agreement_id, public_body_id) {
        agreement_id -> Text,
        public_body_id -> Text,
    }
}

diesel::table! {
    agreement_municipalities (agreement_id, municipality_code) {
        agreement_id -> Text,
        municipality_code -> Text,
    }
}

diesel::joinable!(agreement_parties -> agreements (agreement_id));
diesel::joinable!(agreement_municipalities -> agreements (agreement_id));
diesel::allow_tables_to_appear_in_same_query!(
    agreements,
    agreement_parties,
    agreement_municipalities,
    public_bodies,
);
