package dev.warren.internal.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.WarrenException;
import dev.warren.internal.Threads;
import dev.warren.monitor.Alert;
import dev.warren.monitor.AlertSettings;
import dev.warren.monitor.QueueHealth;
import dev.warren.topology.ManagementApi;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Looks at the work queues every interval: depth and consumers by passive declare, the dead-letter
 * queue's depth likewise, and the oldest message's age from the management API's head-message
 * timestamp when there is one, else the lag of the last message this instance received (reading
 * the head message instead would count as a delivery). Raises and
 * clears alerts on thresholds, once per crossing, on the {@code warren-queue-monitor} thread.
 */
public final class QueueMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueMonitor.class);

    private final ConnectionFactory connectionFactory;
    private final Supplier<Topology> topology;
    private final AlertSettings settings;
    private final @Nullable ManagementClient management;
    private final Consumer<Alert> listener;
    private final java.util.function.BiFunction<String, Instant, @Nullable Duration> lag;
    private final Clock clock;
    private final Map<String, QueueHealth> health = new ConcurrentHashMap<>();
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private @Nullable ScheduledExecutorService executor;

    public QueueMonitor(ConnectionFactory connectionFactory, Supplier<Topology> topology, AlertSettings settings,
            @Nullable ManagementApi managementApi, JsonMapper mapper, Consumer<Alert> listener,
            java.util.function.BiFunction<String, Instant, @Nullable Duration> lag, Clock clock) {
        this.lag = lag;
        this.connectionFactory = connectionFactory;
        this.topology = topology;
        this.settings = settings;
        this.management = managementApi == null ? null : new ManagementClient(managementApi, mapper);
        this.listener = listener;
        this.clock = clock;
    }

    public synchronized void start() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(Threads.named("warren-queue-monitor"));
            executor.scheduleWithFixedDelay(this::lookSafely, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The queues as last seen. */
    public List<QueueHealth> health() {
        return List.copyOf(health.values());
    }

    /** The alerts raised and not cleared, as {@code KIND queue}. */
    public Set<String> activeAlerts() {
        return Set.copyOf(active);
    }

    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException e) {
            log.warn("Could not look at Warren's queues: {}", e.getMessage());
        }
    }

    /** One look at every work queue; public for tests that do not want to wait for the interval. */
    public void look() {
        Map<String, Duration> ages = oldestAges();
        for (QueueSpec queue : topology.get().queues()) {
            if (!Topology.DEAD_LETTER_EXCHANGE.equals(queue.arguments().get("x-dead-letter-exchange"))) {
                continue;
            }
            AMQP.Queue.DeclareOk work = passive(queue.name());
            AMQP.Queue.DeclareOk dead = passive(QueueSpec.deadLetterQueueName(queue.name()));
            if (work == null) {
                continue;
            }
            Duration age = ages.get(queue.name());
            if (age == null && work.getMessageCount() > 0) {
                // Fallback without the management API's head timestamp: how long the message this instance
                // received last had waited, which is the queue's lag while it has a backlog.
                age = lag.apply(queue.name(), clock.instant());
            }
            QueueHealth seen = new QueueHealth(queue.name(), work.getMessageCount(), work.getConsumerCount(),
                    dead == null ? 0 : dead.getMessageCount(), work.getMessageCount() == 0 ? null : age);
            health.put(queue.name(), seen);
            evaluate(seen);
        }
    }

    private void evaluate(QueueHealth seen) {
        Map<Alert.Kind, long[]> checks = new EnumMap<>(Alert.Kind.class);
        checks.put(Alert.Kind.BACKLOG, new long[] {seen.depth(), settings.backlog()});
        checks.put(Alert.Kind.DEAD_LETTERS_WARNING, new long[] {seen.deadLetters(), settings.deadLettersWarning()});
        checks.put(Alert.Kind.DEAD_LETTERS, new long[] {seen.deadLetters(), settings.deadLetters()});
        long age = seen.oldestMessageAge() == null ? 0 : seen.oldestMessageAge().toSeconds();
        checks.put(Alert.Kind.OLDEST_MESSAGE, new long[] {age, settings.oldestMessage().toSeconds()});
        checks.forEach((kind, check) -> {
            String key = kind + " " + seen.queue();
            boolean over = check[0] > check[1];
            if (over && active.add(key)) {
                log.warn("Alert {} on queue {}: {} is over the threshold {}", kind, seen.queue(), check[0], check[1]);
                listener.accept(new Alert(kind, seen.queue(), check[0], check[1], true, clock.instant()));
            } else if (!over && active.remove(key)) {
                log.info("Alert {} on queue {} cleared: {} is back within {}", kind, seen.queue(), check[0], check[1]);
                listener.accept(new Alert(kind, seen.queue(), check[0], check[1], false, clock.instant()));
            }
        });
    }

    private Map<String, Duration> oldestAges() {
        Map<String, Duration> ages = new HashMap<>();
        if (management == null) {
            return ages;
        }
        try {
            // head_message_timestamp is the timestamp property of the head message, which Warren's publisher sets.
            for (JsonNode queue : management.get("/api/queues/" + management.virtualHostPath()
                    + "?columns=name,head_message_timestamp")) {
                JsonNode head = queue.get("head_message_timestamp");
                if (head != null && head.isNumber()) {
                    Duration age = Duration.between(Instant.ofEpochSecond(head.asLong()), clock.instant());
                    ages.put(queue.path("name").asString(), age.isNegative() ? Duration.ZERO : age);
                }
            }
        } catch (WarrenException e) {
            log.debug("Oldest-message ages unknown: {}", e.getMessage());
        }
        return ages;
    }

    private AMQP.Queue.@Nullable DeclareOk passive(String name) {
        try (Connection connection = connectionFactory.createConnection()) {
            // A channel of our own: a passive declare of a missing queue closes it.
            Channel channel = connection.getDelegate().createChannel();
            try {
                return channel.queueDeclarePassive(name);
            } catch (IOException e) {
                return null;
            } finally {
                if (channel.isOpen()) {
                    channel.close();
                }
            }
        } catch (IOException | TimeoutException e) {
            throw new WarrenException("Could not look at queue " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            Threads.shutdown(executor, Duration.ofSeconds(5));
            executor = null;
        }
    }

}
