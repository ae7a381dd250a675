package dev.warren.samples.delivery;

import dev.warren.Warren;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Queues readings and orders, and shows what this instance finished. */
@RestController
public class DeliveryController {

    private final Warren warren;
    private final Work work;
    private final String metricsQueue;
    private final String ordersQueue;

    public DeliveryController(Warren warren, Work work, @Value("${metrics.queue}") String metricsQueue,
            @Value("${orders.queue}") String ordersQueue) {
        this.warren = warren;
        this.work = work;
        this.metricsQueue = metricsQueue;
        this.ordersQueue = ordersQueue;
    }

    @PostMapping("/metrics")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, String> record(@RequestBody MetricReading reading) {
        warren.send(metricsQueue, reading);
        return Map.of("status", "queued", "reading_id", reading.readingId());
    }

    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, String> place(@RequestBody OrderPlaced order) {
        warren.send(ordersQueue, order);
        return Map.of("status", "queued", "order_id", order.orderId());
    }

    @GetMapping("/processed")
    public List<ProcessedMessage> processed() {
        return work.processed();
    }
}
