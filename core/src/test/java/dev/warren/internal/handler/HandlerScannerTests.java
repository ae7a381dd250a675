package dev.warren.internal.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.MessageContext;
import dev.warren.WarrenException;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.QueueType;
import dev.warren.annotation.Subscribe;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class HandlerScannerTests {

    record Job(String id) {
    }

    private static final ConsumerSettings DEFAULTS = new ConsumerSettings(2, 20, QueueType.CLASSIC);

    private final HandlerScanner scanner = new HandlerScanner(DEFAULTS, ConsumerCustomizer.NONE, UnaryOperator.identity());

    // --- valid handlers -------------------------------------------------------------------------

    static class Worker {
        final List<Object> received = new ArrayList<>();

        @Consumer(queue = "video.process")
        void process(Job job, MessageContext context) {
            received.add(job);
            received.add(context);
        }

        @Subscribe(topic = "order.placed", group = "email")
        void confirm(MessageContext context, List<Job> jobs) {
            received.add(jobs);
        }

        void notAHandler(Job job) {
        }
    }

    public interface MessageHandler<T> {
        void handle(T message);
    }

    public static class GenericInterfaceWorker implements MessageHandler<Job> {
        @Override
        @Consumer(queue = "jobs")
        public void handle(Job job) {
        }
    }

    @Test
    void handlerImplementingAGenericInterfaceIsFoundOnceWithItsConcretePayloadType() {
        List<HandlerEndpoint> endpoints = scanner.scan(new GenericInterfaceWorker(), GenericInterfaceWorker.class);

        assertThat(endpoints).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.queue()).isEqualTo("jobs");
            assertThat(endpoint.method().payloadType()).isEqualTo(Job.class);
        });
    }

    @Test
    void findsConsumerAndSubscriptionHandlersWithTheirQueues() {
        List<HandlerEndpoint> endpoints = scanner.scan(new Worker(), Worker.class);

        assertThat(endpoints).extracting(HandlerEndpoint::queue).containsExactlyInAnyOrder("video.process", "order.placed.email");
        HandlerEndpoint consumer = endpoint(endpoints, "video.process");
        assertThat(consumer.consumerName()).isEqualTo("video.process");
        assertThat(consumer.topic()).isNull();
        assertThat(consumer.group()).isNull();
        assertThat(consumer.method().describe()).isEqualTo("Worker.process");
        assertThat(consumer.method().payloadType()).isEqualTo(Job.class);

        HandlerEndpoint subscription = endpoint(endpoints, "order.placed.email");
        assertThat(subscription.consumerName()).isEqualTo("order.placed.email");
        assertThat(subscription.topic()).isEqualTo("order.placed");
        assertThat(subscription.group()).isEqualTo("email");
        assertThat(subscription.method().describe()).isEqualTo("Worker.confirm");
        assertThat(subscription.method().payloadType()).isInstanceOfSatisfying(ParameterizedType.class,
                type -> {
                    assertThat(type.getRawType()).isEqualTo(List.class);
                    assertThat(type.getActualTypeArguments()).containsExactly(Job.class);
                });
    }

    @Test
    void boundMethodPassesPayloadAndContextInDeclaredOrder() throws Throwable {
        Worker worker = new Worker();
        HandlerEndpoint subscription = endpoint(scanner.scan(worker, Worker.class), "order.placed.email");
        HandlerEndpoint consumer = endpoint(scanner.scan(worker, Worker.class), "video.process");
        MessageContext context = new TestContext();

        consumer.method().invoke(new Job("v-1"), context);
        subscription.method().invoke(List.of(new Job("v-2")), context);

        assertThat(worker.received).containsExactly(new Job("v-1"), context, List.of(new Job("v-2")));
    }

    static class Throwing {
        @Consumer(queue = "q")
        void process(Job job) throws Exception {
            throw new java.io.IOException("disk full");
        }
    }

    @Test
    void invokeRethrowsTheHandlersOwnException() {
        HandlerEndpoint endpoint = scanner.scan(new Throwing(), Throwing.class).get(0);

        assertThatThrownBy(() -> endpoint.method().invoke(new Job("x"), new TestContext()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("disk full");
    }

    static class Inherited extends Worker {
        @Consumer(queue = "child.queue")
        void child(Job job) {
        }
    }

    @Test
    void scansHandlersDeclaredInSuperclasses() {
        assertThat(scanner.scan(new Inherited(), Inherited.class)).extracting(HandlerEndpoint::queue)
                .containsExactlyInAnyOrder("child.queue", "video.process", "order.placed.email");
    }

    static class NoHandlers {
        void process(Job job) {
        }
    }

    @Test
    void classWithoutAnnotationsHasNoEndpoints() {
        assertThat(scanner.scan(new NoHandlers(), NoHandlers.class)).isEmpty();
    }

    // --- settings ---------------------------------------------------------------------------------

    static class Defaults {
        @Consumer(queue = "q.defaults", concurrency = 0, prefetch = 0, queueType = QueueType.DEFAULT)
        void consume(Job job) {
        }

        @Subscribe(topic = "t", group = "defaults")
        void subscribe(Job job) {
        }
    }

    @Test
    void zeroAndDefaultQueueTypeKeepTheDefaults() {
        List<HandlerEndpoint> endpoints = scanner.scan(new Defaults(), Defaults.class);

        assertThat(endpoints).extracting(HandlerEndpoint::settings).containsOnly(DEFAULTS);
    }

    static class Overrides {
        @Consumer(queue = "q.overrides", concurrency = 5, prefetch = 1, queueType = QueueType.QUORUM)
        void consume(Job job) {
        }

        @Subscribe(topic = "t", group = "overrides", concurrency = 3, prefetch = 7, queueType = QueueType.QUORUM)
        void subscribe(Job job) {
        }

        @Consumer(queue = "q.partial", prefetch = 4)
        void partial(Job job) {
        }
    }

    @Test
    void annotationValuesOverrideTheDefaults() {
        List<HandlerEndpoint> endpoints = scanner.scan(new Overrides(), Overrides.class);

        assertThat(endpoint(endpoints, "q.overrides").settings()).isEqualTo(new ConsumerSettings(5, 1, QueueType.QUORUM));
        assertThat(endpoint(endpoints, "t.overrides").settings()).isEqualTo(new ConsumerSettings(3, 7, QueueType.QUORUM));
        assertThat(endpoint(endpoints, "q.partial").settings()).isEqualTo(new ConsumerSettings(2, 4, QueueType.CLASSIC));
    }

    static class NegativeConcurrency {
        @Consumer(queue = "q", concurrency = -1)
        void process(Job job) {
        }
    }

    @Test
    void negativeConcurrencyIsRejectedNamingTheMethod() {
        assertThatThrownBy(() -> scanner.scan(new NegativeConcurrency(), NegativeConcurrency.class))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining(NegativeConcurrency.class.getName() + ".process")
                .hasMessageContaining("invalid settings")
                .hasMessageContaining("concurrency must be >= 1 but was -1");
    }

    static class NegativePrefetch {
        @Subscribe(topic = "t", group = "g", prefetch = -5)
        void onEvent(Job job) {
        }
    }

    @Test
    void negativePrefetchIsRejectedNamingTheMethod() {
        assertThatThrownBy(() -> scanner.scan(new NegativePrefetch(), NegativePrefetch.class))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining(NegativePrefetch.class.getName() + ".onEvent")
                .hasMessageContaining("prefetch must be between 1 and 65535 but was -5");
    }

    @Test
    void customizerHasTheLastWordAndSeesTheConsumerName() {
        Map<String, ConsumerSettings> seen = new java.util.LinkedHashMap<>();
        ConsumerCustomizer customizer = (name, settings) -> {
            seen.put(name, settings);
            return name.equals("q.overrides") ? new ConsumerSettings(9, settings.prefetch(), QueueType.CLASSIC) : settings;
        };
        HandlerScanner customized = new HandlerScanner(DEFAULTS, customizer, UnaryOperator.identity());

        List<HandlerEndpoint> endpoints = customized.scan(new Overrides(), Overrides.class);

        assertThat(seen).containsOnlyKeys("q.overrides", "t.overrides", "q.partial");
        assertThat(seen.get("q.overrides")).isEqualTo(new ConsumerSettings(5, 1, QueueType.QUORUM));
        assertThat(endpoint(endpoints, "q.overrides").settings()).isEqualTo(new ConsumerSettings(9, 1, QueueType.CLASSIC));
        assertThat(endpoint(endpoints, "t.overrides").settings()).isEqualTo(new ConsumerSettings(3, 7, QueueType.QUORUM));
    }

    @Test
    void customizerRejectingSettingsFailsNamingTheMethod() {
        HandlerScanner customized = new HandlerScanner(DEFAULTS,
                (name, settings) -> new ConsumerSettings(settings.concurrency(), 0, settings.queueType()),
                UnaryOperator.identity());

        assertThatThrownBy(() -> customized.scan(new Defaults(), Defaults.class))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining(Defaults.class.getName() + ".")
                .hasMessageContaining("prefetch must be between 1 and 65535 but was 0");
    }

    // --- name resolution ---------------------------------------------------------------------------

    static class Placeholders {
        @Consumer(queue = "${queue}")
        void consume(Job job) {
        }

        @Subscribe(topic = "${topic}", group = "${group}")
        void subscribe(Job job) {
        }
    }

    @Test
    void nameResolverIsAppliedToQueueTopicAndGroup() {
        Map<String, String> names = Map.of("${queue}", "video.process.prod", "${topic}", "order.placed.prod",
                "${group}", "email-prod");
        HandlerScanner resolving = new HandlerScanner(DEFAULTS, ConsumerCustomizer.NONE, v -> names.getOrDefault(v, v));

        List<HandlerEndpoint> endpoints = resolving.scan(new Placeholders(), Placeholders.class);

        HandlerEndpoint consumer = endpoint(endpoints, "video.process.prod");
        assertThat(consumer.consumerName()).isEqualTo("video.process.prod");
        HandlerEndpoint subscription = endpoint(endpoints, "order.placed.prod.email-prod");
        assertThat(subscription.topic()).isEqualTo("order.placed.prod");
        assertThat(subscription.group()).isEqualTo("email-prod");
    }

    @Test
    void customizerSeesTheResolvedName() {
        List<String> names = new ArrayList<>();
        HandlerScanner resolving = new HandlerScanner(DEFAULTS, (name, settings) -> {
            names.add(name);
            return settings;
        }, v -> v.replace("${queue}", "q1").replace("${topic}", "t1").replace("${group}", "g1"));

        resolving.scan(new Placeholders(), Placeholders.class);

        assertThat(names).containsExactlyInAnyOrder("q1", "t1.g1");
    }

    @Test
    void nameResolvingToBlankIsRejectedShowingBothValues() {
        HandlerScanner resolving = new HandlerScanner(DEFAULTS, ConsumerCustomizer.NONE, v -> v.equals("${queue}") ? " " : v);

        assertThatThrownBy(() -> resolving.scan(new Placeholders(), Placeholders.class))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining(Placeholders.class.getName() + ".consume")
                .hasMessageContaining("blank @Consumer(queue)")
                .hasMessageContaining("'${queue}' resolved to ' '");
    }

    // --- signature errors ---------------------------------------------------------------------------

    static class NoPayload {
        @Consumer(queue = "q")
        void process(MessageContext context) {
        }
    }

    static class NoParameters {
        @Consumer(queue = "q")
        void process() {
        }
    }

    @Test
    void handlerWithoutPayloadIsRejected() {
        assertInvalid(new NoPayload(), "process", "takes no payload parameter");
        assertInvalid(new NoParameters(), "process", "takes no payload parameter");
    }

    static class TwoPayloads {
        @Consumer(queue = "q")
        void process(Job job, String extra) {
        }
    }

    @Test
    void handlerWithTwoPayloadsIsRejectedNamingBothTypes() {
        assertInvalid(new TwoPayloads(), "process", "takes two payload parameters (Job and String)");
    }

    static class ContextTwice {
        @Subscribe(topic = "t", group = "g")
        void onEvent(MessageContext first, Job job, MessageContext second) {
        }
    }

    @Test
    void handlerTakingMessageContextTwiceIsRejected() {
        assertInvalid(new ContextTwice(), "onEvent", "takes MessageContext twice");
    }

    static class ObjectPayload {
        @Consumer(queue = "q")
        void process(Object payload) {
        }
    }

    @Test
    void payloadDeclaredAsObjectIsRejected() {
        assertInvalid(new ObjectPayload(), "process", "takes its payload as Object");
    }

    static class StaticHandler {
        @Consumer(queue = "q")
        static void process(Job job) {
        }
    }

    @Test
    void staticHandlerIsRejected() {
        assertInvalid(new StaticHandler(), "process", "is static");
    }

    static class AsyncHandler {
        @Consumer(queue = "q")
        CompletableFuture<Void> process(Job job) {
            return CompletableFuture.completedFuture(null);
        }
    }

    static class StageHandler {
        @Subscribe(topic = "t", group = "g")
        java.util.concurrent.CompletionStage<Void> process(Job job) {
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void handlerReturningAFutureIsRejected() {
        assertInvalid(new AsyncHandler(), "process", "returns CompletableFuture");
        assertInvalid(new StageHandler(), "process", "returns CompletionStage");
    }

    static class BothAnnotations {
        @Consumer(queue = "q")
        @Subscribe(topic = "t", group = "g")
        void process(Job job) {
        }
    }

    @Test
    void methodWithBothAnnotationsIsRejected() {
        assertInvalid(new BothAnnotations(), "process", "has both @Consumer and @Subscribe");
    }

    static class BlankQueue {
        @Consumer(queue = "  ")
        void process(Job job) {
        }
    }

    static class EmptyQueue {
        @Consumer(queue = "")
        void process(Job job) {
        }
    }

    @Test
    void blankQueueIsRejected() {
        assertInvalid(new BlankQueue(), "process", "has a blank @Consumer(queue)");
        assertInvalid(new EmptyQueue(), "process", "has a blank @Consumer(queue)");
    }

    static class BlankTopic {
        @Subscribe(topic = " ", group = "g")
        void onEvent(Job job) {
        }
    }

    static class BlankGroup {
        @Subscribe(topic = "t", group = "")
        void onEvent(Job job) {
        }
    }

    @Test
    void blankTopicOrGroupIsRejected() {
        assertInvalid(new BlankTopic(), "onEvent", "has a blank @Subscribe(topic)");
        assertInvalid(new BlankGroup(), "onEvent", "has a blank @Subscribe(group)");
    }

    private void assertInvalid(Object bean, String method, String problem) {
        assertThatThrownBy(() -> scanner.scan(bean, bean.getClass()))
                .isInstanceOf(WarrenException.class)
                .hasMessageStartingWith("Handler " + bean.getClass().getName() + "." + method + " ")
                .hasMessageContaining(problem);
    }

    private static HandlerEndpoint endpoint(List<HandlerEndpoint> endpoints, String queue) {
        return endpoints.stream().filter(e -> e.queue().equals(queue)).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint for queue " + queue + " in " + endpoints));
    }

    private record TestContext() implements MessageContext {
        @Override
        public String messageId() {
            return "m-1";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public boolean redelivered() {
            return false;
        }

        @Override
        public String queue() {
            return "q";
        }

        @Override
        public Map<String, Object> headers() {
            return Map.of();
        }
    }
}
