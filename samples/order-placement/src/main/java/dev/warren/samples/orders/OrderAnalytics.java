package dev.warren.samples.orders;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Records the sale for reporting. Its group, {@code analytics}, gets its own copy of every placed order. */
@Component
public class OrderAnalytics {

    private static final Logger log = LoggerFactory.getLogger(OrderAnalytics.class);

    private final OrderSteps steps;
    private final OrderBook orders;

    public OrderAnalytics(OrderSteps steps, OrderBook orders) {
        this.steps = steps;
        this.orders = orders;
    }

    @Subscribe(topic = "${orders.topic}", group = "analytics")
    void record(OrderPlaced order) throws InterruptedException {
        steps.recordAnalytics(order.orderId());
        orders.handled(order.orderId(), "analytics");
        log.info("Sale recorded for order {}", order.orderId());
    }
}
