package dev.warren.samples.orders;

import dev.warren.Warren;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The critical path of {@code POST /orders}, in one transaction: check the inventory, store the
 * order, publish {@code order.placed}, charge the payment. With {@code warren.outbox.enabled} the
 * publish writes the event to {@code warren_outbox} in this transaction, and a relay publishes it
 * after the commit: the order and its event are committed together or not at all.
 */
@Service
public class Checkout {

    private final Warren warren;
    private final OrderSteps steps;
    private final OrderBook orders;
    private final OrderProperties properties;

    public Checkout(Warren warren, OrderSteps steps, OrderBook orders, OrderProperties properties) {
        this.warren = warren;
        this.steps = steps;
        this.orders = orders;
        this.properties = properties;
    }

    /**
     * Places an order. Any exception rolls back, checked ones too (Spring commits on those by default).
     *
     * @param customerId who orders
     * @param sku what
     * @param quantity how many
     * @return the event, published once the order is committed
     * @throws PaymentDeclinedException when the card is declined; nothing is stored or published
     * @throws InterruptedException when a step is interrupted; nothing is stored or published
     */
    @Transactional(rollbackFor = Exception.class)
    public OrderPlaced place(String customerId, String sku, int quantity) throws InterruptedException {
        steps.checkInventory(sku, quantity);
        OrderPlaced order = new OrderPlaced(UUID.randomUUID().toString(), customerId, sku, quantity);
        orders.save(order);
        // A row in warren_outbox, not yet a message: it leaves after the commit, so subscribers never
        // hear of an order that was not stored, and a crash after the commit still publishes it.
        warren.publish(properties.topic(), order);
        // A declined card throws: the order and its event roll back together.
        steps.chargePayment(order.orderId(), customerId);
        return order;
    }
}
