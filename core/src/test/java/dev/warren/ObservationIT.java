package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

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
}
