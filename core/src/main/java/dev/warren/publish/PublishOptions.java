package dev.warren.publish;

import dev.warren.internal.WarrenHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Per-message options for sending and publishing. Immutable.
 *
 * <pre>{@code
 * warren.send("payments.charge", charge, PublishOptions.builder()
 *         .messageId("charge-" + orderId)     // a stable id lets an idempotent consumer drop duplicates
 *         .header("tenant", "acme")
 *         .build());
 * }</pre>
 *
 * @since 0.1
 */
public final class PublishOptions {

    private static final PublishOptions DEFAULTS = new Builder().build();

    private final @Nullable String messageId;
    private final Map<String, Object> headers;
    private final @Nullable String routingKey;
    private final boolean mandatory;
    private final @Nullable String orderingKey;
    private final @Nullable Delay delay;

    private PublishOptions(Builder builder) {
        this.orderingKey = builder.orderingKey;
        this.delay = builder.delay;
        this.messageId = builder.messageId;
        this.headers = Map.copyOf(builder.headers);
        this.routingKey = builder.routingKey;
        this.mandatory = builder.mandatory;
    }

    /**
     * The options used when none are given: a random message id, no headers, not mandatory.
     *
     * @return the default options
     */
    public static PublishOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts building options.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The message id to set, or {@code null} for a random UUID.
     *
     * @return the message id or {@code null}
     */
    public @Nullable String messageId() {
        return messageId;
    }

    /**
     * Application headers to set on the message.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> headers() {
        return headers;
    }

    /**
     * The routing key for a topic publish, or {@code null} for the topic name itself. Subscribers
     * bind with {@code #}, so every group receives the event whatever the key; the key is there
     * for bindings that other tools add.
     *
     * @return the routing key or {@code null}
     */
    public @Nullable String routingKey() {
        return routingKey;
    }

    /**
     * Whether an event that reaches no queue is an error ({@link PublishException.Reason#UNROUTABLE})
     * rather than a receipt with {@code routed() == false}. Sends are always mandatory.
     *
     * @return {@code true} for mandatory delivery
     */
    public boolean mandatory() {
        return mandatory;
    }

    /**
     * The key whose messages the transactional outbox publishes in the order they were written,
     * such as an order id; {@code null} when order does not matter.
     *
     * @return the ordering key or {@code null}
     */
    public @Nullable String orderingKey() {
        return orderingKey;
    }

    /**
     * When to deliver the message; {@code null} for at once.
     *
     * @return the delay or {@code null}
     */
    public @Nullable Delay delay() {
        return delay;
    }

    /** Builds {@link PublishOptions}. Not thread-safe. */
    public static final class Builder {

        private @Nullable String messageId;
        private final Map<String, Object> headers = new LinkedHashMap<>();
        private @Nullable String routingKey;
        private boolean mandatory;
        private @Nullable String orderingKey;
        private @Nullable Delay delay;

        private Builder() {
        }

        /**
         * Sets the message id.
         *
         * @param messageId a non-blank id, unique per logical message
         * @return this builder
         */
        public Builder messageId(String messageId) {
            if (Objects.requireNonNull(messageId, "messageId").isBlank()) {
                throw new IllegalArgumentException("messageId must not be blank; leave it unset for a random UUID");
            }
            this.messageId = messageId;
            return this;
        }

        /**
         * Adds an application header. Header names starting with {@code x-warren-} are reserved.
         *
         * @param name the header name
         * @param value a String, number, boolean or other AMQP field value
         * @return this builder
         */
        public Builder header(String name, Object value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.startsWith(WarrenHeaders.PREFIX)) {
                throw new IllegalArgumentException("header " + name + " is reserved for Warren; use a name without the x-warren- prefix");
            }
            headers.put(name, value);
            return this;
        }

        /**
         * Sets the routing key of a topic publish.
         *
         * @param routingKey the routing key
         * @return this builder
         */
        public Builder routingKey(String routingKey) {
            this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
            return this;
        }

        /**
         * Makes an event that reaches no queue an error.
         *
         * @param mandatory {@code true} to fail when no group subscribes
         * @return this builder
         */
        public Builder mandatory(boolean mandatory) {
            this.mandatory = mandatory;
            return this;
        }

        /**
         * Sets the key whose messages the transactional outbox publishes in the order written.
         *
         * @param orderingKey the key, such as an aggregate id
         * @return this builder
         */
        public Builder orderingKey(String orderingKey) {
            this.orderingKey = Objects.requireNonNull(orderingKey, "orderingKey");
            return this;
        }

        /**
         * Delivers the message later: after a delay, or at an instant.
         *
         * @param delay when
         * @return this builder
         */
        public Builder delay(Delay delay) {
            this.delay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public PublishOptions build() {
            return new PublishOptions(this);
        }
    }
}
