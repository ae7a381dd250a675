package dev.warren.samples.jmsorders;

import dev.warren.MessageContext;
import dev.warren.annotation.Subscribe;
import dev.warren.failure.PermanentFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ships orders. Its group, {@code fulfilment}, gets its own copy of every order. An order it can
 * never ship (a quantity below 1) throws {@link PermanentFailureException}: Warren dead-letters it at
 * once, with the reason, instead of retrying it.
 */
@Component
public class Fulfilment {

    /** The group, and so the consumer: its queue is {@code <topic>.fulfilment}. */
    public static final String GROUP = "fulfilment";

    private static final Logger log = LoggerFactory.getLogger(Fulfilment.class);

    private final OrderActivity orders;

    public Fulfilment(OrderActivity orders) {
        this.orders = orders;
    }

    @Subscribe(topic = "${orders.topic}", group = GROUP)
    void ship(OrderPlaced order, MessageContext context) {
        if (order.quantity() < 1) {
            throw new PermanentFailureException("order " + order.orderId() + " has quantity " + order.quantity()
                    + "; a quantity must be at least 1");
        }
        // A real service would reserve the stock and book the courier here.
        orders.handled(order.orderId(), GROUP);
        log.info("Shipping {} x {} for order {} (attempt {})", order.quantity(), order.item(), order.orderId(),
                context.attempt());
    }
}
