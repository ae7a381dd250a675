-- The orders POST /orders placed: committed with their order.placed event in warren_outbox.
CREATE TABLE IF NOT EXISTS placed_orders (
    order_id    TEXT        PRIMARY KEY,
    customer_id TEXT        NOT NULL,
    sku         TEXT        NOT NULL,
    quantity    INT         NOT NULL,
    placed_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row each time a subscriber group finished its work on an order; a duplicate would show as a second row.
-- The reference holds because the event is published only after its order is committed.
CREATE TABLE IF NOT EXISTS placed_order_handlers (
    id               BIGSERIAL   PRIMARY KEY,
    order_id         TEXT        NOT NULL REFERENCES placed_orders (order_id),
    subscriber_group TEXT        NOT NULL,
    handled_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
