-- Technique 2: the application's own record of each charge; UNIQUE (order_id) makes a second one fail.
CREATE TABLE IF NOT EXISTS charges (
    id           BIGSERIAL PRIMARY KEY,
    order_id     TEXT        NOT NULL,
    amount_cents BIGINT      NOT NULL,
    charged_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT charges_order_id_unique UNIQUE (order_id)
);

-- Technique 3: one row per charge and no unique constraint; the inbox (warren_inbox) keeps it to one per message.
CREATE TABLE IF NOT EXISTS inbox_charges (
    id           BIGSERIAL PRIMARY KEY,
    order_id     TEXT        NOT NULL,
    amount_cents BIGINT      NOT NULL,
    charged_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The simulated card processor's ledger: one row per charge it was asked for, duplicates included.
CREATE TABLE IF NOT EXISTS gateway_charges (
    id           BIGSERIAL PRIMARY KEY,
    order_id     TEXT        NOT NULL,
    amount_cents BIGINT      NOT NULL,
    charged_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
