package dev.warren.samples.delivery;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Delivery;
import org.springframework.stereotype.Component;

/**
 * Records sensor readings, at most once: the message is acknowledged before the handler runs, so
 * the broker forgets it at once. Fast and never a duplicate, but a crash while a reading is in hand
 * loses that reading, which is acceptable for data the next reading replaces.
 */
@Component
public class MetricsConsumer {

    private final Work work;

    public MetricsConsumer(Work work) {
        this.work = work;
    }

    @Consumer(queue = "${metrics.queue}", delivery = Delivery.AT_MOST_ONCE)
    void record(MetricReading reading, MessageContext context) throws InterruptedException {
        work.process("metrics", reading.readingId(), context);
    }
}
