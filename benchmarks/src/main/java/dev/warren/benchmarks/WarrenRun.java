package dev.warren.benchmarks;

import dev.warren.WarrenEngine;
import dev.warren.consumer.ConsumerStats;
import dev.warren.topology.QueueSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Warren: an engine per round whose one handler consumes the round's queue, checked against the
 * handler's own count of the round.
 */
final class WarrenRun implements Run {

    private final WarrenEngine engine;
    private final @Nullable Deliveries deliveries;

    /**
     * @param engine an engine, not yet started, with one handler that records into {@code deliveries}
     * @param deliveries what the handler records, or {@code null} when the caller checks the outcome itself
     */
    WarrenRun(WarrenEngine engine, @Nullable Deliveries deliveries) {
        this.engine = engine;
        this.deliveries = deliveries;
    }

    @Override
    public List<String> queues() {
        // The work queue, its dead-letter queue and one delay queue per backoff step.
        return engine.topology().queues().stream().map(QueueSpec::name).toList();
    }

    @Override
    public void declare() {
        engine.declareTopology();
    }

    @Override
    public void start() {
        engine.start();
    }

    @Override
    public void verify() {
        if (deliveries == null) {
            return;
        }
        ConsumerStats stats = engine.consumerStats().values().iterator().next();
        int poison = deliveries.poison();
        int retried = poison * (ConsumerBenchmark.POISON_ATTEMPTS - 1);
        if (stats.processed() != deliveries.healthy() || stats.deadLettered() != poison || stats.retried() != retried) {
            throw new IllegalStateException("Warren counted " + stats + " but expected " + deliveries.healthy()
                    + " processed, " + retried + " retried and " + poison + " dead-lettered");
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
