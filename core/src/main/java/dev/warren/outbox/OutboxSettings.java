package dev.warren.outbox;

import dev.warren.WarrenException;
import java.time.Duration;

/**
 * How the outbox relay works.
 *
 * @param table the outbox table, {@code warren_outbox} unless you renamed it (schema-qualified names work)
 * @param pollInterval how often the relay looks for unsent messages when no commit woke it
 * @param batchSize the most messages one relay pass claims and publishes
 * @param retention how long sent rows are kept before the relay deletes them
 * @param alertAfter the age of the oldest unsent message beyond which the
 *     {@link dev.warren.monitor.Alert.Kind#OUTBOX_OLDEST_UNSENT} alert is raised
 * @since 0.1
 */
public record OutboxSettings(String table, Duration pollInterval, int batchSize, Duration retention, Duration alertAfter) {

    /** The default of {@link #alertAfter()}: a relay that keeps up publishes within about a poll interval. */
    public static final Duration DEFAULT_ALERT_AFTER = Duration.ofMinutes(1);

    /** {@code warren_outbox}, polled every second, batches of 200, sent rows kept for a day, an alert after a minute unsent. */
    public static final OutboxSettings DEFAULTS = new OutboxSettings("warren_outbox", Duration.ofSeconds(1), 200,
            Duration.ofDays(1));

    /**
     * Settings with the default alert threshold, {@link #DEFAULT_ALERT_AFTER}.
     *
     * @param table the outbox table
     * @param pollInterval how often the relay looks for unsent messages when no commit woke it
     * @param batchSize the most messages one relay pass claims and publishes
     * @param retention how long sent rows are kept
     */
    public OutboxSettings(String table, Duration pollInterval, int batchSize, Duration retention) {
        this(table, pollInterval, batchSize, retention, DEFAULT_ALERT_AFTER);
    }

    /**
     * Validates the settings.
     */
    public OutboxSettings {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
            throw new WarrenException("outbox table must be a plain SQL name such as warren_outbox or app.warren_outbox, "
                    + "but was '" + table + "'");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new WarrenException("outbox poll interval must be positive but was " + pollInterval);
        }
        if (batchSize < 1) {
            throw new WarrenException("outbox batch size must be >= 1 but was " + batchSize);
        }
        if (retention.isNegative()) {
            throw new WarrenException("outbox retention must not be negative but was " + retention);
        }
        if (alertAfter.toMillis() < 1) {
            throw new WarrenException("warren.outbox.alert-after must be at least 1ms but was " + alertAfter);
        }
    }

    /**
     * These settings with another poll interval.
     *
     * @param interval the interval
     * @return new settings
     */
    public OutboxSettings withPollInterval(Duration interval) {
        return new OutboxSettings(table, interval, batchSize, retention, alertAfter);
    }

    /**
     * These settings with another batch size.
     *
     * @param size the size
     * @return new settings
     */
    public OutboxSettings withBatchSize(int size) {
        return new OutboxSettings(table, pollInterval, size, retention, alertAfter);
    }

    /**
     * These settings with another retention.
     *
     * @param keep how long sent rows are kept
     * @return new settings
     */
    public OutboxSettings withRetention(Duration keep) {
        return new OutboxSettings(table, pollInterval, batchSize, keep, alertAfter);
    }

    /**
     * These settings with another alert threshold.
     *
     * @param age the age of the oldest unsent message beyond which the alert is raised
     * @return new settings
     */
    public OutboxSettings withAlertAfter(Duration age) {
        return new OutboxSettings(table, pollInterval, batchSize, retention, age);
    }
}
