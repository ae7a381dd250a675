package dev.warren.samples.observability;

import dev.warren.Warren;
import dev.warren.monitor.Alert;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Publishes order events for a demo, and lists the alerts seen. */
@RestController
public class EventController {

    private final Warren warren;
    private final AlertLog alertLog;
    private final String queue;

    public EventController(Warren warren, AlertLog alertLog, @Value("${analytics.queue}") String queue) {
        this.warren = warren;
        this.alertLog = alertLog;
        this.queue = queue;
    }

    /** Queues {@code count} order events; {@code valid=false} makes them invalid, for the dead-letter queue. */
    @PostMapping("/events")
    public ResponseEntity<Map<String, Object>> publish(@RequestParam(defaultValue = "1") int count,
            @RequestParam(defaultValue = "true") boolean valid) {
        for (int i = 0; i < count; i++) {
            warren.send(queue, new OrderPlaced("o-" + UUID.randomUUID(), valid ? 1999 : -1));
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("queued", count));
    }

    @GetMapping("/alerts")
    public List<Alert> alerts() {
        return alertLog.recent();
    }
}
