package dev.warren.chaos;

import dev.warren.annotation.Consumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts how often each reading reaches the handler; called on the engine's consumer threads. */
final class RecordingHandler {

    final Map<Integer, Integer> deliveries = new ConcurrentHashMap<>();

    @Consumer(queue = "${queue}")
    void consume(Reading reading) {
        deliveries.merge(reading.id(), 1, Integer::sum);
    }

    int processed() {
        return deliveries.size();
    }
}
