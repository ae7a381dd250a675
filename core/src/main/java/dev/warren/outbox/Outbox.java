package dev.warren.outbox;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.internal.Threads;
import dev.warren.monitor.Alert;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox on PostgreSQL: {@link #write} stores a message in the caller's
 * transaction; the relay publishes stored messages after their transaction commits, with a
 * confirm, and marks them sent. A rolled-back transaction publishes nothing. A crash between the
 * publish and the mark publishes the message again, with its original {@code message_id}, so an
 * idempotent consumer sees a duplicate, never a second order.
 *
 * <p>Every instance of an application runs a relay on the same table: each pass claims unsent rows
 * with {@code FOR UPDATE SKIP LOCKED}, so two relays never publish the same row at once. Rows with
 * an {@linkplain PublishOptions#orderingKey() ordering key} are published in the order written:
 * a relay takes a key's rows only while it holds that key's transaction-scoped advisory lock.
 *
 * <p>The table: {@code dev/warren/db/migration/V1000__warren_outbox.sql} in this jar, for Flyway
 * ({@code spring.flyway.locations=classpath:db/migration,classpath:dev/warren/db/migration}) or
 * your own migrations; or {@link #createTableIfMissing()} at start.
 *
 * <p>While started, the outbox also watches its oldest unsent message: older than
 * {@link OutboxSettings#alertAfter()}, it raises the {@link Alert.Kind#OUTBOX_OLDEST_UNSENT}
 * alert (a WARN log line, the alert listener, {@link #activeAlerts()}), and clears it once the
 * relay has caught up. A relay that cannot publish, or an outbox whose relay no instance runs,
 * shows there before the messages are missed downstream.
 *
 * @since 0.1
 */
public final class Outbox implements AutoCloseable, dev.warren.monitor.AlertSource {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final String SCRIPT = "dev/warren/db/migration/V1000__warren_outbox.sql";
    /** How long a relay pass waits for the broker's confirms before it leaves the rest for the next pass. */
    private static final long CONFIRM_WAIT_SECONDS = 30;

    private final DataSource dataSource;
    private final Warren publisher;
    private final JsonMapper mapper;
    private final OutboxSettings settings;
    private final String table;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Object wake = new Object();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong lastLagMillis = new AtomicLong(-1);
    private final java.util.function.Consumer<Alert> alertListener;
    private final AtomicBoolean alertRaised = new AtomicBoolean();
    private volatile boolean wakeRequested;
    private @Nullable Thread relay;
    private @Nullable ScheduledExecutorService housekeeping;

    /**
     * Creates an outbox; nothing runs until {@link #start()}.
     *
     * @param dataSource the application's database, whose transactions the writes join
     * @param publisher the direct publisher the relay publishes with (not a transactional one)
     * @param mapper encodes payloads as they are written
     * @param settings table, polling and retention
     */
    public Outbox(DataSource dataSource, Warren publisher, JsonMapper mapper, OutboxSettings settings) {
        this(dataSource, publisher, mapper, settings, alert -> {
        });
    }

    /**
     * Creates an outbox whose alert on the oldest unsent message also goes to a listener, besides
     * Warren's log line; nothing runs until {@link #start()}.
     *
     * <pre>{@code
     * Outbox outbox = new Outbox(dataSource, engine.warren(), mapper,
     *         OutboxSettings.DEFAULTS.withAlertAfter(Duration.ofMinutes(5)), alert -> pager.notify(alert));
     * }</pre>
     *
     * @param dataSource the application's database, whose transactions the writes join
     * @param publisher the direct publisher the relay publishes with (not a transactional one)
     * @param mapper encodes payloads as they are written
     * @param settings table, polling, retention and alert threshold
     * @param alertListener hears the alert raised and cleared, on the {@code warren-outbox-housekeeping} thread
     */
    public Outbox(DataSource dataSource, Warren publisher, JsonMapper mapper, OutboxSettings settings,
            java.util.function.Consumer<Alert> alertListener) {
        this.alertListener = java.util.Objects.requireNonNull(alertListener, "alertListener");
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.mapper = mapper;
        this.settings = settings;
        this.table = settings.table();
    }

    /**
     * The database whose transactions the writes join.
     *
     * @return the data source
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Creates the table and its indexes unless they exist, from the script in this jar. */
    public void createTableIfMissing() {
        String script;
        try (InputStream in = Outbox.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new WarrenException("The outbox script " + SCRIPT + " is missing from the classpath");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WarrenException("Could not read the outbox script " + SCRIPT, e);
        }
        script = script.replaceAll("(?m)^--.*$", "").replace("warren_outbox", table);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : script.split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
        } catch (SQLException e) {
            throw new WarrenException("Could not create the outbox table " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores a message in the current transaction of {@link #dataSource()} (Spring's, when there is
     * one; otherwise the statement commits on its own). It is published after the commit.
     *
     * @param topic {@code true} for a topic publish, {@code false} for a send to a queue
     * @param destination the queue or topic
     * @param payload what to send, encoded as JSON now
     * @param options message id, headers, routing and ordering keys
     * @return the receipt; {@code routed} says only that the message was stored
     */
    public PublishReceipt write(boolean topic, String destination, Object payload, PublishOptions options) {
        String messageId = options.messageId() != null ? options.messageId() : UUID.randomUUID().toString();
        String body = mapper.writeValueAsString(payload);
        String headers = options.headers().isEmpty() ? null : mapper.writeValueAsString(options.headers());
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (message_id, kind, destination, routing_key, ordering_key, headers, body, deliver_at, created_at)"
                // The time of the write, not now(), which is its transaction's start: the publish lag then
                // counts from the write, however long the transaction ran before it. Set here, not only by the
                // column's default, so that a table created by an older script measures the same.
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())")) {
            insert.setString(1, messageId);
            insert.setString(2, topic ? "publish" : "send");
            insert.setString(3, destination);
            insert.setString(4, options.routingKey());
            insert.setString(5, options.orderingKey());
            insert.setString(6, headers);
            insert.setString(7, body);
            insert.setTimestamp(8, options.delay() == null ? null
                    : Timestamp.from(options.delay().dueAt(java.time.Clock.systemUTC())));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new WarrenException("Could not write message " + messageId + " for '" + destination + "' to the outbox "
                    + table + ": " + e.getMessage(), e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
        return new PublishReceipt(messageId, true);
    }

    /** Starts the relay thread, the clean-up of sent rows and the watch on the oldest unsent message. */
    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(this::relayLoop, "warren-outbox-relay");
        thread.setDaemon(true);
        thread.start();
        relay = thread;
        housekeeping = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Threads.named("warren-outbox-housekeeping"));
        long every = Math.max(settings.retention().toMillis() / 10, 60_000);
        housekeeping.scheduleWithFixedDelay(this::deleteSent, every, every, TimeUnit.MILLISECONDS);
        // Often enough to see the threshold crossed within half of it, and no more than twice a minute.
        long look = Math.max(100, Math.min(settings.alertAfter().toMillis() / 2, 30_000));
        housekeeping.scheduleWithFixedDelay(this::checkOldestUnsentSafely, look, look, TimeUnit.MILLISECONDS);
    }

    /** Wakes the relay at once, as after a commit that wrote messages. */
    public void wakeUp() {
        synchronized (wake) {
            wakeRequested = true;
            wake.notifyAll();
        }
    }

    /** Stops the relay; unsent messages wait in the table for the next start. */
    @Override
    public synchronized void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        wakeUp();
        Thread thread = relay;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(CONFIRM_WAIT_SECONDS + 5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (housekeeping != null) {
            Threads.shutdown(housekeeping, Duration.ofSeconds(5));
        }
    }

    private void relayLoop() {
        long backoff = settings.pollInterval().toMillis();
        while (running.get()) {
            int sent;
            try {
                sent = relayOnce();
                backoff = settings.pollInterval().toMillis();
            } catch (RuntimeException e) {
                log.warn("The outbox relay failed a pass ({}); trying again in {} ms", e.getMessage(), backoff);
                sent = 0;
                backoff = Math.min(backoff * 2, 30_000);
            }
            if (sent < settings.batchSize()) {
                synchronized (wake) {
                    if (!wakeRequested && running.get()) {
                        try {
                            wake.wait(backoff);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    wakeRequested = false;
                }
            }
        }
    }

    /**
     * One relay pass: claims up to a batch of unsent messages, publishes them with confirms and
     * marks the confirmed ones sent, in one transaction.
     *
     * @return how many were published and marked
     */
    public int relayOnce() {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                List<Row> rows = claim(connection);
                long claimed = System.nanoTime();
                List<Long> sent = publish(rows);
                markSent(connection, sent);
                connection.commit();
                published.addAndGet(sent.size());
                if (!sent.isEmpty()) {
                    Row last = rows.stream().filter(row -> sent.contains(row.id())).reduce((a, b) -> b).orElseThrow();
                    // The database's own age of the row at the claim, plus the time since: no clock skew between
                    // the database and this machine enters the lag.
                    lastLagMillis.set(last.ageAtClaimMillis() + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - claimed));
                }
                return sent.size();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new WarrenException("The outbox relay could not read " + table + ": " + e.getMessage(), e);
        }
    }

    private record Row(long id, String messageId, boolean topic, String destination, @Nullable String routingKey,
            @Nullable String orderingKey, @Nullable String headers, String body, long ageAtClaimMillis,
            @Nullable Instant deliverAt) {
    }

    private List<Row> claim(Connection connection) throws SQLException {
        // A key's rows are taken only by the relay that holds the key's lock, so they go out in order.
        String sql = "SELECT id, message_id, kind, destination, routing_key, ordering_key, headers, body,"
                + " (EXTRACT(EPOCH FROM (clock_timestamp() - created_at)) * 1000)::bigint, deliver_at"
                + " FROM " + table
                + " WHERE sent_at IS NULL AND (ordering_key IS NULL OR pg_try_advisory_xact_lock(hashtext(ordering_key)))"
                + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setInt(1, settings.batchSize());
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong(1), result.getString(2), "publish".equals(result.getString(3)),
                            result.getString(4), result.getString(5), result.getString(6), result.getString(7),
                            result.getString(8), result.getLong(9),
                            result.getTimestamp(10) == null ? null : result.getTimestamp(10).toInstant()));
                }
            }
        }
        return withoutOvertakingRows(connection, rows);
    }

    /**
     * Drops the rows of a key whose earlier rows are still unsent and not claimed here. A relay
     * whose scan met a key while another relay held its lock skips those rows; if that relay then
     * commits, the scan may take the key's lock and claim later rows, which must wait for the
     * skipped ones. Holding the key's lock now, this relay sees the key's committed state.
     */
    private List<Row> withoutOvertakingRows(Connection connection, List<Row> rows) throws SQLException {
        Map<String, Long> firstClaimed = new java.util.HashMap<>();
        for (Row row : rows) {
            if (row.orderingKey() != null) {
                firstClaimed.merge(row.orderingKey(), row.id(), Math::min);
            }
        }
        if (firstClaimed.isEmpty()) {
            return rows;
        }
        java.util.Set<String> behind = new java.util.HashSet<>();
        try (PreparedStatement first = connection.prepareStatement("SELECT ordering_key, min(id) FROM " + table
                + " WHERE sent_at IS NULL AND ordering_key = ANY (?) GROUP BY ordering_key")) {
            first.setArray(1, connection.createArrayOf("varchar", firstClaimed.keySet().toArray()));
            try (ResultSet result = first.executeQuery()) {
                while (result.next()) {
                    if (result.getLong(2) < firstClaimed.get(result.getString(1))) {
                        behind.add(result.getString(1));
                    }
                }
            }
        }
        return behind.isEmpty() ? rows : rows.stream().filter(row -> !behind.contains(row.orderingKey())).toList();
    }

    /**
     * Publishes the claimed rows and returns the ids of those confirmed. Rows without an ordering key
     * go out at once. A key's rows go out one at a time, each once the previous one is confirmed:
     * the publisher spreads messages over several channels, which may overtake each other. The
     * calling thread (the relay's) sends every row, in rounds of one row per key: a send chained on
     * the previous one's future would run on the publisher's single confirm thread, where waiting
     * for a permit or for a blocked broker stalls every confirm.
     */
    private List<Long> publish(List<Row> rows) {
        Map<Long, CompletableFuture<PublishReceipt>> unordered = new LinkedHashMap<>();
        Map<String, java.util.ArrayDeque<Row>> keyed = new LinkedHashMap<>();
        for (Row row : rows) {
            if (row.orderingKey() == null) {
                unordered.put(row.id(), send(row));
            } else {
                keyed.computeIfAbsent(row.orderingKey(), key -> new java.util.ArrayDeque<>()).add(row);
            }
        }
        List<Long> sent = new ArrayList<>();
        while (!keyed.isEmpty() && !Thread.currentThread().isInterrupted()) {
            Map<Row, CompletableFuture<PublishReceipt>> round = new LinkedHashMap<>();
            for (java.util.ArrayDeque<Row> ofKey : keyed.values()) {
                Row next = ofKey.poll();
                round.put(next, send(next));
            }
            for (Map.Entry<Row, CompletableFuture<PublishReceipt>> entry : round.entrySet()) {
                if (confirmed(entry.getKey().id(), entry.getValue())) {
                    sent.add(entry.getKey().id());
                } else {
                    // The key's later rows stay unsent with it, so that they cannot overtake it.
                    keyed.remove(entry.getKey().orderingKey());
                }
            }
            keyed.values().removeIf(java.util.ArrayDeque::isEmpty);
        }
        for (Map.Entry<Long, CompletableFuture<PublishReceipt>> entry : unordered.entrySet()) {
            if (confirmed(entry.getKey(), entry.getValue())) {
                sent.add(entry.getKey());
            }
        }
        return sent;
    }

    private CompletableFuture<PublishReceipt> send(Row row) {
        PublishOptions.Builder options = PublishOptions.builder().messageId(row.messageId());
        if (row.routingKey() != null) {
            options.routingKey(row.routingKey());
        }
        if (row.deliverAt() != null) {
            options.delay(dev.warren.publish.Delay.until(row.deliverAt()));
        }
        if (row.headers() != null) {
            for (Map.Entry<String, JsonNode> header : mapper.readTree(row.headers()).properties()) {
                options.header(header.getKey(), headerValue(header.getValue()));
            }
        }
        JsonNode payload = mapper.readTree(row.body());
        return row.topic() ? publisher.publishAsync(row.destination(), payload, options.build())
                : publisher.sendAsync(row.destination(), payload, options.build());
    }

    /** Waits for one row's confirm; {@code false}, with the reason logged, when it fails or does not come. */
    private boolean confirmed(long id, CompletableFuture<PublishReceipt> future) {
        try {
            future.get(CONFIRM_WAIT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("The outbox relay could not publish row {} ({}); it stays unsent and is tried again", id,
                    e.getCause() != null ? e.getCause().getMessage() : e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Object headerValue(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        return value.isString() ? value.stringValue() : value.toString();
    }

    private void markSent(Connection connection, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET sent_at = clock_timestamp() WHERE id = ANY (?)")) {
            update.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            update.executeUpdate();
        }
    }

    private void deleteSent() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE sent_at < ?")) {
            delete.setTimestamp(1, Timestamp.from(Instant.now().minus(settings.retention())));
            int deleted = delete.executeUpdate();
            if (deleted > 0) {
                log.debug("Deleted {} sent rows older than {} from the outbox", deleted, settings.retention());
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not delete old sent rows from the outbox {}: {}", table, e.getMessage());
        }
    }

    /**
     * Messages written and not yet published.
     *
     * @return the count
     */
    public long depth() {
        return queryLong("SELECT count(*) FROM " + table + " WHERE sent_at IS NULL");
    }

    /**
     * How long the oldest unsent message has waited; zero when none waits.
     *
     * @return the age
     */
    public Duration oldestUnsentAge() {
        long millis = queryLong("SELECT COALESCE(EXTRACT(EPOCH FROM (clock_timestamp() - min(created_at))) * 1000, 0) FROM " + table
                + " WHERE sent_at IS NULL");
        return Duration.ofMillis(millis);
    }

    /**
     * Looks at the oldest unsent message now, rather than at the next interval, and raises or
     * clears the {@link Alert.Kind#OUTBOX_OLDEST_UNSENT} alert as due.
     *
     * @return the oldest unsent message's age, zero when none waits
     * @throws WarrenException when the table cannot be read
     */
    public Duration checkOldestUnsent() {
        Duration age = oldestUnsentAge();
        boolean over = age.compareTo(settings.alertAfter()) > 0;
        if (over && alertRaised.compareAndSet(false, true)) {
            log.warn("Alert {} on outbox {}: the oldest unsent message has waited {}, over the threshold {} "
                    + "(warren.outbox.alert-after); is the relay running, and can it reach the broker?",
                    Alert.Kind.OUTBOX_OLDEST_UNSENT, table, age, settings.alertAfter());
            alertListener.accept(alert(age, true));
        } else if (!over && alertRaised.compareAndSet(true, false)) {
            log.info("Alert {} on outbox {} cleared: the oldest unsent message has waited {}, within {}",
                    Alert.Kind.OUTBOX_OLDEST_UNSENT, table, age, settings.alertAfter());
            alertListener.accept(alert(age, false));
        }
        return age;
    }

    private Alert alert(Duration age, boolean raised) {
        return new Alert(Alert.Kind.OUTBOX_OLDEST_UNSENT, table, age.toSeconds(), settings.alertAfter().toSeconds(), raised,
                Instant.now());
    }

    private void checkOldestUnsentSafely() {
        try {
            checkOldestUnsent();
        } catch (RuntimeException e) {
            log.warn("Could not look at the outbox {}'s oldest unsent message: {}", table, e.getMessage());
        }
    }

    /**
     * The alert raised and not yet cleared, in the form of the engine's queue alerts.
     *
     * @return {@code OUTBOX_OLDEST_UNSENT <table>} while the alert is raised, else empty
     */
    @Override
    public java.util.Set<String> activeAlerts() {
        return alertRaised.get() ? java.util.Set.of(Alert.Kind.OUTBOX_OLDEST_UNSENT + " " + table) : java.util.Set.of();
    }

    /**
     * The settings this outbox runs with.
     *
     * @return table, polling, retention and alert threshold
     */
    public OutboxSettings settings() {
        return settings;
    }

    /**
     * Messages this relay published since start.
     *
     * @return the count
     */
    public long published() {
        return published.get();
    }

    /**
     * From write to publish, for the last message this relay published; {@code null} before the first.
     *
     * @return the lag or {@code null}
     */
    public @Nullable Duration lastPublishLag() {
        long millis = lastLagMillis.get();
        return millis < 0 ? null : Duration.ofMillis(millis);
    }

    private long queryLong(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new WarrenException("Could not read the outbox " + table + ": " + e.getMessage(), e);
        }
    }
}
