package dev.warren.samples.jmsorders;

import dev.warren.Warren;
import dev.warren.deadletter.DeadLetters;
import dev.warren.publish.PublishOptions;
import dev.warren.topology.Topology;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Takes orders, shows which subscribers handled each, and shows the orders fulfilment could not
 * handle. Only Warren's interfaces appear here, so it runs unchanged on RabbitMQ.
 */
@RestController
public class OrderController {

    /**
     * A dead-lettered order as the API shows it.
     *
     * @param orderId the order (the message id)
     * @param reason why it failed
     * @param failureClass permanent, transient or unknown
     * @param attempts how often it was tried
     */
    public record FailedOrder(String orderId, String reason, String failureClass, int attempts) {
    }

    private final Warren warren;
    private final DeadLetters deadLetters;
    private final OrderActivity orders;
    private final String topic;

    public OrderController(Warren warren, DeadLetters deadLetters, OrderActivity orders,
            @Value("${orders.topic}") String topic) {
        this.warren = warren;
        this.deadLetters = deadLetters;
        this.orders = orders;
        this.topic = topic;
    }

    @PostMapping("/orders")
    public ResponseEntity<Map<String, String>> place(@RequestBody OrderPlaced order) {
        orders.placed(order.orderId());
        // The order id as message id: the dead letters then speak in orders.
        warren.publish(topic, order, PublishOptions.builder().messageId(order.orderId()).build());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("orderId", order.orderId(), "status", "placed"));
    }

    @GetMapping("/orders/{orderId}")
    public ResponseEntity<OrderActivity.Order> show(@PathVariable String orderId) {
        return ResponseEntity.of(orders.find(orderId));
    }

    @GetMapping("/dead-letters")
    public List<FailedOrder> failed() {
        // A subscription's queue is <topic>.<group>, its dead letters <topic>.<group>.dlq, on either broker.
        return deadLetters.peek(Topology.subscriptionQueueName(topic, Fulfilment.GROUP), 100).stream()
                .map(letter -> new FailedOrder(String.valueOf(letter.messageId()), letter.reason(),
                        String.valueOf(letter.failureClass()), letter.attempts()))
                .toList();
    }
}
