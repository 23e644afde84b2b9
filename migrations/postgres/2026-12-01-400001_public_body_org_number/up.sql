-- A public body's organisation number (organisationsnummer, `NNNNNN-NNNN`, as organisations
-- keep theirs): municipalities and regions have one. The reference bodies get none here:
-- SCB's published list is not part of the repository, and a number is never invented.
ALTER TABLE public_bodies ADD COLUMN org_number TEXT CHECK (org_number IS NULL OR length(org_number) = 11);
CREATE UNIQUE INDEX public_bodies_org_number ON public_bodies (org_number) WHERE org_number IS NOT NULL;
