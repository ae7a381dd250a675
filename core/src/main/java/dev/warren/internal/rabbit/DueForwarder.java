package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.internal.Threads;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.TopologyConflictException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The last hop of delayed delivery: takes messages that fell due from {@value DelayedDelivery#DUE_QUEUE},
 * publishes each to the destination its headers name, with a confirm, and acknowledges it only
 * then. A destination that cannot take it yet (a quorum queue still electing its leader after a
 * broker restart, a broker alarm) nacks or times out, and the message goes back to the due queue
 * after {@link #RETRY_AFTER} to be tried again: at least once, whatever the destination's type.
 * A message for a queue that no longer exists, or without destination headers, goes to
 * {@value DelayedDelivery#DUE_DEAD_LETTER_QUEUE} with the reason in {@code x-exception-message}; an
 * event no group subscribes to is dropped, as when it is published without a delay.
 *
 * <p>Every started engine runs one, so any Warren application on the virtual host delivers what
 * any other scheduled. Threads: the container's consumer thread ({@code warren-delay-due-N})
 * publishes; acknowledgements go out from the {@code warren-publisher-confirms} thread, returns to
 * the queue from {@code warren-delay-due-retry}.
 */
public final class DueForwarder implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(DueForwarder.class);

    /** How long a message whose destination refused it waits before it is tried again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** Due messages in flight at once: confirms are awaited asynchronously, so this bounds memory, not speed. */
    private static final int PREFETCH = 250;

    private final ConnectionFactory connectionFactory;
    private final PublisherChannels publisher;
    private final TopologyDeclarer declarer;
    private final Duration confirmTimeout;
    private final DefaultMessagePropertiesConverter propertiesConverter = new DefaultMessagePropertiesConverter();
    private final Set<String> declaredTopics = ConcurrentHashMap.newKeySet();
    /** Publishes awaiting their confirm, which stopping waits for rather than have their originals delivered again. */
    private final AtomicInteger pending = new AtomicInteger();
    private @Nullable SimpleMessageListenerContainer container;
    private @Nullable ScheduledExecutorService retries;

    public DueForwarder(ConnectionFactory connectionFactory, PublisherChannels publisher, TopologyDeclarer declarer,
            Duration confirmTimeout) {
        this.connectionFactory = connectionFactory;
        this.publisher = publisher;
        this.declarer = declarer;
        this.confirmTimeout = confirmTimeout;
    }

    /** Starts consuming the due queue, which must be declared. */
    public synchronized void start() {
        if (container != null) {
            return;
        }
        retries = Executors.newSingleThreadScheduledExecutor(Threads.named("warren-delay-due-retry"));
        SimpleMessageListenerContainer c = new SimpleMessageListenerContainer(connectionFactory);
        c.setQueueNames(DelayedDelivery.DUE_QUEUE);
        c.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        c.setConcurrentConsumers(1);
        c.setPrefetchCount(PREFETCH);
        c.setDefaultRequeueRejected(false);
        c.setMissingQueuesFatal(false);
        org.springframework.util.backoff.ExponentialBackOff recovery = new org.springframework.util.backoff.ExponentialBackOff(500, 2);
        recovery.setMaxInterval(10_000);
        c.setRecoveryBackOff(recovery);
        c.setTaskExecutor(new SimpleAsyncTaskExecutor("warren-delay-due-"));
        c.setBeanName("warren-delay-due");
        c.setMessageListener(this);
        c.afterPropertiesSet();
        c.start();
        container = c;
    }

    /** Stops consuming once the messages in flight are confirmed (up to the confirm timeout); the rest stay in the queue. */
    public synchronized void stop() {
        SimpleMessageListenerContainer c = container;
        if (c == null) {
            return;
        }
        container = null;
        awaitPending();
        c.stop();
        ScheduledExecutorService r = retries;
        if (r != null) {
            // Messages waiting to be returned go back when the container's channel closes.
            r.shutdownNow();
            retries = null;
        }
    }

    @Override
    public void onMessage(Message message, Channel channel) {
        MessageProperties properties = message.getMessageProperties();
        long tag = properties.getDeliveryTag();
        try {
            Map<String, Object> headers = properties.getHeaders();
            Object exchange = headers.get(WarrenHeaders.DELAY_EXCHANGE);
            Object routingKey = headers.get(WarrenHeaders.DELAY_ROUTING_KEY);
            if (exchange == null || routingKey == null) {
                deadLetter(message, channel, "The due message has no " + WarrenHeaders.DELAY_EXCHANGE + " and "
                        + WarrenHeaders.DELAY_ROUTING_KEY + " headers, so its destination is unknown");
                return;
            }
            forward(message, channel, exchange.toString(), routingKey.toString());
        } catch (TopologyConflictException e) {
            deadLetter(message, channel, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Could not deliver due message {} ({}); trying again in {}", properties.getMessageId(), e.toString(),
                    RETRY_AFTER);
            returnLater(channel, tag);
        }
    }

    private void forward(Message message, Channel channel, String exchange, String routingKey) {
        MessageProperties properties = message.getMessageProperties();
        long tag = properties.getDeliveryTag();
        boolean topic = !exchange.isEmpty();
        if (topic && !declaredTopics.contains(exchange)) {
            // Publishing to an exchange that does not exist would close the publisher's channel.
            declarer.declareExchange(ExchangeSpec.topic(exchange));
            declaredTopics.add(exchange);
        }
        Map<String, Object> headers = new LinkedHashMap<>(properties.getHeaders());
        headers.keySet().removeIf(name -> name.startsWith(WarrenHeaders.DELAY_PREFIX)
                || WarrenHeaders.isBrokerDeath(name));
        pending.incrementAndGet();
        publisher.publish(exchange, routingKey, copy(properties, headers), message.getBody()).whenComplete((confirmation, failure) -> {
            try {
                if (failure != null) {
                    log.debug("Due message {} for '{}' / '{}' was not confirmed ({}); trying again in {}",
                            properties.getMessageId(), exchange, routingKey, failure.toString(), RETRY_AFTER);
                    returnLater(channel, tag);
                } else if (confirmation.routed() || topic) {
                    if (!confirmation.routed()) {
                        log.debug("Due event {} on topic {} reached no subscriber group", properties.getMessageId(), exchange);
                    }
                    acknowledge(channel, tag);
                } else {
                    deadLetter(message, channel, "No queue named '" + routingKey + "' exists any more, so the message that "
                            + "fell due for it could not be delivered (" + confirmation.returnedReason() + ")");
                }
            } finally {
                settled();
            }
        });
    }

    /** Keeps a message that cannot be delivered, with its reason, and acknowledges it once that is confirmed. */
    private void deadLetter(Message message, Channel channel, String reason) {
        MessageProperties properties = message.getMessageProperties();
        long tag = properties.getDeliveryTag();
        Map<String, Object> headers = new LinkedHashMap<>(properties.getHeaders());
        headers.put(WarrenHeaders.EXCEPTION_MESSAGE, reason);
        pending.incrementAndGet();
        publisher.publish("", DelayedDelivery.DUE_DEAD_LETTER_QUEUE, copy(properties, headers), message.getBody())
                .whenComplete((confirmation, failure) -> {
                    try {
                        if (failure == null && confirmation.routed()) {
                            acknowledge(channel, tag);
                            log.warn("Dead-lettered due message {} to {}: {}", properties.getMessageId(),
                                    DelayedDelivery.DUE_DEAD_LETTER_QUEUE, reason);
                        } else {
                            log.warn("Could not dead-letter due message {} to {} ({}); trying again in {}",
                                    properties.getMessageId(), DelayedDelivery.DUE_DEAD_LETTER_QUEUE,
                                    failure != null ? failure.toString() : confirmation.returnedReason(), RETRY_AFTER);
                            returnLater(channel, tag);
                        }
                    } finally {
                        settled();
                    }
                });
    }

    private AMQP.BasicProperties copy(MessageProperties properties, Map<String, Object> headers) {
        // The delay was the wait: a per-message TTL left on the copy would expire it at its destination.
        return propertiesConverter.fromMessageProperties(properties, "UTF-8").builder()
                .headers(headers)
                .expiration(null)
                .deliveryMode(properties.getReceivedDeliveryMode() == MessageDeliveryMode.NON_PERSISTENT ? 1 : 2)
                .build();
    }

    private void acknowledge(Channel channel, long tag) {
        try {
            channel.basicAck(tag, false);
        } catch (java.io.IOException | RuntimeException e) {
            // Delivered, but the due queue gives it again to the next consumer: a duplicate, never a loss.
            log.debug("Could not acknowledge a delivered due message ({}); it will be delivered again", e.toString());
        }
    }

    /** Returns a message to the due queue after a pause, so that a destination refusing it is not hammered. */
    private void returnLater(Channel channel, long tag) {
        Runnable nack = () -> {
            try {
                channel.basicNack(tag, false, true);
            } catch (java.io.IOException | RuntimeException e) {
                log.debug("Could not return a due message to its queue ({}); its channel closed, which returns it", e.toString());
            }
        };
        ScheduledExecutorService r = retries;
        try {
            if (r == null) {
                nack.run();
            } else {
                r.schedule(nack, RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            nack.run();
        }
    }

    private void settled() {
        if (pending.decrementAndGet() == 0) {
            synchronized (pending) {
                pending.notifyAll();
            }
        }
    }

    private void awaitPending() {
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        synchronized (pending) {
            long left;
            while (pending.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(pending, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
