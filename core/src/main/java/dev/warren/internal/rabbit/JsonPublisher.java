package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import dev.warren.internal.WarrenObservation;
import dev.warren.internal.WarrenObservation.MessagingAttribute;
import dev.warren.internal.WarrenObservation.PublishTag;
import com.rabbitmq.client.AMQP;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublishException.Reason;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import dev.warren.topology.ExchangeSpec;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link Warren} on {@link PublisherChannels}: encodes JSON, sets the wire-contract properties and
 * turns confirms and returns into receipts and {@link PublishException}s. Thread-safe.
 */
public final class JsonPublisher implements Warren {

    private static final Logger log = LoggerFactory.getLogger(JsonPublisher.class);

    private static final String DEFAULT_EXCHANGE = "";
    private static final String JSON = "application/json";
    private static final int PERSISTENT = 2;
    /** The remote service and {@code messaging.system} of traces. */
    private static final String RABBITMQ = "rabbitmq";

    private final PublisherChannels channels;
    private final TopologyDeclarer declarer;
    private final JsonMapper mapper;
    private final long confirmTimeoutMillis;
    private final Set<String> declaredTopics = ConcurrentHashMap.newKeySet();
    private final LongAdder unroutedEvents = new LongAdder();
    private final ObservationRegistry observations;
    private final dev.warren.consumer.DeliveryListener listener;
    private final DelayedDelivery delayedDelivery;

    public JsonPublisher(PublisherChannels channels, TopologyDeclarer declarer, JsonMapper mapper,
            java.time.Duration confirmTimeout, ObservationRegistry observations, dev.warren.consumer.DeliveryListener listener) {
        this.observations = observations;
        this.listener = dev.warren.internal.pipeline.SafeDeliveryListener.of(listener);
        this.delayedDelivery = new DelayedDelivery(declarer);
        this.channels = channels;
        this.declarer = declarer;
        this.mapper = mapper;
        this.confirmTimeoutMillis = confirmTimeout.toMillis();
    }

    /** Records topics whose exchanges were declared with the topology, so publishing skips declaring them. */
    public void knownTopics(Set<String> topics) {
        declaredTopics.addAll(topics);
    }

    /** How many published events reached no queue because no group subscribes yet. */
    public long unroutedEvents() {
        return unroutedEvents.sum();
    }

    @Override
    public PublishReceipt send(String queue, Object payload, PublishOptions options) {
        return await(sendAsync(queue, payload, options));
    }

