package dev.warren.internal.pipeline;

import dev.warren.internal.WarrenHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryContextTests {

    @Test
    void handlersDoNotSeeThePublishCorrelationHeader() {
        InboundMessage message = new InboundMessage("orders", "{}".getBytes(StandardCharsets.UTF_8), "application/json",
                "m-1", false, Map.of(WarrenHeaders.PUBLISH_CORRELATION, 7L, "tenant", "acme"));

        assertThat(DeliveryContext.of(message).headers()).containsExactly(Map.entry("tenant", "acme"));
    }
}
