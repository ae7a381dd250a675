package dev.warren.samples.protection;

import dev.warren.Warren;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Queues payments, and flips the simulated gateway for a demo. */
@RestController
public class PaymentController {

    private final Warren warren;
    private final PaymentGateway gateway;
    private final String queue;

    public PaymentController(Warren warren, PaymentGateway gateway, @Value("${payments.queue}") String queue) {
        this.warren = warren;
        this.gateway = gateway;
        this.queue = queue;
    }

    /** Queues {@code count} payments of 19.99. */
    @PostMapping("/payments")
    public ResponseEntity<Map<String, Object>> pay(@RequestParam(defaultValue = "1") int count) {
        for (int i = 0; i < count; i++) {
            warren.send(queue, new Payment(UUID.randomUUID().toString(), 1999));
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("queued", count));
    }

    @PostMapping("/gateway/down")
    public Map<String, Object> down() {
        gateway.setUp(false);
        return status();
    }

    @PostMapping("/gateway/up")
    public Map<String, Object> up() {
        gateway.setUp(true);
        return status();
    }

    @GetMapping("/gateway")
    public Map<String, Object> status() {
        return Map.of("up", gateway.isUp(), "charged", gateway.charges().size(), "refused", gateway.refused());
    }
}
