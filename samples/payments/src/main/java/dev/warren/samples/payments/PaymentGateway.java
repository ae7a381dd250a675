package dev.warren.samples.payments;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stands in for the card processor. Like a real one, it charges whatever it is asked to, as often
 * as it is asked: every call is one row in {@code gateway_charges}, so a duplicate shows.
 */
@Component
public class PaymentGateway {

    private static final Logger log = LoggerFactory.getLogger(PaymentGateway.class);

    private final JdbcClient jdbc;

    public PaymentGateway(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void charge(ChargeRequest request) {
        jdbc.sql("INSERT INTO gateway_charges (order_id, amount_cents) VALUES (?, ?)")
                .params(request.orderId(), request.amountCents()).update();
        log.info("Charged order {}: {} cents", request.orderId(), request.amountCents());
    }

    /** How many times the order was charged. */
    public int timesCharged(String orderId) {
        return jdbc.sql("SELECT count(*) FROM gateway_charges WHERE order_id = ?").param(orderId).query(Integer.class).single();
    }
}
