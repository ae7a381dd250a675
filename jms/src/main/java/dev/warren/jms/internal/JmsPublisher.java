package dev.warren.jms.internal;

import dev.warren.Warren;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.jms.JmsException;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.support.destination.DestinationResolver;
import tools.jackson.databind.json.JsonMapper;

/**
 * Warren's publisher over JMS: JSON in a text message, persistent, with Warren's message id and
 * content type as properties. A send returns once the provider has taken the message; JMS has no
 * asynchronous confirms to wait for, so the asynchronous forms complete at once.
 */
public final class JmsPublisher implements Warren, AutoCloseable {

    private final JsonMapper jsonMapper;
    private final CachingConnectionFactory sessions;
    private final JmsTemplate queues;
    private final JmsTemplate topics;

    private final dev.warren.consumer.DeliveryListener listener;

    public JmsPublisher(ConnectionFactory connectionFactory, DestinationResolver destinations, JsonMapper jsonMapper,
            dev.warren.consumer.DeliveryListener listener) {
        this.jsonMapper = jsonMapper;
        this.listener = dev.warren.internal.pipeline.SafeDeliveryListener.of(listener);
        this.sessions = new CachingConnectionFactory(connectionFactory);
        this.sessions.setSessionCacheSize(8);
        this.queues = template(destinations, false);
        this.topics = template(destinations, true);
    }

    private JmsTemplate template(DestinationResolver destinations, boolean pubSub) {
        JmsTemplate template = new JmsTemplate(sessions);
        template.setDestinationResolver(destinations);
        template.setPubSubDomain(pubSub);
        template.setDeliveryPersistent(true);
        template.setExplicitQosEnabled(true);
        template.setDeliveryMode(DeliveryMode.PERSISTENT);
        return template;
    }

    @Override
    public PublishReceipt send(String queue, Object payload, PublishOptions options) {
        return deliver(queues, queue, payload, options);
    }

    @Override
    public CompletableFuture<PublishReceipt> sendAsync(String queue, Object payload, PublishOptions options) {
        return completed(() -> send(queue, payload, options));
    }

    @Override
    public PublishReceipt publish(String topic, Object event, PublishOptions options) {
        return deliver(topics, topic, event, options);
    }

    @Override
    public CompletableFuture<PublishReceipt> publishAsync(String topic, Object event, PublishOptions options) {
        return completed(() -> publish(topic, event, options));
    }

    private PublishReceipt deliver(JmsTemplate template, String destination, Object payload, PublishOptions options) {
        String messageId = options.messageId() != null ? options.messageId() : UUID.randomUUID().toString();
        String json = jsonMapper.writeValueAsString(payload);
        try {
            template.send(destination, session -> {
                Message message = session.createTextMessage(json);
                message.setStringProperty(JmsMessages.MESSAGE_ID, messageId);
                message.setStringProperty(JmsMessages.CONTENT_TYPE, "application/json");
                for (Map.Entry<String, Object> header : options.headers().entrySet()) {
                    message.setObjectProperty(JmsMessages.propertyName(header.getKey()), header.getValue());
                }
                return message;
            });
        } catch (JmsException e) {
            throw new PublishException(PublishException.Reason.CONNECTION_LOST, messageId,
                    "The JMS provider did not take message " + messageId + " for '" + destination + "': " + e.getMessage(), e);
        }
        listener.published(destination, template == topics, messageId, payload);
        return new PublishReceipt(messageId, true);
    }

    private static CompletableFuture<PublishReceipt> completed(java.util.function.Supplier<PublishReceipt> send) {
        try {
            return CompletableFuture.completedFuture(send.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        sessions.destroy();
    }
}
