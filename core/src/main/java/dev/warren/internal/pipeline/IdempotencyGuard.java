package dev.warren.internal.pipeline;

import dev.warren.consumer.IdempotencySettings;
import dev.warren.failure.PermanentFailureException;
import dev.warren.idempotency.IdempotencyStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Finds a message's deduplication key and talks to the store for one idempotent handler. */
final class IdempotencyGuard {

    /** The longest key taken from a message; the namespace comes on top, within what the JDBC store's column holds. */
    static final int MAX_KEY_LENGTH = 256;

    private final IdempotencySettings settings;
    private final IdempotencyStore store;
    private final String namespace;
    private final JsonMapper mapper;

    IdempotencyGuard(IdempotencySettings settings, IdempotencyStore store, String consumerName, JsonMapper mapper) {
        this.settings = settings;
        this.store = store;
        this.namespace = consumerName + ":";
        this.mapper = mapper;
    }

    /** The store key of a message, namespaced by consumer. */
    String key(InboundMessage message) {
        String field = settings.keyField();
        if (field == null) {
            if (message.messageId() == null || message.messageId().isBlank()) {
                throw new PermanentFailureException("The handler is idempotent by message_id, but the message has none; "
                        + "publish with a message_id or name a payload field with idempotencyKey");
            }
            return bounded(message.messageId(), "message_id");
        }
        JsonNode value = fieldValue(message.body(), field);
        if (value == null || value.isMissingNode() || value.isNull() || value.isContainer()) {
            throw new PermanentFailureException("The handler is idempotent by payload field '" + field
                    + "', but the message has no such scalar field");
        }
        return bounded(value.asString(), "payload field '" + field + "'");
    }

    /**
     * The namespaced key, refused when it is longer than any store keeps: a producer's enormous id
     * must not reach the store, where it would fail on every attempt.
     */
    private String bounded(String key, String source) {
        if (key.length() > MAX_KEY_LENGTH) {
            throw new PermanentFailureException("The idempotency key from the " + source + " has " + key.length()
                    + " characters, more than the " + MAX_KEY_LENGTH + " a key may have: "
                    + HeaderValues.printable(key, 40));
        }
        return namespace + key;
    }

    private @Nullable JsonNode fieldValue(byte[] body, String field) {
        try {
            JsonNode root = mapper.readTree(body);
            return field.startsWith("/") ? root.at(field) : root.get(field);
        } catch (JacksonException e) {
            return null;
        }
    }

    IdempotencyStore.Claim claim(String key) {
        return store.claim(key, settings.claimTtl());
    }

    void processed(String key) {
        store.markProcessed(key, settings.ttl());
    }

    void release(String key) {
        store.release(key);
    }

    /** The store, when it records keys in a transaction the handler's work joins; otherwise {@code null}. */
    dev.warren.idempotency.@org.jspecify.annotations.Nullable TransactionalIdempotencyStore transactional() {
        return store instanceof dev.warren.idempotency.TransactionalIdempotencyStore transactional ? transactional : null;
    }
}
