package dev.warren.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Counts how often each message was handled and releases the main thread when every healthy
 * one was. Called on the contender's consumer threads; lock-free.
 */
final class Deliveries {

    private final boolean poisoned;
    private final AtomicIntegerArray handled;
    private final int poison;
    private final CountDownLatch healthyLeft;

    Deliveries(int messages, boolean poisoned) {
        this.poisoned = poisoned;
        this.handled = new AtomicIntegerArray(messages);
        int count = 0;
        for (int i = 0; poisoned && i < messages; i++) {
            count += isPoison(i) ? 1 : 0;
        }
        this.poison = count;
        this.healthyLeft = new CountDownLatch(messages - count);
    }

    /**
     * Records one handling of an event.
     *
     * @return whether the event is poison, which the handler must fail
     */
    boolean handle(BenchmarkEvent event) {
        int sequence = Math.toIntExact(event.sequence());
        int times = handled.incrementAndGet(sequence);
        boolean isPoison = poisoned && isPoison(sequence);
        if (!isPoison && times == 1) {
            healthyLeft.countDown();
        }
        return isPoison;
    }

    /** Healthy messages handled so far, for a run that is stopped before it handled all. */
    int healthyHandled() {
        return healthy() - (int) healthyLeft.getCount();
    }

    int poison() {
        return poison;
    }

    int healthy() {
        return handled.length() - poison;
    }

    void awaitHealthy(Duration timeout) throws InterruptedException {
        if (!awaitHealthyWithin(timeout)) {
            throw new IllegalStateException(healthyLeft.getCount() + " of " + healthy() + " healthy messages were not "
                    + "handled within " + timeout + "; is the consumer stuck or the broker blocked by an alarm?");
        }
    }

    /** Waits until every healthy message was handled or the time is up; returns whether all were. */
    boolean awaitHealthyWithin(Duration timeout) throws InterruptedException {
        return healthyLeft.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks that each healthy message was handled once and each poison one on every attempt. */
    void verify(String contender) {
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < handled.length(); i++) {
            int expected = poisoned && isPoison(i) ? ConsumerBenchmark.POISON_ATTEMPTS : 1;
            if (handled.get(i) != expected) {
                wrong.add("message " + i + " " + handled.get(i) + " times instead of " + expected);
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException(contender + " handled " + wrong.size() + " message(s) a wrong number of times, "
                    + "e.g. " + wrong.subList(0, Math.min(5, wrong.size())));
        }
    }

    private static boolean isPoison(long sequence) {
        return sequence % ConsumerBenchmark.POISON_EVERY == 0;
    }
}
