package dev.warren.spring.autoconfigure;

import dev.warren.annotation.QueueType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Warren's {@code warren.*} properties. Per-handler settings override the handler's annotation,
 * which overrides the defaults:
 *
 * <pre>
 * warren:
 *   consumer-defaults:
 *     prefetch: 20
 *   consumers:
 *     "[video.process]":        # the queue name; brackets keep the dots in the key
 *       concurrency: 4
 *   publisher:
 *     confirm-timeout: 5s
 * </pre>
 *
 * <p>Bound once at start-up and converted to Warren's immutable settings, which validate every value
 * and name the property in the error.
 *
 * @since 0.1
 */
@ConfigurationProperties("warren")
public class WarrenProperties {

    /** Whether Warren is configured at all: declares its topology, runs consumers and offers its publisher. */
    private boolean enabled = true;

    /** Settings every handler gets where its annotation and its warren.consumers entry set nothing. */
    private final ConsumerDefaults consumerDefaults = new ConsumerDefaults();

    /**
     * Per-handler settings, keyed by consumer name: the queue of a @Consumer, {@code <topic>.<group>}
     * of a @Subscribe. A key that matches no handler fails start-up.
     */
    private final Map<String, ConsumerOverrides> consumers = new LinkedHashMap<>();

    /** Publisher settings. */
    private final Publisher publisher = new Publisher();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public ConsumerDefaults getConsumerDefaults() {
        return consumerDefaults;
    }

    public Map<String, ConsumerOverrides> getConsumers() {
        return consumers;
    }

    public Publisher getPublisher() {
        return publisher;
    }

    /** Defaults for every handler. */
    public static class ConsumerDefaults {

        /** Concurrent consumers per handler in this instance. */
        private int concurrency = 1;

        /** Unacknowledged messages the broker may push to each consumer; keep it small for slow work. */
        private int prefetch = 10;

        /** Queue type Warren declares: quorum (replicated, the safe default) or classic. */
        private QueueType queueType = QueueType.QUORUM;

        public int getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        public int getPrefetch() {
            return prefetch;
        }

        public void setPrefetch(int prefetch) {
            this.prefetch = prefetch;
        }

        public QueueType getQueueType() {
            return queueType;
        }

        public void setQueueType(QueueType queueType) {
            this.queueType = queueType;
        }
    }

    /** One handler's settings; unset values fall back to the annotation, then the defaults. */
    public static class ConsumerOverrides {

        /** Concurrent consumers for this handler in this instance. */
        private @Nullable Integer concurrency;

        /** Unacknowledged messages the broker may push to each consumer of this handler. */
        private @Nullable Integer prefetch;

        /** Queue type Warren declares for this handler's queue. */
        private @Nullable QueueType queueType;

        public @Nullable Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(@Nullable Integer concurrency) {
            this.concurrency = concurrency;
        }

        public @Nullable Integer getPrefetch() {
            return prefetch;
        }

        public void setPrefetch(@Nullable Integer prefetch) {
            this.prefetch = prefetch;
        }

        public @Nullable QueueType getQueueType() {
            return queueType;
        }

        public void setQueueType(@Nullable QueueType queueType) {
            this.queueType = queueType;
        }
    }

    /** How Warren publishes. */
    public static class Publisher {

        /** How long a publish waits for the broker's confirm before it fails. */
        private Duration confirmTimeout = Duration.ofSeconds(10);

        /** Channels that publish in parallel, each with its own confirm stream. */
        private int channels = 2;

        /** Messages that may await their confirm at once; further publishes wait, keeping memory bounded. */
        private int maxInFlight = 10_000;

        public Duration getConfirmTimeout() {
            return confirmTimeout;
        }

        public void setConfirmTimeout(Duration confirmTimeout) {
            this.confirmTimeout = confirmTimeout;
        }

        public int getChannels() {
            return channels;
        }

        public void setChannels(int channels) {
            this.channels = channels;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }
    }
}