    @Override
    public CompletableFuture<PublishReceipt> sendAsync(String queue, Object payload, PublishOptions options) {
        Objects.requireNonNull(queue, "queue");
        Outgoing outgoing = encode(payload, options, queue, "send", queue);
        if (outgoing.failure != null) {
            return CompletableFuture.failedFuture(outgoing.failure);
        }
        Route route;
        try {
            route = route(DEFAULT_EXCHANGE, queue, queue, false, options, outgoing);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stopWhenDone(outgoing.observation, channels.publish(route.exchange(), route.routingKey(), route.properties(),
                outgoing.body)).thenApply(confirmation -> {
            if (!confirmation.routed()) {
                throw new PublishException(Reason.UNROUTABLE, outgoing.messageId, "No queue named '" + queue
                        + "' exists, so RabbitMQ dropped the message (" + confirmation.returnedReason()
                        + "). Check the name, or start the application that declares @Consumer(queue = \"" + queue + "\")",
                        null);
            }
            listener.published(queue, false, outgoing.messageId, payload);
            return new PublishReceipt(outgoing.messageId, true);
        });
    }

    @Override
    public PublishReceipt publish(String topic, Object event, PublishOptions options) {
        return await(publishAsync(topic, event, options));
    }

    @Override
    public CompletableFuture<PublishReceipt> publishAsync(String topic, Object event, PublishOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(options, "options");
        String routingKey = options.routingKey() != null ? options.routingKey() : topic;
        Outgoing outgoing = encode(event, options, topic, "publish", routingKey);
        if (outgoing.failure != null) {
            return CompletableFuture.failedFuture(outgoing.failure);
        }
        if (!declaredTopics.contains(topic)) {
            try {
                declarer.declareExchange(ExchangeSpec.topic(topic));
            } catch (RuntimeException e) {
                outgoing.observation.error(e);
                outgoing.observation.stop();
                return CompletableFuture.failedFuture(e instanceof WarrenException ? e
                        : new PublishException(Reason.CONNECTION_LOST, outgoing.messageId,
                                "Could not declare the exchange of topic '" + topic + "': " + e.getMessage(), e));
            }
            declaredTopics.add(topic);
        }
        Route route;
        try {
            route = route(topic, routingKey, topic, true, options, outgoing);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stopWhenDone(outgoing.observation, channels.publish(route.exchange(), route.routingKey(), route.properties(),
                outgoing.body))
                .whenComplete((confirmation, failure) -> {
            if (failure != null && String.valueOf(failure.getCause()).contains("NOT_FOUND")) {
                // Someone deleted the exchange while we ran: declare it again on the next publish.
                declaredTopics.remove(topic);
            }
        }).thenApply(confirmation -> {
            listener.published(topic, true, outgoing.messageId, event);
            if (confirmation.routed()) {
                return new PublishReceipt(outgoing.messageId, true);
            }
            if (options.mandatory()) {
                throw new PublishException(Reason.UNROUTABLE, outgoing.messageId, "No group subscribes to topic '" + topic
                        + "' yet, and the publish was mandatory (" + confirmation.returnedReason() + ")", null);
            }
            unroutedEvents.increment();
            log.debug("Event {} on topic {} reached no subscriber group", outgoing.messageId, topic);
            return new PublishReceipt(outgoing.messageId, false);
        });
    }

    /**
     * Starts the {@code warren.publish} observation of one message, which puts the trace context
     * (W3C {@code traceparent} with Boot's tracing) into its headers. The routing key is the one
     * the message is routed with once due, when it is delayed.
     */
    private Observation observe(String destination, String kind, String messageId, String routingKey,
            Map<String, Object> headers) {
        Observation observation = Observation.createNotStarted(WarrenObservation.PUBLISH.getName(), () -> {
            SenderContext<Map<String, Object>> context = new SenderContext<>((carrier, key, value) -> carrier.put(key, value));
            context.setCarrier(headers);
            context.setRemoteServiceName(RABBITMQ);
            return context;
        }, observations)
                .contextualName(destination + " " + kind)
                .lowCardinalityKeyValue(PublishTag.DESTINATION.withValue(destination))
                .lowCardinalityKeyValue(PublishTag.KIND.withValue(kind));
        if (!observation.isNoop()) {
            // Spans only: as low-cardinality keys they would change the timer's tags (see WarrenObservation).
            observation.highCardinalityKeyValues(KeyValues.of(
                    MessagingAttribute.SYSTEM.withValue(RABBITMQ),
                    MessagingAttribute.DESTINATION_NAME.withValue(destination),
                    MessagingAttribute.OPERATION_TYPE.withValue(WarrenObservation.SEND_OPERATION),
                    MessagingAttribute.OPERATION_NAME.withValue(kind),
                    MessagingAttribute.MESSAGE_ID.withValue(messageId),
                    MessagingAttribute.ROUTING_KEY.withValue(routingKey)));
        }
        return observation.start();
    }

    private static <T> CompletableFuture<T> stopWhenDone(Observation observation, CompletableFuture<T> future) {
        return future.whenComplete((result, failure) -> {
            if (failure != null) {
                observation.error(failure);
            }
            observation.stop();
        });
    }

    private Outgoing encode(Object payload, PublishOptions options, String destination, String kind, String routingKey) {
        Objects.requireNonNull(payload, "payload must not be null; send an empty object or record instead");
        Objects.requireNonNull(options, "options");
        String messageId = options.messageId() != null ? options.messageId() : UUID.randomUUID().toString();
        Map<String, Object> headers = new java.util.LinkedHashMap<>(options.headers());
        Observation observation = observe(destination, kind, messageId, routingKey, headers);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(JSON)
                .deliveryMode(PERSISTENT)
                .messageId(messageId)
                .timestamp(new Date())
                .headers(headers.isEmpty() ? null : headers)
                .build();
        try {
            return new Outgoing(messageId, properties, mapper.writeValueAsBytes(payload), null, observation);
        } catch (JacksonException e) {
            PublishException failure = new PublishException(Reason.ENCODING_FAILED, messageId,
                    "Could not encode " + payload.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
            observation.error(failure);
            observation.stop();
            return new Outgoing(messageId, properties, new byte[0], failure, observation);
        }
    }

    private PublishReceipt await(CompletableFuture<PublishReceipt> future) {
        try {
            // The channels time the confirm out themselves; the margin covers a busy confirm thread.
            return future.get(confirmTimeoutMillis + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarrenException("Interrupted while waiting for the broker's confirm; the message may or may not be enqueued", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new WarrenException("Publish failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new WarrenException("No confirm and no timeout from the publisher within " + (confirmTimeoutMillis + 5_000)
                    + " ms; the message may or may not be enqueued", e);
        }
    }

    private record Outgoing(String messageId, AMQP.BasicProperties properties, byte[] body,
            @org.jspecify.annotations.Nullable PublishException failure, Observation observation) {
    }

    private record Route(String exchange, String routingKey, AMQP.BasicProperties properties) {
    }

    /**
     * Where a message goes: straight to its exchange, or, with a delay, into the delay levels with
     * its delay in the routing key and its exchange and routing key in headers, for the
     * {@link DueForwarder} that publishes it once due.
     *
     * @throws RuntimeException when the delay levels cannot be declared, or the queue of a delayed send does not exist
     */
    private Route route(String exchange, String routingKey, String destination, boolean topic,
            PublishOptions options, Outgoing outgoing) {
        java.time.Duration delay = options.delay() == null ? java.time.Duration.ZERO
                : options.delay().remaining(java.time.Clock.systemUTC());
        if (delay.toMillis() < dev.warren.publish.Delay.RESOLUTION_MILLIS / 2) {
            return new Route(exchange, routingKey, outgoing.properties);
        }
        boolean destinationExists;
        try {
            destinationExists = delayedDelivery.prepare(destination, topic);
        } catch (RuntimeException e) {
            delayedDelivery.forget();
            outgoing.observation.error(e);
            outgoing.observation.stop();
            throw e instanceof WarrenException ? (WarrenException) e
                    : new PublishException(Reason.CONNECTION_LOST, outgoing.messageId,
                            "Could not declare the delay queues: " + e.getMessage(), e);
        }
        if (!destinationExists) {
            PublishException failure = new PublishException(Reason.UNROUTABLE, outgoing.messageId, "No queue named '"
                    + destination + "' exists, so the delayed message was not scheduled. Check the name, or start the "
                    + "application that declares @Consumer(queue = \"" + destination + "\")", null);
            outgoing.observation.error(failure);
            outgoing.observation.stop();
            throw failure;
        }
        Map<String, Object> headers = new java.util.LinkedHashMap<>();
        if (outgoing.properties.getHeaders() != null) {
            headers.putAll(outgoing.properties.getHeaders());
        }
        headers.put(WarrenHeaders.DELAY_EXCHANGE, exchange);
        headers.put(WarrenHeaders.DELAY_ROUTING_KEY, routingKey);
        return new Route(DelayedDelivery.ENTRY, DelayedDelivery.routingKey(delay),
                outgoing.properties.builder().headers(headers).build());
    }

    /** Tells the publisher that the engine declared the delay levels with its topology, so the first delayed send need not. */
    public void delayLevelsDeclared() {
        delayedDelivery.declared();
    }
}
