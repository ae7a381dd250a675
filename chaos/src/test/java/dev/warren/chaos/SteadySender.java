package dev.warren.chaos;

import dev.warren.Warren;
import dev.warren.publish.PublishException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one reading per run, each id tried once, recording which were confirmed and which failed
 * and why, so that a failure stays visible in the counts. Scheduled at a fixed rate by a test.
 */
final class SteadySender implements Runnable {

    final Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
    final Map<Integer, PublishException.Reason> failed = new ConcurrentHashMap<>();
    final Map<Integer, String> unexpected = new ConcurrentHashMap<>();
    final AtomicInteger next = new AtomicInteger();

    private final Warren warren;
    private final String queue;
    private final int max;

    SteadySender(Warren warren, String queue, int max) {
        this.warren = warren;
        this.queue = queue;
        this.max = max;
    }

    @Override
    public void run() {
        int id = next.get();
        if (id >= max) {
            return;
        }
        next.incrementAndGet();
        try {
            warren.send(queue, new Reading(id));
            confirmed.add(id);
        } catch (PublishException e) {
            failed.put(id, e.reason());
        } catch (RuntimeException e) {
            unexpected.put(id, e.toString());
        }
    }
}
