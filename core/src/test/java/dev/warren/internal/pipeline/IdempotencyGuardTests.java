package dev.warren.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.consumer.IdempotencySettings;
import dev.warren.failure.PermanentFailureException;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class IdempotencyGuardTests {

    final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(100, Clock.systemUTC());

    @Test
    void aMessageIdUpToTheLimitIsAKey() {
        String id = "m".repeat(IdempotencyGuard.MAX_KEY_LENGTH);
        assertThat(guard(null).key(message(id, "{}"))).isEqualTo("orders:" + id);
    }

    @Test
    void anEnormousMessageIdIsAPermanentFailureThatNamesItsLength() {
        String id = "m".repeat(100_000);
        assertThatThrownBy(() -> guard(null).key(message(id, "{}"))).isInstanceOf(PermanentFailureException.class)
                .hasMessageStartingWith("The idempotency key from the message_id has 100000 characters, more than the 256")
                .hasMessageContaining("(100,000 characters)");
    }

    @Test
    void anEnormousPayloadKeyIsRefusedToo() {
        String body = "{\"orderId\":\"" + "k".repeat(1_000) + "\"}";
        assertThatThrownBy(() -> guard("orderId").key(message("m-1", body))).isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("payload field 'orderId' has 1000 characters");
    }

    @Test
    void anAbsentMessageIdIsAPermanentFailure() {
        assertThatThrownBy(() -> guard(null).key(message(null, "{}"))).isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("has none");
    }

    private IdempotencyGuard guard(@Nullable String keyField) {
        return new IdempotencyGuard(new IdempotencySettings(true, keyField, Duration.ofHours(1), Duration.ofMinutes(1)), store,
                "orders", JsonMapper.builder().build());
    }

    private static InboundMessage message(@Nullable String messageId, String body) {
        return new InboundMessage("orders", body.getBytes(StandardCharsets.UTF_8), "application/json", messageId, false, Map.of());
    }
}
