DROP TABLE organization_changes;
