package dev.warren.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublisherSettings;
import dev.warren.test.ExternalCommand;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * One node of a three-node cluster (throwaway nodes on ports 5681-5683, never the shared broker)
 * stops under load: the leader of the quorum queue. Clients fail over to the other nodes, the
 * queue elects a new leader, and nothing confirmed is lost.
 */
class ClusterNodeLossIT {

    private static final int MAX_MESSAGES = 10_000;
    private static final int CONFIRMED_PER_PHASE = 300;
    private static final int FIRST_PORT = 5681;

    static final List<ThrowawayNode> nodes = new ArrayList<>();

    final String queue = "chaos.cluster." + System.nanoTime();
    final CachingConnectionFactory consumerFactory = clusterConnectionFactory();
    final CachingConnectionFactory producerFactory = clusterConnectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(producerFactory);
    final ScheduledExecutorService producerThread = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "chaos-producer"));
    final RecordingHandler handler = new RecordingHandler();
    WarrenEngine consumer;
    WarrenEngine producer;

    @BeforeAll
    static void startCluster() {
        for (int i = 1; i <= 3; i++) {
            // A node that fails to start stops itself; @AfterAll stops those that did start.
            nodes.add(ThrowawayNode.start("wtest" + i, FIRST_PORT + i - 1));
        }
        nodes.get(1).joinCluster(nodes.get(0));
        nodes.get(2).joinCluster(nodes.get(0));
        String status = nodes.get(0).ctl("cluster_status");
        String running = status.substring(status.indexOf("Running Nodes"));
        for (ThrowawayNode node : nodes) {
            if (!running.contains(node.nodeName())) {
                throw new IllegalStateException(node.nodeName() + " did not join the cluster: " + status);
            }
        }
    }

    @AfterAll
    static void stopCluster() {
        RuntimeException failure = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        nodes.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @AfterEach
    void close() throws InterruptedException {
        producerThread.shutdownNow();
        producerThread.awaitTermination(30, TimeUnit.SECONDS);
        if (consumer != null) {
            consumer.close();
            cleanup.queues(consumer.topology().queues().stream().map(QueueSpec::name).toList());
        }
        if (producer != null) {
            producer.close();
        }
        cleanup.workQueue(queue).close();
        consumerFactory.destroy();
        producerFactory.destroy();
    }

    @Test
    void confirmedMessagesSurviveTheLossOfTheQueueLeader() throws InterruptedException {
        Instant started = Instant.now();
        consumer = WarrenEngine.builder(consumerFactory).handlers(handler).nameResolver(v -> v.replace("${queue}", queue)).build();
        consumer.start();
        producer = WarrenEngine.builder(producerFactory)
                .publisherSettings(new PublisherSettings(Duration.ofSeconds(3), PublisherSettings.DEFAULT_CHANNELS,
                        PublisherSettings.DEFAULT_MAX_IN_FLIGHT))
                .build();

        SteadySender sender = new SteadySender(producer.warren(), queue, MAX_MESSAGES);
        Set<Integer> confirmed = sender.confirmed;
        Map<Integer, PublishException.Reason> failed = sender.failed;
        Map<Integer, String> unexpected = sender.unexpected;
        AtomicInteger next = sender.next;
        // One send every 5 ms; each id is tried once, so a failure stays visible in the counts.
        producerThread.scheduleAtFixedRate(sender, 0, 5, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> confirmed.size() >= CONFIRMED_PER_PHASE);
        ThrowawayNode leader = leaderOf(queue);
        leader.stopApp();
        int sentAtStop = next.get();
        int confirmedAtStop = confirmed.size();
        System.out.printf("CHAOS stop_app on queue leader %s after %d sends, %d confirmed, %d processed%n",
                leader.nodeName(), sentAtStop, confirmedAtStop, handler.processed());

        await().atMost(Duration.ofSeconds(60)).until(() -> confirmed.size() >= confirmedAtStop + CONFIRMED_PER_PHASE);
        await().atMost(Duration.ofSeconds(60)).until(() -> handler.deliveries.keySet().stream().anyMatch(id -> id >= sentAtStop));
        System.out.printf("CHAOS with %s down: %d confirmed, %d failed, %d processed; new leader %s%n", leader.nodeName(),
                confirmed.size(), failed.size(), handler.processed(), leaderOf(queue).nodeName());
        leader.startApp();
        int confirmedAtStart = confirmed.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> confirmed.size() >= confirmedAtStart + CONFIRMED_PER_PHASE);
        producerThread.shutdown();
        assertThat(producerThread.awaitTermination(30, TimeUnit.SECONDS)).as("the producer stopped").isTrue();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> confirmed.stream().allMatch(handler.deliveries::containsKey));
        } catch (ConditionTimeoutException e) {
            // Whatever is still missing is counted as lost below, so that the counts print either way.
        }

        Tally tally = Tally.of(List.copyOf(confirmed), handler.deliveries)
                .print("ClusterNodeLossIT", Duration.between(started, Instant.now()));
        System.out.printf("CHAOS ClusterNodeLossIT attempted=%d confirmed=%d failed=%d (by reason %s) unexpected=%d %s%n",
                next.get(), confirmed.size(), failed.size(),
                failed.values().stream().collect(Collectors.groupingBy(r -> r, Collectors.counting())),
                unexpected.size(), unexpected.values().stream().distinct().limit(3).toList());

        assertThat(unexpected).as("sends that failed with something other than a PublishException").isEmpty();
        assertThat(confirmed.size() + failed.size()).as("every send was confirmed or failed").isEqualTo(next.get());
        assertThat(tally.lost()).isZero();
    }

    /** The node that leads the quorum queue now, asked of any running node. */
    private static ThrowawayNode leaderOf(String queue) {
        for (ThrowawayNode asked : nodes) {
            ExternalCommand.Result listed = ExternalCommand.run(Duration.ofSeconds(30), Path.of(System.getProperty("java.io.tmpdir")),
                    Map.of(), "rabbitmqctl", "-n", asked.nodeName(), "-q", "list_queues", "name", "leader");
            if (listed.exitCode() != 0) {
                continue;
            }
            String leader = listed.output().lines().map(l -> l.split("\t")).filter(c -> c.length == 2 && c[0].equals(queue))
                    .map(c -> c[1].trim()).findFirst().orElse("");
            for (ThrowawayNode node : nodes) {
                if (node.nodeName().equals(leader)) {
                    return node;
                }
            }
        }
        throw new IllegalStateException("No running node names a leader of queue " + queue);
    }

    private static CachingConnectionFactory clusterConnectionFactory() {
        CachingConnectionFactory factory = new CachingConnectionFactory();
        // Every node, so that a client whose node stops connects to another.
        factory.setAddresses(nodes.stream().map(n -> "127.0.0.1:" + n.amqpPort()).collect(Collectors.joining(",")));
        factory.setUsername("guest");
        factory.setPassword("guest");
        return factory;
    }
}
