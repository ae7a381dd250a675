package dev.warren.samples.poison;

import dev.warren.Warren;
import dev.warren.publish.PublishOptions;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Takes orders and shows which ones were billed. */
@RestController
public class OrderController {

    private final Warren warren;
    private final BillingWorker worker;
    private final String queue;

    public OrderController(Warren warren, BillingWorker worker, @Value("${orders.queue}") String queue) {
        this.warren = warren;
        this.worker = worker;
        this.queue = queue;
    }

    @PostMapping("/orders")
    public ResponseEntity<Map<String, String>> place(@RequestBody Order order) {
        // The order id as message id: the dead-letter queue, replay and discard then speak in orders.
        warren.send(queue, order, PublishOptions.builder().messageId(order.orderId()).build());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("orderId", order.orderId(), "status", "queued"));
    }

    @GetMapping("/orders/{orderId}")
    public ResponseEntity<Map<String, Object>> show(@PathVariable String orderId) {
        Long cents = worker.billed(orderId);
        return cents == null ? ResponseEntity.notFound().build()
                : ResponseEntity.ok(Map.of("orderId", orderId, "billedCents", cents));
    }
}
