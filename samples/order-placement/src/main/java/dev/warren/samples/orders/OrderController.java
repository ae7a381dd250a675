package dev.warren.samples.orders;

import dev.warren.Warren;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Does the critical path, publishes {@code order.placed} and answers; the subscribers do the rest. */
@RestController
public class OrderController {

    record NewOrder(String customerId, String sku, int quantity) {
    }

    record Placed(String status, String orderId) {
    }

    private final Warren warren;
    private final OrderSteps steps;
    private final OrderBook orders;
    private final OrderProperties properties;

    public OrderController(Warren warren, OrderSteps steps, OrderBook orders, OrderProperties properties) {
        this.warren = warren;
        this.steps = steps;
        this.orders = orders;
        this.properties = properties;
    }

    @PostMapping("/orders")
    public ResponseEntity<Placed> place(@RequestBody NewOrder order) throws InterruptedException {
        String orderId = UUID.randomUUID().toString();
        steps.checkInventory(order.sku(), order.quantity());
        steps.chargePayment(orderId, order.customerId());
        orders.placed(orderId);
        // Waits for the broker's confirm: once we answer, every subscriber group will get the event.
        warren.publish(properties.topic(), new OrderPlaced(orderId, order.customerId(), order.sku(), order.quantity()));
        return ResponseEntity.status(HttpStatus.CREATED).body(new Placed("placed", orderId));
    }

    @GetMapping("/orders/{orderId}")
    public ResponseEntity<OrderBook.Order> show(@PathVariable String orderId) {
        return ResponseEntity.of(orders.find(orderId));
    }
}
