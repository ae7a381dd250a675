package dev.warren.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Subscribe;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.handler.HandlerScanner;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

class HandlerPipelineTests {

    private static final ConsumerSettings NO_RETRIES = ConsumerSettings.DEFAULTS
            .withRetry(dev.warren.retry.RetryPolicy.builder().maxAttempts(1).build());

    record Item(String sku, int quantity) {
    }

    record Order(String id, List<Item> items) {
    }

    static class OrderHandler {
        final List<Order> orders = new ArrayList<>();
        final List<MessageContext> contexts = new ArrayList<>();

        @Consumer(queue = "orders")
        void process(Order order, MessageContext context) {
            orders.add(order);
            contexts.add(context);
        }
    }

    static class ItemsHandler {
        final List<List<Item>> received = new ArrayList<>();

        @Subscribe(topic = "items", group = "stock")
        void onItems(List<Item> items) {
            received.add(items);
        }
    }

    static class FailingHandler {
        RuntimeException failure = new IllegalStateException("stock service down");

        @Consumer(queue = "failing")
        void charge(Item item) {
            throw failure;
        }
    }

    static class InterruptedHandler {
        @Consumer(queue = "interrupted")
        void process(Item item) throws InterruptedException {
            throw new InterruptedException("shutting down");
        }
    }

    static class LimitedHandler {
        @Consumer(queue = "limited", rateLimit = "2/s")
        void process(Item item) {
        }
    }

    private static final JsonMapper DEFAULT_MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void goodBodyIsDecodedHandledAndAcknowledged() {
        OrderHandler handler = new OrderHandler();
        HandlerPipeline pipeline = pipeline(handler, DEFAULT_MAPPER);

        Outcome outcome = pipeline.process(message("orders",
                "{\"id\":\"o-1\",\"items\":[{\"sku\":\"A\",\"quantity\":2},{\"sku\":\"B\",\"quantity\":1}]}",
                Map.of("x-warren-attempts", 1, "tenant", "acme")));

        assertThat(outcome).isInstanceOf(Outcome.Acknowledge.class).isSameAs(Outcome.ACKNOWLEDGE);
        assertThat(handler.orders).containsExactly(new Order("o-1", List.of(new Item("A", 2), new Item("B", 1))));
        assertThat(handler.orders.get(0).items().get(0)).isInstanceOf(Item.class);
        MessageContext context = handler.contexts.get(0);
        assertThat(context.messageId()).isEqualTo("m-1");
        assertThat(context.queue()).isEqualTo("orders");
        assertThat(context.attempt()).isEqualTo(2);
        assertThat(context.redelivered()).isFalse();
        assertThat(context.headers()).containsEntry("tenant", "acme");
        assertThatThrownBy(() -> context.headers().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void genericListPayloadDecodesIntoItsElementType() {
        ItemsHandler handler = new ItemsHandler();
        HandlerPipeline pipeline = pipeline(handler, DEFAULT_MAPPER);

        Outcome outcome = pipeline.process(message("items.stock", "[{\"sku\":\"A\",\"quantity\":3}]", Map.of()));

        assertThat(outcome).isSameAs(Outcome.ACKNOWLEDGE);
        assertThat(handler.received).containsExactly(List.of(new Item("A", 3)));
        assertThat(handler.received.get(0).get(0)).isInstanceOf(Item.class);
    }

    @Test
    void handlerExceptionDeadLettersNamingTheMethodAndException() {
        FailingHandler handler = new FailingHandler();
        HandlerPipeline pipeline = pipeline(handler, DEFAULT_MAPPER);

        Outcome outcome = pipeline.process(message("failing", "{\"sku\":\"A\",\"quantity\":1}",
                Map.of("x-warren-attempts", 2)));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, deadLetter -> {
            assertThat(deadLetter.reason()).isEqualTo("FailingHandler.charge threw IllegalStateException: stock service down");
            assertThat(deadLetter.cause()).isSameAs(handler.failure);
            assertThat(deadLetter.attempts()).isEqualTo(3);
        });
    }

    @Test
    void handlerExceptionWithoutMessageDeadLettersWithItsType() {
        FailingHandler handler = new FailingHandler();
        handler.failure = new UnsupportedOperationException();

        Outcome outcome = pipeline(handler, DEFAULT_MAPPER).process(message("failing", "{\"sku\":\"A\",\"quantity\":1}", Map.of()));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, deadLetter -> {
            assertThat(deadLetter.reason()).isEqualTo("FailingHandler.charge threw UnsupportedOperationException");
            assertThat(deadLetter.attempts()).isEqualTo(1);
        });
    }

