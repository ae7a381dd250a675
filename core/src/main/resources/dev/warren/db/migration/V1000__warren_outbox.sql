-- Warren's transactional outbox (PostgreSQL). Messages sent inside a transaction are written here
-- and published by the relay after commit. Take this script over into your own migrations, or
-- add classpath:dev/warren/db/migration to spring.flyway.locations.
CREATE TABLE IF NOT EXISTS warren_outbox (
    id           BIGSERIAL    PRIMARY KEY,
    message_id   VARCHAR(512) NOT NULL,
    kind         VARCHAR(8)   NOT NULL,   -- 'send' (to a queue) or 'publish' (to a topic)
    destination  VARCHAR(255) NOT NULL,
    routing_key  VARCHAR(255),
    ordering_key VARCHAR(255),            -- messages with one key are published in the order written
    headers      TEXT,                    -- JSON object
    body         TEXT         NOT NULL,   -- the JSON payload
    deliver_at   TIMESTAMPTZ,             -- for a delayed message: when it is due
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT clock_timestamp(),   -- the write itself, not its transaction's start
    sent_at      TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS warren_outbox_unsent ON warren_outbox (id) WHERE sent_at IS NULL;
CREATE INDEX IF NOT EXISTS warren_outbox_sent ON warren_outbox (sent_at) WHERE sent_at IS NOT NULL;
