package dev.warren.samples.delivery;

import dev.warren.MessageContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stands in for the real work (updating a dashboard, fulfilling an order): it takes
 * {@code delivery.work-time}, then remembers what was finished, for {@code GET /processed}.
 */
@Component
public class Work {

    private static final Logger log = LoggerFactory.getLogger(Work.class);

    private final DeliveryProperties properties;
    private final List<ProcessedMessage> processed = new CopyOnWriteArrayList<>();

    public Work(DeliveryProperties properties) {
        this.properties = properties;
    }

    /** Does the work for one message; called on the consumer's thread. */
    public void process(String stream, String id, MessageContext context) throws InterruptedException {
        log.info("{} {}: working{}", stream, id, context.redelivered() ? " (redelivered)" : "");
        // The waiting is the simulated work: kill the application now to see what each guarantee costs.
        TimeUnit.NANOSECONDS.sleep(properties.workTime().toNanos());
        processed.add(new ProcessedMessage(stream, id, context.redelivered(), properties.instance()));
        log.info("{} {}: done", stream, id);
    }

    /** What this instance finished, oldest first. */
    public List<ProcessedMessage> processed() {
        return List.copyOf(processed);
    }
}
