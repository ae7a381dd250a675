package dev.warren.jms.internal;

import dev.warren.internal.WarrenHeaders;
import dev.warren.annotation.Delivery;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.pipeline.HandlerPipeline;
import dev.warren.internal.pipeline.InboundMessage;
import dev.warren.internal.pipeline.Outcome;
import dev.warren.internal.pipeline.PausableConsumer;
import dev.warren.internal.pipeline.Settlement;
import dev.warren.topology.QueueSpec;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.support.JmsUtils;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;
import org.springframework.jms.support.destination.DestinationResolver;

/**
 * One handler's consumer on a JMS provider: Spring's {@link DefaultMessageListenerContainer} with
 * transacted sessions, so that a message is acknowledged only when the handler has returned, and
 * a retry or dead-letter copy is sent in the same transaction as that acknowledgement: the copy
 * and the acknowledgement happen together or not at all.
 *
 * <p>A {@code @Consumer} reads its queue. A {@code @Subscribe} reads a shared durable subscription
 * to its topic, named after the topic and group, and also the group's inbox queue, where its
 * retried and replayed copies come back, so that they reach that group alone.
 */
public final class JmsConsumer implements SessionAwareMessageListener<Message>, PausableConsumer {

    private static final Logger log = LoggerFactory.getLogger(JmsConsumer.class);

    /** How often a stopping consumer notices; also the longest a stop waits for a receive. */
    private static final long RECEIVE_TIMEOUT_MILLIS = 500;

    private final HandlerPipeline pipeline;
    private final Retries retries;
    private final DestinationResolver destinations;
    private final List<DefaultMessageListenerContainer> containers = new ArrayList<>();
    private final boolean ackFirst;
    private volatile boolean running;
    /** Set by {@link #stop()} and {@link #close()}: a breaker transition applied afterwards must not start the containers again. */
    private volatile boolean stopped = true;

    public JmsConsumer(ConnectionFactory connectionFactory, DestinationResolver destinations, HandlerPipeline pipeline,
            Retries retries) {
        this.pipeline = pipeline;
        this.retries = retries;
        this.destinations = destinations;
        HandlerEndpoint endpoint = pipeline.endpoint();
        this.ackFirst = endpoint.settings().delivery() == Delivery.AT_MOST_ONCE;
        if (endpoint.topic() != null) {
            DefaultMessageListenerContainer subscription = container(connectionFactory, endpoint.topic());
            subscription.setPubSubDomain(true);
            subscription.setSubscriptionDurable(true);
            subscription.setSubscriptionShared(true);
            subscription.setSubscriptionName(subscriptionName(endpoint.topic(), endpoint.group()));
            containers.add(subscription);
        }
        containers.add(container(connectionFactory, inbox(endpoint)));
        containers.forEach(DefaultMessageListenerContainer::afterPropertiesSet);
    }

    /**
     * The queue a handler reads besides its subscription, if any: a {@code @Consumer}'s own queue;
     * for a {@code @Subscribe}, {@code <topic>.<group>.inbox}, where its retried and replayed copies
     * come back. Retry copies return to it and dead letters name it as their original queue.
     */
    public static String inbox(HandlerEndpoint endpoint) {
        return endpoint.topic() == null ? endpoint.queue() : endpoint.queue() + ".inbox";
    }

    /** The shared durable subscription of a group: unique per topic, since JMS names subscriptions without their topic. */
    public static String subscriptionName(String topic, String group) {
        return topic + "." + group;
    }

    private DefaultMessageListenerContainer container(ConnectionFactory connectionFactory, String destination) {
        DefaultMessageListenerContainer container = new DefaultMessageListenerContainer();
        container.setConnectionFactory(connectionFactory);
        container.setDestinationResolver(destinations);
        container.setDestinationName(destination);
        container.setSessionTransacted(true);
        container.setConcurrentConsumers(pipeline.endpoint().settings().concurrency());
        container.setMaxConcurrentConsumers(pipeline.endpoint().settings().concurrency());
        container.setReceiveTimeout(RECEIVE_TIMEOUT_MILLIS);
        container.setMessageListener(this);
        container.setBeanName("warren-" + destination);
        container.setAutoStartup(false);
        // A rollback is how a paused or stopping consumer hands a message back; it is not an error.
        container.setErrorHandler(e -> {
            if (!(e instanceof HandBack)) {
                log.warn("Consumer of queue {} failed; the provider delivers the message again", queue(), e);
            }
        });
        return container;
    }

    @Override
    public String queue() {
        return pipeline.endpoint().queue();
    }

    public HandlerPipeline pipeline() {
        return pipeline;
    }

    public void start() {
        stopped = false;
        running = true;
        containers.forEach(DefaultMessageListenerContainer::start);
    }

    public void stop() {
        stopped = true;
        running = false;
        containers.forEach(DefaultMessageListenerContainer::stop);
    }

    public void close() {
        stopped = true;
        running = false;
        containers.forEach(DefaultMessageListenerContainer::shutdown);
    }

    @Override
    public void pause() {
        running = false;
        containers.forEach(DefaultMessageListenerContainer::stop);
        log.info("Paused consumption from queue {}", queue());
    }

    @Override
    public void resumeForTrial() {
        if (stopped) {
            return;
        }
        containers.forEach(container -> {
            container.setConcurrentConsumers(1);
        });
        running = true;
        containers.forEach(DefaultMessageListenerContainer::start);
        stopAgainIfStopped();
    }

