package dev.warren.jms.internal;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;
import org.springframework.jms.support.destination.DestinationResolver;

/**
 * Moves the copies in one delay queue back to their queue when they are due, for providers
 * without JMS 2.0 delivery delay. Every copy in a delay queue waits the same time, so the one at
 * the head is always due first: the mover holds it, in a transaction, until it is due, then sends
 * it back and commits. A crash while it waits rolls the copy back into the delay queue: nothing is
 * lost, and the wait survives restarts.
 */
public final class DelayQueueMover implements SessionAwareMessageListener<Message> {

    private static final Logger log = LoggerFactory.getLogger(DelayQueueMover.class);
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String delayQueue;
    private final DestinationResolver destinations;
    private final DefaultMessageListenerContainer container;
    private volatile boolean running;

    public DelayQueueMover(ConnectionFactory connectionFactory, DestinationResolver destinations, String delayQueue) {
        this.delayQueue = delayQueue;
        this.destinations = destinations;
        DefaultMessageListenerContainer c = new DefaultMessageListenerContainer();
        c.setConnectionFactory(connectionFactory);
        c.setDestinationResolver(destinations);
        c.setDestinationName(delayQueue);
        c.setSessionTransacted(true);
        c.setConcurrentConsumers(1);
        c.setReceiveTimeout(500);
        c.setMessageListener(this);
        c.setBeanName("warren-" + delayQueue);
        c.setAutoStartup(false);
        c.setErrorHandler(e -> {
            if (!(e instanceof JmsConsumer.HandBack)) {
                log.warn("Could not move a copy from {} back to its queue; the provider delivers it again", delayQueue, e);
            }
        });
        c.afterPropertiesSet();
        this.container = c;
    }

    public void start() {
        running = true;
        container.start();
    }

    public void stop() {
        running = false;
        container.stop();
    }

    public void close() {
        running = false;
        container.shutdown();
    }

    @Override
    public void onMessage(Message message, Session session) throws JMSException {
        String returnTo = message.getStringProperty(JmsMessages.RETURN_TO);
        if (returnTo == null) {
            returnTo = delayQueue.substring(0, delayQueue.lastIndexOf(".retry."));
        }
        long dueAt = message.propertyExists(JmsMessages.DUE_AT) ? message.getLongProperty(JmsMessages.DUE_AT) : 0;
        while (System.currentTimeMillis() < dueAt) {
            if (!running || Thread.currentThread().isInterrupted()) {
                throw new JmsConsumer.HandBack();
            }
            LockSupport.parkNanos(Math.min(WAIT_SLICE_NANOS, TimeUnit.MILLISECONDS.toNanos(dueAt - System.currentTimeMillis())));
        }
        Message copy = JmsMessages.copy(session, message, java.util.Map.of(),
                Set.of(JmsMessages.headerName(JmsMessages.DUE_AT), JmsMessages.headerName(JmsMessages.RETURN_TO)));
        try (MessageProducer producer = session.createProducer(destinations.resolveDestinationName(session, returnTo, false))) {
            producer.send(copy);
        }
    }
}
