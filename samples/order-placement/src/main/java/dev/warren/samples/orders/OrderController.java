package dev.warren.samples.orders;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Runs the critical path ({@link Checkout}) and answers; the subscribers do the rest. */
@RestController
public class OrderController {

    record NewOrder(String customerId, String sku, int quantity) {
    }

    record Placed(String status, String orderId) {
    }

    private final Checkout checkout;
    private final OrderBook orders;

    public OrderController(Checkout checkout, OrderBook orders) {
        this.checkout = checkout;
        this.orders = orders;
    }

    @PostMapping("/orders")
    public ResponseEntity<Placed> place(@RequestBody NewOrder order) throws InterruptedException {
        OrderPlaced placed = checkout.place(order.customerId(), order.sku(), order.quantity());
        // Committed, event included: once we answer, every subscriber group will get it.
        return ResponseEntity.status(HttpStatus.CREATED).body(new Placed("placed", placed.orderId()));
    }

    @GetMapping("/orders/{orderId}")
    public ResponseEntity<OrderBook.Order> show(@PathVariable String orderId) {
        return ResponseEntity.of(orders.find(orderId));
    }
}
