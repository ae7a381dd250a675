package dev.warren.samples.protection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Stands in for a card network's HTTP API: each call takes {@code gateway.latency}, and a switch
 * takes the gateway down and brings it back (POST /gateway/down, /gateway/up). It records when
 * each charge went through, to see the rate limit at work.
 */
@Component
public class PaymentGateway {

    private final Duration latency;
    private volatile boolean up = true;
    private final AtomicLong refused = new AtomicLong();
    private final ConcurrentLinkedQueue<Instant> charges = new ConcurrentLinkedQueue<>();

    public PaymentGateway(@Value("${gateway.latency}") Duration latency) {
        this.latency = latency;
    }

    public void charge(Payment payment) throws InterruptedException {
        // The waiting is the simulated network call.
        TimeUnit.NANOSECONDS.sleep(latency.toNanos());
        if (!up) {
            refused.incrementAndGet();
            throw new GatewayUnavailableException("payment gateway did not answer for payment " + payment.paymentId());
        }
        charges.add(Instant.now());
    }

    public void setUp(boolean up) {
        this.up = up;
    }

    public boolean isUp() {
        return up;
    }

    /** Calls that failed because the gateway was down. */
    public long refused() {
        return refused.get();
    }

    /** When each successful charge went through, in order. */
    public List<Instant> charges() {
        return List.copyOf(charges);
    }
}
