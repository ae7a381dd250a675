package dev.warren.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.QueueType;
import dev.warren.publish.Delay;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublishOptions;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Scheduled messages wait in Warren's durable delay queues while the broker application stops and
 * starts again. Runs on a throwaway node on port 5692, never on the shared broker. Every confirmed
 * message arrives (at least once), none early; those due while the broker was down arrive after it
 * is back. Once with the destination a quorum queue (Warren's default), once with a classic one.
 *
 * <p>The quorum variant guards the last hop: at boot the classic delay queues pass on at once
 * everything that expired during the outage, before a destination quorum queue has elected its
 * leader, and RabbitMQ 3.10 drops what it cannot route to a leader ("leader cast - leader not
 * known. Command is dropped."). Warren's delay levels therefore end in the classic queue
 * {@code warren.delay.due}, and the engine publishes from there to the destination with confirms.
 */
class DelayedDeliveryRestartIT {

    /** Scheduled before the stop, with delays spread evenly over 2-12 s. */
    private static final int BEFORE_STOP = 200;
    private static final long SHORTEST_MILLIS = 2_000;
    private static final long LONGEST_MILLIS = 12_000;
    /** How long the broker application stays stopped, not counting how long stop_app and start_app take. */
    private static final Duration DOWN = Duration.ofSeconds(3);
    /** What RabbitMQ 3.10 logs when it drops a message for a quorum queue that has not elected its leader yet. */
    private static final String DROPPED = "leader not known. Command is dropped";
    /** Scheduled after the start, with delays of 1-3 s: delayed sending works again on the recovered connection. */
    private static final int AFTER_START = 20;

    static ThrowawayNode node;

    final String queue = "chaos.delay-restart." + System.nanoTime();
    final CachingConnectionFactory connectionFactory = node.connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
    final Arrivals arrivals = new Arrivals();
    WarrenEngine engine;

    /** A scheduled reading and the wall-clock instant it is due. */
    record Scheduled(int id, long dueAtMillis) {
    }

    /** Records each scheduled message's deliveries and its first arrival; called on the consumer threads. */
    static final class Arrivals {

        final Map<Integer, Integer> deliveries = new ConcurrentHashMap<>();
        /** Id to first arrival minus due time, in ms: negative is early. */
        final Map<Integer, Long> lateness = new ConcurrentHashMap<>();

        void arrive(Scheduled message) {
            lateness.putIfAbsent(message.id(), System.currentTimeMillis() - message.dueAtMillis());
            deliveries.merge(message.id(), 1, Integer::sum);
        }
    }

    /** The handler on a queue of Warren's default type, quorum. */
    record OnQuorumQueue(Arrivals arrivals) {

        @Consumer(queue = "${queue}")
        void arrive(Scheduled message) {
            arrivals.arrive(message);
        }
    }

    /** The handler on a classic queue. */
    record OnClassicQueue(Arrivals arrivals) {

        @Consumer(queue = "${queue}", queueType = QueueType.CLASSIC)
        void arrive(Scheduled message) {
            arrivals.arrive(message);
        }
    }

    @BeforeAll
    static void startNode() {
        node = ThrowawayNode.start("wdelay", 5692);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void close() {
        try {
            if (engine != null) {
                engine.close();
                cleanup.queues(engine.topology().queues().stream().map(QueueSpec::name).toList());
            }
            cleanup.workQueue(queue);
            // The delay levels are shared by every sender on a broker; they go with this node in @AfterAll.
            cleanup.close();
        } finally {
            connectionFactory.destroy();
        }
    }

    @Test
    void scheduledMessagesForAQuorumQueueSurviveABrokerStopAndStart() throws Exception {
        scheduleAcrossARestart("DelayedDeliveryRestartIT(quorum)", new OnQuorumQueue(arrivals));
    }

    @Test
    void scheduledMessagesForAClassicQueueSurviveABrokerStopAndStart() throws Exception {
        scheduleAcrossARestart("DelayedDeliveryRestartIT(classic)", new OnClassicQueue(arrivals));
    }

    private void scheduleAcrossARestart(String name, Object handler) throws Exception {
        Instant started = Instant.now();
        engine = WarrenEngine.builder(connectionFactory).handlers(handler)
                .nameResolver(v -> v.replace("${queue}", queue)).build();
        engine.start();

        // Sent in a shuffled order, so that long delays go in before short ones; half by delay, half by instant.
        // Sent without waiting for each confirm, so that all wait in the delay queues by the time the broker stops.
        List<Integer> order = new ArrayList<>(IntStream.range(0, BEFORE_STOP).boxed().toList());
        Collections.shuffle(order, new Random(42));
        Map<Integer, Long> dueAt = new ConcurrentHashMap<>();
        long firstSend = System.currentTimeMillis();
        List<CompletableFuture<?>> confirms = new ArrayList<>();
        for (int id : order) {
            long delay = SHORTEST_MILLIS + (LONGEST_MILLIS - SHORTEST_MILLIS) * id / BEFORE_STOP;
            confirms.add(schedule(id, delay, dueAt));
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        long stopAt = System.currentTimeMillis();
        node.stopApp();
        long stoppedAt = System.currentTimeMillis();
        int arrivedBeforeStop = arrivals.lateness.size();
        System.out.printf("CHAOS %s stop_app on %s %d ms after the first of %d scheduled sends, all confirmed; it took "
                        + "%d ms; %d had arrived%n", name, node.nodeName(), stopAt - firstSend, BEFORE_STOP,
                stoppedAt - stopAt, arrivedBeforeStop);

        await().atMost(DOWN.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.currentTimeMillis() >= stoppedAt + DOWN.toMillis());
        assertThat(arrivals.lateness.size()).as("nothing arrives while the broker is down").isEqualTo(arrivedBeforeStop);
        long startAt = System.currentTimeMillis();
        node.startApp();
        long startedAt = System.currentTimeMillis();
        System.out.printf("CHAOS %s start_app %d ms after stop_app returned; it took %d ms to accept connections%n", name,
                startAt - stoppedAt, startedAt - startAt);

        // The publisher's channels died with the broker: a send may fail until they reconnect, and is tried again.
        AtomicInteger retriedSends = new AtomicInteger();
        for (int i = 0; i < AFTER_START; i++) {
            int id = BEFORE_STOP + i;
            long delay = 1_000 + 2_000L * i / AFTER_START;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    schedule(id, delay, dueAt).join();
                    return true;
                } catch (java.util.concurrent.CompletionException e) {
                    if (!(e.getCause() instanceof PublishException)) {
                        throw e;
                    }
                    retriedSends.incrementAndGet();
                    return false;
                }
            });
        }

        long lastDue = dueAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        try {
            await().atMost(Duration.ofMillis(Math.max(0, lastDue - System.currentTimeMillis())).plusSeconds(60))
                    .until(() -> arrivals.lateness.keySet().containsAll(dueAt.keySet()));
        } catch (ConditionTimeoutException e) {
            // Whatever is still missing is counted as lost below, so that the counts print either way.
        }

        Tally tally = Tally.of(List.copyOf(dueAt.keySet()), arrivals.deliveries)
                .print(name, Duration.between(started, Instant.now()));
        List<Integer> dueBeforeStop = idsDue(dueAt, Long.MIN_VALUE, stoppedAt);
        List<Integer> dueWhileDown = idsDue(dueAt, stoppedAt, startedAt);
        List<Integer> dueAfterStart = idsDue(dueAt, startedAt, Long.MAX_VALUE);
        long earliest = arrivals.lateness.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long latest = arrivals.lateness.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long latestDueAfterStart = latenessOf(dueAfterStart).stream().mapToLong(Long::longValue).max().orElse(0);
        long lastOverdueArrival = dueWhileDown.stream().filter(arrivals.lateness::containsKey)
                .mapToLong(id -> dueAt.get(id) + arrivals.lateness.get(id)).max().orElse(startedAt) - startedAt;
        System.out.printf("CHAOS %s scheduled=%d (%d before the stop, %d after the start, %d sends tried again); due before "
                        + "stop_app returned=%d, while down=%d, after start_app returned=%d; lateness earliest=%+d ms, "
                        + "latest=%+d ms, latest of those due after the start=%+d ms; the last message due while down arrived "
                        + "%d ms after start_app returned; down %.1f s (stop_app called to start_app returned)%n",
                name, dueAt.size(), BEFORE_STOP, AFTER_START, retriedSends.get(), dueBeforeStop.size(), dueWhileDown.size(),
                dueAfterStart.size(), earliest, latest, latestDueAfterStart, lastOverdueArrival, (startedAt - stopAt) / 1000.0);
        if (tally.lost() > 0) {
            List<Integer> lost = dueAt.keySet().stream().filter(id -> !arrivals.deliveries.containsKey(id)).sorted().toList();
            System.out.printf("CHAOS %s lost ids %s, due (ms after stop_app returned) %s; the node's log has %d \"%s\" "
                            + "warnings for %s; its queues:%n%s%n", name, lost,
                    lost.stream().map(id -> dueAt.get(id) - stoppedAt).toList(), droppedCommands(), DROPPED, queue,
                    node.ctl("list_queues", "name", "messages"));
        }

        assertThat(tally.lost()).isZero();
        assertThat(tally.sent()).isEqualTo(BEFORE_STOP + AFTER_START);
        assertThat(dueWhileDown).as("messages fell due while the broker was down").isNotEmpty();
        assertThat(dueAfterStart).as("messages fell due after the broker was back").isNotEmpty();
        // Never early beyond the delay queues' resolution, even across the restart.
        assertThat(earliest).isGreaterThanOrEqualTo(-Delay.RESOLUTION_MILLIS);
        // What fell due while the broker was down arrives after it is back, not before.
        assertThat(dueWhileDown).allSatisfy(id ->
                assertThat(dueAt.get(id) + arrivals.lateness.get(id)).isGreaterThanOrEqualTo(startAt));
    }

    /**
     * Sends one reading due {@code delayMillis} from now, with {@link Delay#of} (even ids) or
     * {@link Delay#until} (odd ids), and records its due time once the broker confirms it.
     */
    private CompletableFuture<?> schedule(int id, long delayMillis, Map<Integer, Long> dueAt) {
        long due = System.currentTimeMillis() + delayMillis;
        Delay delay = id % 2 == 0 ? Delay.of(Duration.ofMillis(delayMillis)) : Delay.until(Instant.ofEpochMilli(due));
        return engine.warren().sendAsync(queue, new Scheduled(id, due), PublishOptions.builder().delay(delay).build())
                .thenRun(() -> dueAt.put(id, due));
    }

    /** How often the node logged that it dropped a message for the test's quorum queue because it had no leader yet. */
    private long droppedCommands() {
        try (Stream<String> lines = Files.lines(node.logFile())) {
            return lines.filter(line -> line.contains("'" + queue + "'") && line.contains(DROPPED)).count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private static List<Integer> idsDue(Map<Integer, Long> dueAt, long from, long to) {
        return dueAt.entrySet().stream().filter(e -> e.getValue() >= from && e.getValue() < to).map(Map.Entry::getKey).toList();
    }

    private List<Long> latenessOf(List<Integer> ids) {
        return ids.stream().filter(arrivals.lateness::containsKey).map(arrivals.lateness::get).toList();
    }
}
