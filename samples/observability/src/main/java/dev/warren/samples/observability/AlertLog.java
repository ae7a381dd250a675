package dev.warren.samples.observability;

import dev.warren.monitor.Alert;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Where Warren's queue alerts arrive. A real service pages someone or posts to a chat here; this
 * one logs them and keeps the latest 100 for GET /alerts.
 */
@Component
public class AlertLog {

    private static final Logger log = LoggerFactory.getLogger(AlertLog.class);
    private static final int KEPT = 100;

    private final List<Alert> alerts = new ArrayList<>();

    @EventListener
    void on(Alert alert) {
        if (alert.raised()) {
            log.warn("ALERT {} on {}: {} is over {}", alert.kind(), alert.queue(), alert.value(), alert.threshold());
        } else {
            log.info("RESOLVED {} on {}: {} is back within {}", alert.kind(), alert.queue(), alert.value(), alert.threshold());
        }
        synchronized (alerts) {
            alerts.add(alert);
            if (alerts.size() > KEPT) {
                alerts.remove(0);
            }
        }
    }

    /** The latest alerts raised and cleared, oldest first. */
    public List<Alert> recent() {
        synchronized (alerts) {
            return List.copyOf(alerts);
        }
    }
}
