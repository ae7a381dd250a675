package dev.warren;

import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * A connection to the real broker for one test, with cleanup of what the test declared. Handler
 * annotations name queues as {@code ${key}}; the fixture maps each key to a unique name.
 */
final class BrokerFixture implements AutoCloseable {

    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
    final RabbitTemplate template = new RabbitTemplate(connectionFactory);
    private final Map<String, String> names;
    private final List<WarrenEngine> engines = new ArrayList<>();

    /** @param names placeholder key to unique name, e.g. {@code "queue" -> "it.video.1a2b3c4d"} */
    BrokerFixture(Map<String, String> names) {
        this.names = Map.copyOf(names);
    }

    WarrenEngine.Builder engine(Object... handlers) {
        return WarrenEngine.builder(connectionFactory).handlers(handlers).nameResolver(this::resolve);
    }

    /** Builds an engine whose queues are deleted when the fixture closes. */
    WarrenEngine build(WarrenEngine.Builder builder) {
        WarrenEngine engine = builder.build();
        engines.add(engine);
        return engine;
    }

    WarrenEngine start(Object... handlers) {
        WarrenEngine engine = build(engine(handlers));
        engine.start();
        return engine;
    }

    String resolve(String value) {
        String resolved = value;
        for (Map.Entry<String, String> name : names.entrySet()) {
            resolved = resolved.replace("${" + name.getKey() + "}", name.getValue());
        }
        return resolved;
    }

    /** Takes every message currently in a queue, without waiting. */
    List<Message> drain(String queue) {
        List<Message> messages = new ArrayList<>();
        for (Message m = template.receive(queue); m != null; m = template.receive(queue)) {
            messages.add(m);
        }
        return messages;
    }

    @Override
    public void close() {
        for (WarrenEngine engine : engines) {
            engine.close();
            cleanup.queues(engine.topology().queues().stream().map(dev.warren.topology.QueueSpec::name).toList());
        }
        cleanup.close();
        connectionFactory.destroy();
    }
}
