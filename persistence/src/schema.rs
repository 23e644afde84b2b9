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
        org_number -> Nullable<Text>,
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
        pending_verification -> Bool,
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

diesel::table! {
    steering_groups (id) {
        id -> Text,
        agreement_id -> Text,
        name -> Text,
        kind -> Text,
        ordinary_seats_per_side -> Nullable<Integer>,
        deputies_allowed -> Bool,
        chair_and_vice_chair_from_different_sides -> Bool,
        default_term_months -> Nullable<Integer>,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    steering_memberships (id) {
        id -> Text,
        group_id -> Text,
        person_name -> Text,
        person_ref -> Nullable<Text>,
        title -> Nullable<Text>,
        side -> Text,
        seat -> Text,
        role -> Text,
        appointer_kind -> Text,
        appointer_id -> Nullable<Text>,
        appointer_name -> Nullable<Text>,
        term_start -> Date,
        term_end -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    steering_meetings (id) {
        id -> Text,
        group_id -> Text,
        date -> Date,
        minutes_reference -> Nullable<Text>,
        created_at -> Timestamp,
        planned -> Bool,
    }
}

diesel::table! {
    steering_attendance (meeting_id, membership_id) {
        meeting_id -> Text,
        membership_id -> Text,
    }
}

diesel::table! {
    steering_decisions (id) {
        id -> Text,
        group_id -> Text,
        agreement_id -> Text,
        meeting_id -> Text,
        kind -> Text,
        subject -> Text,
        subject_id -> Nullable<Text>,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    accessions (id) {
        id -> Text,
        agreement_id -> Text,
        signatory_kind -> Text,
        signatory_id -> Text,
        organization_id -> Nullable<Text>,
        public_body_id -> Nullable<Text>,
        signatory_name -> Text,
        signatory_sort_key -> Text,
        state -> Text,
        approved_on -> Nullable<Date>,
        left_on -> Nullable<Date>,
        reconfirm_by -> Nullable<Date>,
        document -> Text,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        verify_by -> Nullable<Date>,
    }
}

diesel::table! {
    accession_history (accession_id, seq) {
        accession_id -> Text,
        seq -> Integer,
        event -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        at -> Timestamp,
        by_sub -> Text,
        reason -> Nullable<Text>,
        corrects_seq -> Nullable<Integer>,
    }
}

diesel::table! {
    signatory_terms (id) {
        id -> Text,
        agreement_id -> Text,
        signatory_kind -> Text,
        signatory_id -> Text,
        organization_id -> Nullable<Text>,
        signatory_name -> Text,
        signatory_sort_key -> Text,
        since -> Date,
        until -> Nullable<Date>,
    }
}

diesel::table! {
    service_accounts (client_id) {
        client_id -> Text,
        name -> Text,
        roles -> Text,
        public_body_id -> Nullable<Text>,
        organization_ids -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        created_by -> Text,
        secret_rotated_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    public_bodies,
    organizations,
    organization_municipalities,
    idempotency_keys,
    agreements,
    agreement_parties,
    agreement_municipalities,
    steering_groups,
    steering_memberships,
    steering_meetings,
    steering_attendance,
    steering_decisions,
    accessions,
    accession_history,
    signatory_terms,
    changes,
    dialogue_events,
    dialogue_invitations,
    consultation_responses,
);

diesel::table! {
    /// Consultation responses (issue 20): one per organisation and consultation, as a JSON
    /// document with its history.
    consultation_responses (id) {
        id -> Text,
        agreement_id -> Text,
        version_number -> Integer,
        organization_id -> Text,
        document -> Text,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Dialogue meetings and conferences (issue 17): the event as a JSON document.
    dialogue_events (id) {
        id -> Text,
        agreement_id -> Text,
        starts_at -> Timestamp,
        document -> Text,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    dialogue_invitations (event_id, signatory_id) {
        event_id -> Text,
        signatory_kind -> Text,
        signatory_id -> Text,
        signatory_name -> Text,
        invited_at -> Timestamp,
    }
}

diesel::table! {
    server_keys (name) {
        name -> Text,
        secret -> Text,
    }
}

diesel::table! {
    organization_changes (organization_id, row_version) {
        organization_id -> Text,
        row_version -> BigInt,
        changed_at -> Timestamp,
        changed_by -> Text,
    }
}

diesel::table! {
    /// The change feed (issue 14). PostgreSQL also stores `txid` (xid8), which only raw SQL
    /// reads: see `changes`.
    changes (position) {
        position -> BigInt,
        id -> Text,
        change_type -> Text,
        at -> Timestamp,
        agreement_id -> Text,
        public -> Bool,
        payload -> Text,
        private_payload -> Nullable<Text>,
    }
}

diesel::table! {
    action_plans (id) {
        id -> Text,
        agreement_id -> Text,
        state -> Text,
        period_from -> Date,
        period_to -> Date,
        document -> Text,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    capability_links (id) {
        id -> Text,
        token_hash -> Text,
        organization_id -> Text,
        agreement_id -> Text,
        issued_to -> Text,
        issued_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revocation_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// IOP partnerships (issue 21): the document beside the columns the register uses.
    partnerships (id) {
        id -> Text,
        agreement_id -> Text,
        public_body_id -> Text,
        state -> Text,
        period_from -> Date,
        period_to -> Date,
        document -> Text,
        row_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
