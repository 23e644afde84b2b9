DROP INDEX public_bodies_org_number;
ALTER TABLE public_bodies DROP COLUMN org_number;
