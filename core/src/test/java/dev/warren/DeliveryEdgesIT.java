package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.test.RabbitBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** Deliveries at the edges: a handler the JVM cannot finish, and reasons that quote the body. */
class DeliveryEdgesIT {

    record Node(String name, int depth) {
    }

    static final class TreeWalker {
        final List<String> walked = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 3, backoff = "1s"))
        void walk(Node node) {
            walked.add(node.name() + ":" + descend(node.depth()));
        }

        /** Recurses as deep as the payload says: a hostile depth overflows the stack. */
        private static int descend(int depth) {
            return depth <= 0 ? 0 : 1 + descend(depth - 1);
        }
    }

    final String queue = RabbitBroker.uniqueName("it.edges");
    final String dlq = queue + ".dlq";
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));
    final Logger warrenLogger = (Logger) LoggerFactory.getLogger("dev.warren");
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @AfterEach
    void close() {
        warrenLogger.detachAppender(logs);
        broker.close();
    }

    /**
     * A payload that makes the handler recurse too deeply fails the same way everywhere: it is
     * dead-lettered at once, as a permanent failure with the reason, and the consumer goes on.
     */
    @Test
    void aHandlerThatOverflowsItsStackDeadLettersTheMessageAndTheConsumerGoesOn() {
        TreeWalker walker = new TreeWalker();
        WarrenEngine engine = broker.start(walker);

        engine.warren().send(queue, new Node("hostile", 10_000_000),
                dev.warren.publish.PublishOptions.builder().messageId("deep-1").build());
        engine.warren().send(queue, new Node("after", 3));

        await().atMost(Duration.ofSeconds(15)).until(() -> walker.walked.contains("after:3"));
        Message dead = awaitOne(dlq);
        Map<String, Object> headers = dead.getMessageProperties().getHeaders();
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("deep-1");
        assertThat(headers).containsEntry("x-warren-failure-class", "permanent").containsEntry("x-warren-attempts", 1);
        assertThat(String.valueOf(headers.get("x-exception-message"))).contains("StackOverflowError");
        assertThat(engine.isRunning()).isTrue();
        assertThat(engine.consumerStats().get(queue).deadLettered()).isEqualTo(1);
    }

    /** The README promises no payload in logs above DEBUG; a decoder quotes the token it stumbled on. */
    @Test
    void logsAboveDebugDoNotQuoteTheBodyOfADeadLetter() {
        logs.start();
        warrenLogger.addAppender(logs);
        TreeWalker walker = new TreeWalker();
        broker.start(walker);

        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        properties.setMessageId("quoting-1");
        broker.template.send("", queue, new Message("{\"name\": secret4111111111111111}".getBytes(StandardCharsets.UTF_8),
                properties));

        Message dead = awaitOne(dlq);
        assertThat(String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message")))
                .as("operators still read the whole reason on the dead letter").contains("secret4111111111111111");
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.list.stream()
                .anyMatch(event -> event.getLevel() == Level.WARN && event.getFormattedMessage().contains("quoting-1")));
        assertThat(logs.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage)).noneMatch(line -> line.contains("secret4111111111111111"));
    }

    private Message awaitOne(String queueName) {
        Message[] holder = new Message[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> (holder[0] = broker.template.receive(queueName)) != null);
        return holder[0];
    }
}
