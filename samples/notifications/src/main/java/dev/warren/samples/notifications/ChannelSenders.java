package dev.warren.samples.notifications;

import dev.warren.MessageContext;
import dev.warren.annotation.Subscribe;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The three subscriber groups of the notifications topic. Each group has its own queue
 * ({@code notifications.push}, {@code notifications.email}, {@code notifications.sms}) and gets
 * every notification; it sends only those meant for its channel. A failure is counted and rethrown:
 * Warren retries that channel's copy alone (I/O errors are transient), and the other channels are
 * not sent twice.
 */
@Component
public class ChannelSenders {

    static final String PUSH = "push";
    static final String EMAIL = "email";
    static final String SMS = "sms";

    private static final Logger log = LoggerFactory.getLogger(ChannelSenders.class);

    private final SimulatedProvider pushProvider;
    private final SimulatedProvider emailProvider;
    private final SimulatedProvider smsProvider;
    private final MeterRegistry meters;

    public ChannelSenders(SimulatedProvider pushProvider, SimulatedProvider emailProvider, SimulatedProvider smsProvider,
            MeterRegistry meters) {
        this.pushProvider = pushProvider;
        this.emailProvider = emailProvider;
        this.smsProvider = smsProvider;
        this.meters = meters;
    }

    @Subscribe(topic = "${notifications.topic}", group = PUSH, concurrency = 5)
    void push(Notification notification, MessageContext context) throws IOException {
        send(PUSH, pushProvider, notification, context);
    }

    @Subscribe(topic = "${notifications.topic}", group = EMAIL, concurrency = 3)
    void email(Notification notification, MessageContext context) throws IOException {
        send(EMAIL, emailProvider, notification, context);
    }

    @Subscribe(topic = "${notifications.topic}", group = SMS, concurrency = 2)
    void sms(Notification notification, MessageContext context) throws IOException {
        send(SMS, smsProvider, notification, context);
    }

    private void send(String channel, SimulatedProvider provider, Notification notification, MessageContext context)
            throws IOException {
        if (!notification.channels().contains(channel)) {
            return; // not for this channel: acknowledged and skipped
        }
        try {
            provider.send(notification, context.attempt());
        } catch (IOException | RuntimeException e) {
            meters.counter("notifications.sent", "channel", channel, "result", "failure").increment();
            throw e; // Warren logs it with the message id and attempt, retries, and dead-letters after the last attempt
        }
        meters.counter("notifications.sent", "channel", channel, "result", "success").increment();
        log.debug("Sent {} notification {} to user {} (attempt {})", channel, context.messageId(), notification.userId(),
                context.attempt());
    }
}
