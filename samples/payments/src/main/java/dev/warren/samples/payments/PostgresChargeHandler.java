package dev.warren.samples.payments;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Technique 2: a unique constraint in the application's own database, no Warren setting at all.
 * The charge row and the charge commit together; {@code UNIQUE (order_id)} makes a second insert
 * for the same order fail, which means "already charged": the handler returns normally and the
 * duplicate is acknowledged. It catches duplicates whatever their message id, even two requests
 * for one order.
 */
@Component
public class PostgresChargeHandler {

    private static final Logger log = LoggerFactory.getLogger(PostgresChargeHandler.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final PaymentGateway gateway;

    public PostgresChargeHandler(JdbcClient jdbc, TransactionTemplate transaction, PaymentGateway gateway) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.gateway = gateway;
    }

    @Consumer(queue = "${payments.postgres-queue}")
    void charge(ChargeRequest request, MessageContext context) {
        transaction.executeWithoutResult(status -> {
            try {
                jdbc.sql("INSERT INTO charges (order_id, amount_cents) VALUES (?, ?)")
                        .params(request.orderId(), request.amountCents()).update();
            } catch (DuplicateKeyException alreadyCharged) {
                // PostgreSQL has aborted the transaction: roll it back rather than commit.
                status.setRollbackOnly();
                log.info("Order {} already charged; message {} (redelivered: {}) acknowledged without charging",
                        request.orderId(), context.messageId(), context.redelivered());
                return;
            }
            // In the same transaction: a crash before the commit leaves no charge row, and the redelivery charges.
            gateway.charge(request);
        });
    }
}
