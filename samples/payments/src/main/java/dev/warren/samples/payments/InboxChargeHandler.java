package dev.warren.samples.payments;

import dev.warren.annotation.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Technique 3: the inbox. With {@code idempotent = true} and the inbox store for this queue
 * (application.yml), Warren opens a transaction on the application's database, records the
 * message's {@code message_id} in {@code warren_inbox} and runs this method inside it; the
 * {@link JdbcClient} calls join that transaction. The charge row and the "processed" mark commit
 * together: a copy of a committed message is skipped (counted as a duplicate), and an attempt that
 * fails rolls back its row and its mark alike, so the retry starts clean. No transaction of its
 * own, no duplicate-key handling.
 */
@Component
public class InboxChargeHandler {

    private final JdbcClient jdbc;
    private final PaymentGateway gateway;

    public InboxChargeHandler(JdbcClient jdbc, PaymentGateway gateway) {
        this.jdbc = jdbc;
        this.gateway = gateway;
    }

    @Consumer(queue = "${payments.inbox-queue}", idempotent = true)
    void charge(ChargeRequest request) {
        jdbc.sql("INSERT INTO inbox_charges (order_id, amount_cents) VALUES (?, ?)")
                .params(request.orderId(), request.amountCents()).update();
        gateway.charge(request);
    }
}
