package dev.warren.internal.pipeline;

import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.handler.HandlerMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one delivery through decoding and the handler and says what becomes of it. Knows nothing
 * of the transport. Called on consumer threads, concurrently; holds no mutable state.
 */
public final class HandlerPipeline {

    private static final Logger log = LoggerFactory.getLogger(HandlerPipeline.class);

    private final HandlerEndpoint endpoint;
    private final PayloadDecoder decoder;

    public HandlerPipeline(HandlerEndpoint endpoint, PayloadDecoder decoder) {
        this.endpoint = endpoint;
        this.decoder = decoder;
    }

    public HandlerEndpoint endpoint() {
        return endpoint;
    }

    /** Processes one delivery; never throws for a failure of the message or the handler. */
    public Outcome process(InboundMessage message) {
        HandlerMethod handler = endpoint.method();
        int attempt = message.attempt();
        Object payload;
        try {
            payload = decoder.decode(message);
        } catch (UndecodableMessageException e) {
            return new Outcome.DeadLetter(e.getMessage(), e, attempt);
        }
        try {
            handler.invoke(payload, DeliveryContext.of(message));
            log.debug("Processed message {} from queue {} with {} (attempt {})", message.messageId(), message.queue(),
                    handler.describe(), attempt);
            return Outcome.ACKNOWLEDGE;
        } catch (VirtualMachineError e) {
            // The JVM is in trouble; leave the message unacknowledged so the broker redelivers it.
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = handler.describe() + " threw " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "");
            return new Outcome.DeadLetter(reason, e, attempt);
        }
    }
}
