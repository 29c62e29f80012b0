-- Hand-written data migration. compliance:review, instructions:read and instructions:write are
-- new scopes. A client gets at most the scopes of the client that creates it, so no tenant
-- admin could grant them until one of its clients holds them. Every client that holds admin
-- gets them, so each platform's admins can hand them out.
UPDATE "api_clients"
SET "scopes" = "scopes" || ARRAY(
  SELECT s FROM unnest(ARRAY['compliance:review', 'instructions:read', 'instructions:write']) AS s
  WHERE NOT s = ANY ("scopes")
)
WHERE 'admin' = ANY ("scopes");
