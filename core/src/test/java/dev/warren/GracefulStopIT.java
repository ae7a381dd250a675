package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stopping the engine lets a handler that is still running finish, and its message is not delivered again. */
class GracefulStopIT {

    record Job(String id) {
    }

    static final class SlowWorker {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final CountDownLatch slowJobStarted = new CountDownLatch(1);
        final CountDownLatch slowJobMayFinish = new CountDownLatch(1);

        @Consumer(queue = "${queue}")
        void process(Job job) throws InterruptedException {
            calls.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
            if (job.id().equals("slow")) {
                slowJobStarted.countDown();
                // Stands for slow work; the test lets it finish once stop() has waited longer than
                // Spring's default shutdown timeout of 5 s.
                slowJobMayFinish.await(30, TimeUnit.SECONDS);
            }
        }

        int calls(String id) {
            AtomicInteger count = calls.get(id);
            return count == null ? 0 : count.get();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.stop");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void stopWaitsForTheRunningHandlerWhoseMessageIsAcknowledgedOnceAndNotRedelivered() throws Exception {
        SlowWorker worker = new SlowWorker();
        WarrenEngine engine = broker.start(worker);
        engine.warren().send(queue, new Job("slow"));
        assertThat(worker.slowJobStarted.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(engine::stop);
        // Longer than Spring AMQP's default of 5 s, after which it closes the channel under the handler.
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> !stopped.isDone());
        worker.slowJobMayFinish.countDown();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(engine.isRunning()).isFalse();

        // Started again, the consumer would get the slow job before the marker if it had gone back to the queue.
        engine.start();
        engine.warren().send(queue, new Job("marker"));
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.calls("marker") == 1);
        assertThat(worker.calls("slow")).isEqualTo(1);
    }
}
