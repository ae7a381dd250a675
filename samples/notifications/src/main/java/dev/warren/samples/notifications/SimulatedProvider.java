package dev.warren.samples.notifications;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Stands in for a real push service, mail server or SMS gateway: it keeps the last {@value #KEPT}
 * sends, like a provider's dashboard. It can be made flaky: then it times out on the first attempt
 * at each message, as real gateways do now and then.
 *
 * <p>Thread-safe: the channel's consumers call it concurrently.
 */
public final class SimulatedProvider {

    /** How many sends the simulator remembers. */
    static final int KEPT = 1_000;

    /**
     * One message the provider accepted.
     *
     * @param channel the provider's channel
     * @param userId the recipient
     * @param message the text
     * @param attempt which attempt at the message got through
     */
    public record Sent(String channel, String userId, String message, int attempt) {
    }

    private final String channel;
    private final boolean failsFirstAttempt;
    private final Deque<Sent> sent = new ArrayDeque<>();

    public SimulatedProvider(String channel, boolean failsFirstAttempt) {
        this.channel = channel;
        this.failsFirstAttempt = failsFirstAttempt;
    }

    /**
     * Sends a message, or fails as a flaky provider would.
     *
     * @param attempt which attempt at this message this is; the simulator uses it to fail only the first
     * @throws IOException when the simulated provider times out
     */
    public void send(Notification notification, int attempt) throws IOException {
        if (failsFirstAttempt && attempt == 1) {
            throw new IOException(channel + " provider timed out (simulated) for user " + notification.userId());
        }
        synchronized (sent) {
            if (sent.size() == KEPT) {
                sent.removeFirst();
            }
            sent.addLast(new Sent(channel, notification.userId(), notification.message(), attempt));
        }
    }

    /** The last sends, oldest first. */
    public List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }
}
