DROP TABLE idempotency_keys;
DROP TABLE organization_municipalities;
DROP TABLE organizations;
DROP TABLE public_bodies;