    @Override
    public void resume() {
        if (stopped) {
            return;
        }
        int concurrency = pipeline.endpoint().settings().concurrency();
        containers.forEach(container -> container.setConcurrentConsumers(concurrency));
        running = true;
        containers.forEach(DefaultMessageListenerContainer::start);
        stopAgainIfStopped();
        log.info("Resumed consumption from queue {}", queue());
    }

    /** A {@link #stop()} or {@link #close()} that ran while a resume started the containers wins: they end stopped. */
    private void stopAgainIfStopped() {
        if (stopped) {
            running = false;
            containers.forEach(DefaultMessageListenerContainer::stop);
        }
    }

    public boolean isRunning() {
        return running && containers.stream().allMatch(DefaultMessageListenerContainer::isRunning);
    }

    @Override
    public void onMessage(Message message, Session session) throws JMSException {
        InboundMessage inbound = JmsMessages.inbound(queue(), message, pipeline.maxMessageSize());
        // A copy that cannot be sent throws out of here: the rollback has the provider deliver the message again.
        pipeline.deliver(inbound, new TransactedSettlement(message, session), () -> running);
    }

    /**
     * Settles one delivery in the consumer's transacted session: a copy is sent in the same
     * transaction as the acknowledgement, which the container commits when {@link #onMessage}
     * returns, so the two happen together or not at all; a failed send rolls both back.
     */
    private final class TransactedSettlement implements Settlement {
        private final Message message;
        private final Session session;

        TransactedSettlement(Message message, Session session) {
            this.message = message;
            this.session = session;
        }

        @Override
        public boolean acknowledge() {
            try {
                // At-most-once commits before the handler runs; at-least-once leaves the commit to the
                // container, once the listener has returned.
                if (ackFirst) {
                    session.commit();
                }
                return true;
            } catch (JMSException e) {
                log.debug("Could not commit a message on queue {}: {}", queue(), e.toString());
                return false;
            }
        }

        @Override
        public CompletionStage<Copy> retryLater(Outcome.Retry retry) {
            try {
                retries.schedule(session, message, inbox(pipeline.endpoint()), retry.delay(), retry.attemptsMade());
            } catch (JMSException e) {
                throw JmsUtils.convertJmsAccessException(e);
            }
            return CompletableFuture.completedFuture(Copy.MADE);
        }

        @Override
        public CompletionStage<Copy> deadLetter(Outcome.DeadLetter deadLetter) {
            try {
                Message copy = JmsMessages.copy(session, message, JmsMessages.failure(inbox(pipeline.endpoint()),
                        deadLetter.reason(), deadLetter.cause(), deadLetter.attempts(), deadLetter.failureClass().headerValue()),
                        Set.of());
                send(session, QueueSpec.deadLetterQueueName(queue()), copy);
            } catch (JMSException e) {
                throw JmsUtils.convertJmsAccessException(e);
            }
            return CompletableFuture.completedFuture(Copy.MADE);
        }

        @Override
        public void handBack() {
            // The rollback puts the message back untouched.
            throw new HandBack();
        }
    }

    private void send(Session session, String queue, Message message) throws JMSException {
        try (MessageProducer producer = session.createProducer(destinations.resolveDestinationName(session, queue, false))) {
            producer.send(message);
        }
    }

    /** How a retry copy waits: see {@link Retries}. */
    public interface Retries {
        /** Sends, in the consumer's transaction, a copy of {@code message} that comes back to {@code queue} after {@code delay}. */
        void schedule(Session session, Message message, String queue, Duration delay, int attemptsMade) throws JMSException;

        /** Retries by the provider's own delivery delay (JMS 2.0), to the queue itself. */
        static Retries deliveryDelay(DestinationResolver destinations) {
            return (session, message, queue, delay, attemptsMade) -> {
                Message copy = JmsMessages.copy(session, message, Map.of(WarrenHeaders.ATTEMPTS, attemptsMade), Set.of());
                try (MessageProducer producer = session.createProducer(destinations.resolveDestinationName(session, queue, false))) {
                    producer.setDeliveryDelay(delay.toMillis());
                    producer.send(copy);
                }
            };
        }

        /** Retries through a delay queue per backoff step, {@code <queue>.retry.<delay>}, moved back by a {@link DelayQueueMover}. */
        static Retries delayQueues(DestinationResolver destinations) {
            return (session, message, queue, delay, attemptsMade) -> {
                Message copy = JmsMessages.copy(session, message, Map.of(WarrenHeaders.ATTEMPTS, attemptsMade,
                        JmsMessages.headerName(JmsMessages.DUE_AT), System.currentTimeMillis() + delay.toMillis(),
                        JmsMessages.headerName(JmsMessages.RETURN_TO), queue), Set.of());
                String delayQueue = QueueSpec.delayQueueName(queue, delay);
                try (MessageProducer producer = session.createProducer(
                        destinations.resolveDestinationName(session, delayQueue, false))) {
                    producer.send(copy);
                }
            };
        }
    }

    /** Thrown to roll a delivery back on purpose: it returns to its queue untouched. */
    static final class HandBack extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandBack() {
            super("handed back to the queue", null, false, false);
        }
    }
}
