-- PostgresTransferStore's transaction for a transfer with a new Idempotency-Key, for pgbench:
-- the lock on the key, the record looked up under it, both accounts locked in id order, the
-- debit, credit and row in one statement, the record stored, the commit. The direction
-- alternates at random, as Benchmarks/wrk/transfers.lua's does. No literal has a colon before a
-- letter: pgbench would read it as a variable.
\set n random(1, 1000000000000)
\set backwards random(0, 1)
BEGIN;
SELECT pg_try_advisory_xact_lock(hashtextextended('14.principal.demopgbench-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 0));
SELECT scope, key, fingerprint, status, reason, fields, body, created_at, expires_at FROM idempotency_records
  WHERE scope = 'principal.demo' AND key = 'pgbench-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) AND expires_at > extract(epoch FROM now())::bigint;
SELECT id, balance_cents FROM accounts WHERE id = ANY('{alice,bob}'::text[]) ORDER BY id FOR UPDATE;
WITH debit AS (
  UPDATE accounts SET balance_cents = balance_cents - 1 WHERE id = CASE CAST(:backwards AS int) WHEN 0 THEN 'alice' ELSE 'bob' END
), credit AS (
  UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id = CASE CAST(:backwards AS int) WHEN 0 THEN 'bob' ELSE 'alice' END
)
INSERT INTO transfers (from_account, to_account, amount_cents, status, created_at)
  VALUES (CASE CAST(:backwards AS int) WHEN 0 THEN 'alice' ELSE 'bob' END, CASE CAST(:backwards AS int) WHEN 0 THEN 'bob' ELSE 'alice' END, 1, 'completed',
          extract(epoch FROM now())::bigint)
  RETURNING id;
INSERT INTO idempotency_records (scope, key, fingerprint, status, reason, fields, body, created_at, expires_at)
  VALUES ('principal.demo', 'pgbench-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), '0123456789abcdef', 201, 'Created',
          'content-type=application/json' || chr(10) || 'location=/transfers/1',
          convert_to('{"amount":0.01,"created_at":"2026-12-05T00:00:00Z","from":"alice","id":1,"status":"completed","to":"bob"}', 'UTF8'),
          extract(epoch FROM now())::bigint, extract(epoch FROM now())::bigint + 86400)
  ON CONFLICT (scope, key) DO UPDATE SET
    fingerprint = excluded.fingerprint, status = excluded.status, reason = excluded.reason, fields = excluded.fields,
    body = excluded.body, created_at = excluded.created_at, expires_at = excluded.expires_at
  WHERE idempotency_records.expires_at <= excluded.created_at;
END;
