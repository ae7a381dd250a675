package dev.warren.samples.orders;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Takes the ordered items off the stock. Its group, {@code inventory}, gets its own copy of every placed order. */
@Component
public class InventoryUpdater {

    private static final Logger log = LoggerFactory.getLogger(InventoryUpdater.class);

    private final OrderSteps steps;
    private final OrderBook orders;

    public InventoryUpdater(OrderSteps steps, OrderBook orders) {
        this.steps = steps;
        this.orders = orders;
    }

    @Subscribe(topic = "${orders.topic}", group = "inventory")
    void update(OrderPlaced order) throws InterruptedException {
        steps.updateInventory(order.sku(), order.quantity());
        orders.handled(order.orderId(), "inventory");
        log.info("Stock updated for order {}", order.orderId());
    }
}
