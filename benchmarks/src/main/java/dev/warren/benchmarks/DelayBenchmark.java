package dev.warren.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.QueueType;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.publish.Delay;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How close to their due time delayed messages arrive: 100 messages delayed 1 s, 20 delayed 1 min
 * and 1,000 with random delays of 0–30 s, all sent at once, so that the levels hold them side by
 * side. Prints the lateness (arrival minus due time) of each group: min, median, p99 and max.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks exec:java -Dexec.mainClass=dev.warren.benchmarks.DelayBenchmark
 * }</pre>
 */
public final class DelayBenchmark {

    /** A message and when it is due. */
    record Due(String group, int id, long dueAtMillis) {
    }

    /** Records each arrival's lateness by group. */
    public static final class Recorder {
        final Map<String, List<Long>> lateness = new ConcurrentHashMap<>();

        @Consumer(queue = "${queue}", concurrency = 2)
        void arrive(Due due) {
            lateness.computeIfAbsent(due.group(), g -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(System.currentTimeMillis() - due.dueAtMillis());
        }

        int count() {
            return lateness.values().stream().mapToInt(List::size).sum();
        }
    }

    private DelayBenchmark() {
    }

    /**
     * Runs the benchmark and prints the results.
     *
     * @param args ignored
     * @throws Exception when the broker is unreachable or messages are missing
     */
    public static void main(String[] args) throws Exception {
        RabbitBroker broker = RabbitBroker.get();
        String queue = RabbitBroker.uniqueName("warren.benchmark.delay");
        Recorder recorder = new Recorder();
        var factory = broker.connectionFactory();
        int total = 100 + 20 + 1_000;
        try (WarrenEngine engine = WarrenEngine.builder(factory).handlers(recorder)
                .consumerDefaults(new ConsumerSettings(2, 250, QueueType.CLASSIC))
                .nameResolver(name -> name.replace("${queue}", queue)).build()) {
            engine.start();
            Random random = new Random(7);
            long now = System.currentTimeMillis();
            for (int i = 0; i < 100; i++) {
                engine.warren().sendAsync(queue, new Due("1 s", i, now + 1_000),
                        dev.warren.publish.PublishOptions.builder().delay(Delay.of(Duration.ofSeconds(1))).build());
            }
            for (int i = 0; i < 20; i++) {
                engine.warren().sendAsync(queue, new Due("1 min", i, now + 60_000),
                        dev.warren.publish.PublishOptions.builder().delay(Delay.of(Duration.ofMinutes(1))).build());
            }
            for (int i = 0; i < 1_000; i++) {
                long delay = random.nextInt(30_000);
                long sentAt = System.currentTimeMillis();
                engine.warren().sendAsync(queue, new Due("1,000 random 0-30 s", i, sentAt + delay),
                        dev.warren.publish.PublishOptions.builder().delay(Delay.of(Duration.ofMillis(delay))).build());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (recorder.count() < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + recorder.count() + " of " + total + " delayed messages arrived");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            engine.stop();
            try (Connection admin = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-delay");
                    Channel channel = admin.createChannel()) {
                for (var spec : engine.topology().queues()) {
                    channel.queueDelete(spec.name());
                }
            }
        } finally {
            factory.destroy();
        }
        System.out.printf(Locale.ROOT, "%nDelay benchmark, %s: lateness = arrival - due time, ms%n", Benchmarks.machine(broker));
        System.out.printf(Locale.ROOT, "%-22s %8s %8s %8s %8s %8s%n", "group", "messages", "min", "median", "p99", "max");
        for (String group : List.of("1 s", "1 min", "1,000 random 0-30 s")) {
            long[] values = recorder.lateness.get(group).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-22s %8d %8d %8d %8d %8d%n", group, values.length, values[0],
                    values[values.length / 2], values[(int) Math.min(values.length - 1, Math.ceil(values.length * 0.99) - 1)],
                    values[values.length - 1]);
        }
    }
}
