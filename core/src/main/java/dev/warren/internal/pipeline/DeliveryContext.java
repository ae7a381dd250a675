package dev.warren.internal.pipeline;

import dev.warren.MessageContext;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The {@link MessageContext} of one delivery. */
record DeliveryContext(@Nullable String messageId, int attempt, boolean redelivered, String queue,
        Map<String, Object> headers) implements MessageContext {

    DeliveryContext {
        headers = java.util.Collections.unmodifiableMap(headers);
    }

    static DeliveryContext of(InboundMessage message) {
        return new DeliveryContext(message.messageId(), message.attempt(), message.redelivered(), message.queue(),
                message.headers());
    }
}
