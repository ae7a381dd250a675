package dev.warren.samples.jmsorders;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Confirms each order by email. Its group, {@code email}, gets its own copy of every order. */
@Component
public class ConfirmationEmails {

    private static final Logger log = LoggerFactory.getLogger(ConfirmationEmails.class);

    private final OrderActivity orders;

    public ConfirmationEmails(OrderActivity orders) {
        this.orders = orders;
    }

    @Subscribe(topic = "${orders.topic}", group = "email")
    void confirm(OrderPlaced order) {
        // A real service would call the mailer here.
        orders.handled(order.orderId(), "email");
        log.info("Confirmation email sent for order {}", order.orderId());
    }
}
