package dev.warren.internal.pipeline;

import dev.warren.internal.WarrenHeaders;
import dev.warren.MessageContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The {@link MessageContext} of one delivery. */
record DeliveryContext(@Nullable String messageId, int attempt, boolean redelivered, String queue,
        Map<String, Object> headers) implements MessageContext {

    DeliveryContext {
        headers = java.util.Collections.unmodifiableMap(headers);
    }

    static DeliveryContext of(InboundMessage message) {
        Map<String, Object> headers = message.headers();
        if (headers.containsKey(WarrenHeaders.PUBLISH_CORRELATION)) {
            // The publisher's bookkeeping, meaningless to the handler.
            headers = new LinkedHashMap<>(headers);
            headers.remove(WarrenHeaders.PUBLISH_CORRELATION);
        }
        return new DeliveryContext(message.messageId(), message.attempt(), message.redelivered(), message.queue(), headers);
    }
}
