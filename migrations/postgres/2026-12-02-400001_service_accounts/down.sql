DELETE FROM server_keys WHERE name = 'service_token';
DROP TABLE service_accounts;
