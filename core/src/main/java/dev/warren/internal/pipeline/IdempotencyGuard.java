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
            return namespace + message.messageId();
        }
        JsonNode value = fieldValue(message.body(), field);
        if (value == null || value.isMissingNode() || value.isNull() || value.isContainer()) {
            throw new PermanentFailureException("The handler is idempotent by payload field '" + field
                    + "', but the message has no such scalar field");
        }
        return namespace + value.asString();
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
