package dev.warren.spring.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The transactional outbox, {@code warren.outbox.*}: with it enabled, {@code warren.send} and
 * {@code warren.publish} inside a Spring transaction on the application's {@code DataSource}
 * write the message with the transaction, and a relay publishes it after commit.
 */
@ConfigurationProperties("warren.outbox")
public class WarrenOutboxProperties {

    /** Whether sends inside a transaction go through the outbox. Needs a DataSource (PostgreSQL). */
    private boolean enabled;

    /** Whether Warren creates the outbox table at start; turn off when your migrations own it. */
    private boolean createTable = true;

    /** The outbox table. */
    private String table = "warren_outbox";

    /** How often the relay looks for unsent messages when no commit woke it. */
    private Duration pollInterval = Duration.ofSeconds(1);

    /** The most messages one relay pass publishes. */
    private int batchSize = 200;

    /** How long sent rows are kept before they are deleted. */
    private Duration retention = Duration.ofDays(1);

    /**
     * The age of the oldest unsent message beyond which the OUTBOX_OLDEST_UNSENT alert is raised
     * (a log line, an application event, Warren's health details and Actuator endpoint).
     */
    private Duration alertAfter = Duration.ofMinutes(1);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    public Duration getAlertAfter() {
        return alertAfter;
    }

    public void setAlertAfter(Duration alertAfter) {
        this.alertAfter = alertAfter;
    }
}
