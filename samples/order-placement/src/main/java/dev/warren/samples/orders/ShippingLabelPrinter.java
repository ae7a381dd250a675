package dev.warren.samples.orders;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Prints the shipping label. Its group, {@code shipping-label}, gets its own copy of every placed order. */
@Component
public class ShippingLabelPrinter {

    private static final Logger log = LoggerFactory.getLogger(ShippingLabelPrinter.class);

    private final OrderSteps steps;
    private final OrderBook orders;

    public ShippingLabelPrinter(OrderSteps steps, OrderBook orders) {
        this.steps = steps;
        this.orders = orders;
    }

    @Subscribe(topic = "${orders.topic}", group = "shipping-label")
    void print(OrderPlaced order) throws InterruptedException {
        steps.printShippingLabel(order.orderId());
        orders.handled(order.orderId(), "shipping-label");
        log.info("Shipping label printed for order {}", order.orderId());
    }
}
