package dev.warren.samples.orders;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Emails the customer a confirmation. Its group, {@code confirmation-email}, gets its own copy of every placed order. */
@Component
public class ConfirmationMailer {

    private static final Logger log = LoggerFactory.getLogger(ConfirmationMailer.class);

    private final OrderSteps steps;
    private final OrderBook orders;

    public ConfirmationMailer(OrderSteps steps, OrderBook orders) {
        this.steps = steps;
        this.orders = orders;
    }

    @Subscribe(topic = "${orders.topic}", group = "confirmation-email")
    void send(OrderPlaced order) throws InterruptedException {
        steps.sendConfirmation(order.orderId(), order.customerId());
        orders.handled(order.orderId(), "confirmation-email");
        log.info("Confirmation sent for order {}", order.orderId());
    }
}
