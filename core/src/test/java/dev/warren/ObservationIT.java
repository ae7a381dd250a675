package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Subscribe;
import dev.warren.publish.PublishOptions;
import dev.warren.test.RabbitBroker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Publishing and processing take part in Micrometer Observation: timers, and trace context carried in the headers. */
class ObservationIT {

    record Job(String id) {
    }

    static final class Worker {
        final List<Object> traceparents = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}")
        void handle(Job job, MessageContext context) {
            traceparents.add(context.headers().get("traceparent"));
        }
    }

    static final class Billing {
        final List<String> messageIds = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "${topic}", group = "billing")
        void on(Job job, MessageContext context) {
            messageIds.add(String.valueOf(context.messageId()));
        }
    }

    /**
     * A real tracer: Micrometer Tracing's handlers on the OpenTelemetry SDK, as Spring Boot wires
     * them, with the W3C propagator; every finished span lands in {@link #spans}.
     */
    static final class OtelTracing implements AutoCloseable {
        final InMemorySpanExporter spans = InMemorySpanExporter.create();
        final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build();

        void register(ObservationRegistry observations) {
            io.opentelemetry.api.trace.Tracer otel = provider.get("warren-it");
            OtelCurrentTraceContext current = new OtelCurrentTraceContext();
            OtelTracer tracer = new OtelTracer(otel, current, event -> { }, new OtelBaggageManager(current, List.of(), List.of()));
            OtelPropagator propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()),
                    otel);
            observations.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                    new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                    new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                    new DefaultTracingObservationHandler(tracer)));
        }

        SpanData span(SpanKind kind, String messageId) {
            return spans.getFinishedSpanItems().stream()
                    .filter(span -> span.getKind() == kind && messageId.equals(attribute(span, "messaging.message.id")))
                    .findFirst().orElseThrow(() -> new AssertionError("No finished " + kind + " span of message " + messageId
                            + " among " + spans.getFinishedSpanItems()));
        }

        boolean finished(SpanKind kind, String messageId) {
            return spans.getFinishedSpanItems().stream()
                    .anyMatch(span -> span.getKind() == kind && messageId.equals(attribute(span, "messaging.message.id")));
        }

        static String attribute(SpanData span, String key) {
            return span.getAttributes().get(AttributeKey.stringKey(key));
        }

        @Override
        public void close() {
            provider.close();
        }
    }

    /** Stands in for a tracer: writes a traceparent when a message is sent and reads it back when one is received. */
    static final class FakeTracing implements ObservationHandler<Observation.Context> {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        @SuppressWarnings("unchecked")
        public void onStart(Observation.Context context) {
            if (context instanceof SenderContext<?> sender) {
                ((SenderContext<Object>) sender).getSetter().set(sender.getCarrier(), "traceparent",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            } else if (context instanceof ReceiverContext<?> receiver) {
                String value = ((ReceiverContext<Object>) receiver).getGetter().get(receiver.getCarrier(), "traceparent");
                if (value != null) {
                    received.add(value);
                }
            }
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    final String queue = RabbitBroker.uniqueName("it.observe");
    final String topic = RabbitBroker.uniqueName("it.observe.topic");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue, "topic", topic));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void theTraceContextTravelsFromThePublisherToTheHandlerAndProcessingIsTimed() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        FakeTracing tracing = new FakeTracing();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(tracing)
                .observationHandler(new DefaultMeterObservationHandler(meters));
        Worker worker = new Worker();
        WarrenEngine engine = broker.build(broker.engine(worker).observationRegistry(observations));
        engine.start();

        for (int i = 0; i < 3; i++) {
            engine.warren().send(queue, new Job("j-" + i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.traceparents.size() == 3);
        assertThat(worker.traceparents).containsOnly("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(tracing.received).hasSize(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.find("warren.process").tag("queue", queue)
                .tag("outcome", "processed").timer() != null
                && meters.find("warren.process").tag("queue", queue).tag("outcome", "processed").timer().count() == 3);
        assertThat(meters.get("warren.publish").tag("destination", queue).tag("kind", "send").timer().count()).isEqualTo(3);
    }

    @Test
    void spansCarryTheOpenTelemetryMessagingAttributesAndTheTimersKeepTheirTags() {
        broker.cleanup.exchange(topic);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        try (OtelTracing tracing = new OtelTracing()) {
            tracing.register(observations);
            observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
            Worker worker = new Worker();
            Billing billing = new Billing();
            WarrenEngine engine = broker.build(broker.engine(worker, billing).observationRegistry(observations));
            engine.start();
            String sentId = RabbitBroker.uniqueName("sent");
            String eventId = RabbitBroker.uniqueName("event");

            engine.warren().send(queue, new Job("j-1"), PublishOptions.builder().messageId(sentId).build());
            engine.warren().publish(topic, new Job("j-2"), PublishOptions.builder().messageId(eventId).routingKey("jobs.eu")
                    .build());

            await().atMost(Duration.ofSeconds(10)).until(() -> tracing.finished(SpanKind.CONSUMER, sentId)
                    && tracing.finished(SpanKind.CONSUMER, eventId));
            assertThat(billing.messageIds).containsExactly(eventId);

            SpanData sent = tracing.span(SpanKind.PRODUCER, sentId);
            assertThat(attributes(sent)).containsAllEntriesOf(Map.of("messaging.system", "rabbitmq",
                    "messaging.destination.name", queue, "messaging.operation.type", "send",
                    "messaging.operation.name", "send", "messaging.rabbitmq.destination.routing_key", queue));
            SpanData processed = tracing.span(SpanKind.CONSUMER, sentId);
            assertThat(attributes(processed)).containsAllEntriesOf(Map.of("messaging.system", "rabbitmq",
                    "messaging.destination.name", queue, "messaging.operation.type", "process",
                    "messaging.rabbitmq.destination.routing_key", queue))
                    .doesNotContainKey("messaging.consumer.group.name");
            assertThat(processed.getTraceId()).isEqualTo(sent.getTraceId());
            assertThat(processed.getParentSpanId()).isEqualTo(sent.getSpanId());

            SpanData published = tracing.span(SpanKind.PRODUCER, eventId);
            assertThat(attributes(published)).containsAllEntriesOf(Map.of("messaging.system", "rabbitmq",
                    "messaging.destination.name", topic, "messaging.operation.type", "send",
                    "messaging.operation.name", "publish", "messaging.rabbitmq.destination.routing_key", "jobs.eu"));
            SpanData delivered = tracing.span(SpanKind.CONSUMER, eventId);
            assertThat(attributes(delivered)).containsAllEntriesOf(Map.of("messaging.system", "rabbitmq",
                    "messaging.destination.name", topic, "messaging.operation.type", "process",
                    "messaging.rabbitmq.destination.routing_key", "jobs.eu", "messaging.consumer.group.name", "billing"));
            assertThat(delivered.getTraceId()).isEqualTo(published.getTraceId());

            // The attributes reach spans only: the timers keep the tags dashboards are built on.
            assertThat(tagKeys(meters.get("warren.process").tag("queue", queue).timer()))
                    .containsExactlyInAnyOrder("queue", "outcome", "error");
            assertThat(tagKeys(meters.get("warren.process").tag("queue", topic + ".billing").timer()))
                    .containsExactlyInAnyOrder("queue", "outcome", "error");
            assertThat(tagKeys(meters.get("warren.publish").tag("destination", topic).timer()))
                    .containsExactlyInAnyOrder("destination", "kind", "error");
            assertThat(meters.getMeters()).allSatisfy(meter -> assertThat(tagKeys(meter)).noneMatch(k -> k.startsWith("messaging.")));
        }
    }

    private static Map<String, String> attributes(SpanData span) {
        return span.getAttributes().asMap().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().getKey(), e -> String.valueOf(e.getValue())));
    }

    private static Set<String> tagKeys(Meter meter) {
        return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
    }
}
