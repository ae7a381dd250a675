package dev.warren.samples.observability;

import dev.warren.annotation.Consumer;
import dev.warren.failure.PermanentFailureException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Records order events for analytics. Warren counts and times every message
 * ({@code warren.messages}, {@code warren.failures}, {@code warren.process}); nothing here is
 * instrumented by hand.
 */
@Component
public class AnalyticsWorker {

    private final Duration workTime;

    public AnalyticsWorker(@Value("${analytics.work-time}") Duration workTime) {
        this.workTime = workTime;
    }

    @Consumer(queue = "${analytics.queue}")
    void record(OrderPlaced event) throws InterruptedException {
        if (event.amountCents() < 0) {
            throw new PermanentFailureException("order " + event.orderId() + " has a negative amount " + event.amountCents());
        }
        // The waiting is the simulated work: writing to the analytics store.
        TimeUnit.NANOSECONDS.sleep(workTime.toNanos());
    }
}