    @Test
    void interruptedHandlerDeadLettersAndKeepsTheInterruptFlag() {
        Outcome outcome = pipeline(new InterruptedHandler(), DEFAULT_MAPPER)
                .process(message("interrupted", "{\"sku\":\"A\",\"quantity\":1}", Map.of()));

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, deadLetter ->
                assertThat(deadLetter.reason()).isEqualTo("InterruptedHandler.process threw InterruptedException: shutting down"));
    }

    @Test
    void invalidJsonDeadLettersAsUndecodableWithoutCallingTheHandler() {
        OrderHandler handler = new OrderHandler();

        Outcome outcome = pipeline(handler, DEFAULT_MAPPER).process(message("orders", "{not json", Map.of()));

        assertThat(handler.orders).isEmpty();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, deadLetter -> {
            assertThat(deadLetter.reason())
                    .contains("does not decode")
                    .contains(Order.class.getName())
                    .contains("application/json")
                    .contains("9 bytes");
            assertThat(deadLetter.cause()).isInstanceOf(UndecodableMessageException.class);
            assertThat(deadLetter.attempts()).isEqualTo(1);
        });
    }

    @Test
    void jsonOfTheWrongShapeDeadLetters() {
        OrderHandler handler = new OrderHandler();

        Outcome outcome = pipeline(handler, DEFAULT_MAPPER).process(message("orders", "[1,2,3]", Map.of()));

        assertThat(handler.orders).isEmpty();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class,
                deadLetter -> assertThat(deadLetter.reason()).contains("does not decode"));
    }

    @Test
    void emptyBodyDeadLetters() {
        OrderHandler handler = new OrderHandler();

        Outcome outcome = pipeline(handler, DEFAULT_MAPPER).process(message("orders", "", Map.of()));

        assertThat(handler.orders).isEmpty();
        assertThat(outcome).isInstanceOf(Outcome.DeadLetter.class);
    }

    @Test
    void jsonNullDeadLettersWithoutCallingTheHandler() {
        OrderHandler handler = new OrderHandler();

        Outcome outcome = pipeline(handler, DEFAULT_MAPPER).process(message("orders", "null", Map.of()));

        assertThat(handler.orders).isEmpty();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, deadLetter -> {
            assertThat(deadLetter.reason()).contains("decodes to null").contains(Order.class.getName());
            assertThat(deadLetter.cause()).isInstanceOf(UndecodableMessageException.class);
        });
    }

    @Test
    void unknownPropertiesAreIgnoredWithTheEngineDefaultMapper() {
        OrderHandler handler = new OrderHandler();

        Outcome outcome = pipeline(handler, DEFAULT_MAPPER).process(message("orders",
                "{\"id\":\"o-2\",\"addedLater\":true,\"items\":[{\"sku\":\"A\",\"quantity\":1,\"color\":\"red\"}]}", Map.of()));

        assertThat(outcome).isSameAs(Outcome.ACKNOWLEDGE);
        assertThat(handler.orders).containsExactly(new Order("o-2", List.of(new Item("A", 1))));
    }

    @Test
    void unknownPropertiesDeadLetterWithAStrictMapper() {
        OrderHandler handler = new OrderHandler();
        JsonMapper strict = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

        Outcome outcome = pipeline(handler, strict).process(message("orders", "{\"id\":\"o-3\",\"addedLater\":true}", Map.of()));

        assertThat(handler.orders).isEmpty();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class,
                deadLetter -> assertThat(deadLetter.reason()).contains("does not decode").contains("addedLater"));
    }

    @Test
    void decoderUsesTheHandlersDeclaredTypeNotHeaders() {
        ItemsHandler handler = new ItemsHandler();
        HandlerEndpoint endpoint = endpoint(handler);
        PayloadDecoder decoder = new PayloadDecoder(DEFAULT_MAPPER, endpoint.method().payloadType());

        Object decoded = decoder.decode(message("items.stock", "[{\"sku\":\"Z\",\"quantity\":9}]",
                Map.of("__TypeId__", "java.lang.String")));

        assertThat(decoded).isEqualTo(List.of(new Item("Z", 9)));
    }

    /** JMS names itself in traces, and its deliveries, which have no routing key, get no routing key attribute. */
    @Test
    void aJmsDeliveryIsObservedAsJmsWithoutARoutingKey() {
        List<Observation.Context> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        HandlerPipeline pipeline = new HandlerPipeline(endpoint(new OrderHandler()), DEFAULT_MAPPER, PayloadValidator.NONE,
                new dev.warren.idempotency.InMemoryIdempotencyStore(100, java.time.Clock.systemUTC()), new java.util.Random(1),
                null, null, observations, dev.warren.consumer.DeliveryListener.NONE, "jms");

        pipeline.process(message("orders", "{\"id\":\"o-1\",\"items\":[]}", Map.of()));

        assertThat(stopped).singleElement().satisfies(context -> {
            assertThat(context.getHighCardinalityKeyValues().stream()
                    .collect(java.util.stream.Collectors.toMap(KeyValue::getKey, KeyValue::getValue)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("messaging.system", "jms", "messaging.destination.name", "orders",
                            "messaging.operation.type", "process", "messaging.operation.name", "process",
                            "messaging.message.id", "m-1"));
            assertThat(context.getLowCardinalityKeyValues().stream().map(KeyValue::getKey))
                    .containsExactlyInAnyOrder("queue", "outcome");
        });
    }

    /**
     * Six consumers at once against two permits a second: the last two find the next period's
     * permits reserved too. Each must wait for a later permit, never give up on its delivery.
     */
    @Test
    void everyConsumerGetsAPermitWhenMoreWaitThanAPeriodAllows() throws Exception {
        HandlerEndpoint endpoint = endpoint(new LimitedHandler());
        HandlerPipeline pipeline = new HandlerPipeline(endpoint, DEFAULT_MAPPER, PayloadValidator.NONE,
                new dev.warren.idempotency.InMemoryIdempotencyStore(100, java.time.Clock.systemUTC()), new java.util.Random(1),
                null, HandlerPipeline.rateLimiter(endpoint), io.micrometer.observation.ObservationRegistry.NOOP);
        java.util.concurrent.ExecutorService consumers = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> permits = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                permits.add(consumers.submit(() -> {
                    start.await();
                    return pipeline.awaitPermit(() -> true);
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<Boolean> permit : permits) {
                assertThat(permit.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            consumers.shutdownNow();
        }
    }

    static class PermanentlyFailingHandler {
        @Consumer(queue = "refusing", rateLimit = "1/m")
        void charge(Item item) {
            if (item.quantity() < 0) {
                throw new dev.warren.failure.PermanentFailureException("negative quantity");
            }
        }
    }

    /** Settles by recording; a copy can be made to fail as a closed channel or session would. */
    static final class RecordingSettlement implements Settlement {
        final List<String> calls = new ArrayList<>();
        RuntimeException copyFailure;

        @Override
        public boolean acknowledge() {
            calls.add("acknowledge");
            return true;
        }

        @Override
        public java.util.concurrent.CompletionStage<Copy> retryLater(Outcome.Retry retry) {
            calls.add("retry");
            return copied();
        }

        @Override
        public java.util.concurrent.CompletionStage<Copy> deadLetter(Outcome.DeadLetter deadLetter) {
            calls.add("dead-letter");
            return copied();
        }

        private java.util.concurrent.CompletionStage<Copy> copied() {
            if (copyFailure != null) {
                throw copyFailure;
            }
            return java.util.concurrent.CompletableFuture.completedFuture(Copy.MADE);
        }

        @Override
        public void handBack() {
            calls.add("hand back");
        }
    }

    private static HandlerPipeline guardedPipeline(io.github.resilience4j.circuitbreaker.CircuitBreaker breaker) {
        HandlerEndpoint endpoint = endpoint(new PermanentlyFailingHandler());
        return new HandlerPipeline(endpoint, DEFAULT_MAPPER, PayloadValidator.NONE,
                new dev.warren.idempotency.InMemoryIdempotencyStore(100, java.time.Clock.systemUTC()), new java.util.Random(1),
                breaker, HandlerPipeline.rateLimiter(endpoint), io.micrometer.observation.ObservationRegistry.NOOP);
    }

    private static io.github.resilience4j.circuitbreaker.CircuitBreaker halfOpenBreaker(int trialCalls) {
        io.github.resilience4j.circuitbreaker.CircuitBreaker breaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
                "trial", io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                        .permittedNumberOfCallsInHalfOpenState(trialCalls).build());
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        return breaker;
    }

    /**
     * A transport whose copy fails (a closed channel, a JMS send that throws) after the breaker
     * admitted the delivery: the trial permit comes back, or a half-open breaker would wait forever.
     */
    @Test
    void theBreakerPermitComesBackWhenTheTransportCannotSettle() {
        io.github.resilience4j.circuitbreaker.CircuitBreaker breaker = halfOpenBreaker(1);
        RecordingSettlement settlement = new RecordingSettlement();
        settlement.copyFailure = new IllegalStateException("session closed");

        assertThatThrownBy(() -> guardedPipeline(breaker).deliver(message("refusing", "{\"sku\":\"A\",\"quantity\":-1}",
                Map.of()), settlement, () -> true)).hasMessage("session closed");

        assertThat(settlement.calls).containsExactly("dead-letter");
        assertThat(breaker.tryAcquirePermission()).as("the trial permit is free again").isTrue();
    }

    /** A consumer stopping while it waits for the rate limiter hands the delivery back, and the breaker's permit with it. */
    @Test
    void aDeliveryHandedBackWhileWaitingForARatePermitGivesTheBreakerPermitBack() {
        io.github.resilience4j.circuitbreaker.CircuitBreaker breaker = halfOpenBreaker(2);
        HandlerPipeline pipeline = guardedPipeline(breaker);
        RecordingSettlement first = new RecordingSettlement();
        RecordingSettlement second = new RecordingSettlement();

        pipeline.deliver(message("refusing", "{\"sku\":\"A\",\"quantity\":1}", Map.of()), first, () -> true);
        pipeline.deliver(message("refusing", "{\"sku\":\"B\",\"quantity\":1}", Map.of()), second, () -> false);

        assertThat(first.calls).containsExactly("acknowledge");
        assertThat(second.calls).containsExactly("hand back");
        assertThat(breaker.tryAcquirePermission()).as("the second trial permit is free again").isTrue();
        assertThat(pipeline.stats().snapshot().processed()).isEqualTo(1);
    }

    private static HandlerPipeline pipeline(Object handler, JsonMapper mapper) {
        HandlerEndpoint endpoint = endpoint(handler);
        return new HandlerPipeline(endpoint, mapper, PayloadValidator.NONE,
                new dev.warren.idempotency.InMemoryIdempotencyStore(100, java.time.Clock.systemUTC()), new java.util.Random(1));
    }

    private static HandlerEndpoint endpoint(Object handler) {
        // No retries: every failure here is the handler's last attempt.
        List<HandlerEndpoint> endpoints = new HandlerScanner(NO_RETRIES, ConsumerCustomizer.NONE,
                UnaryOperator.identity()).scan(handler, handler.getClass());
        assertThat(endpoints).hasSize(1);
        return endpoints.get(0);
    }

    private static InboundMessage message(String queue, String body, Map<String, Object> headers) {
        return new InboundMessage(queue, body.getBytes(StandardCharsets.UTF_8), "application/json", "m-1", false, headers);
    }
}
