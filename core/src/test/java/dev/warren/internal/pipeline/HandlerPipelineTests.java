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
