package dev.warren.samples.protection;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import org.springframework.stereotype.Component;

/**
 * Charges payments. Four consumers share one limit of 100 charges a second, the most the gateway
 * contract allows. Behind the breaker {@code gateway} (configured under
 * {@code warren.circuit-breakers.gateway}): after 5 consecutive failures Warren stops consuming,
 * the payments wait in the queue without burning retries, and consumption resumes once trial
 * charges succeed.
 */
@Component
public class PaymentWorker {

    private final PaymentGateway gateway;

    public PaymentWorker(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    // The few payments that fail before the breaker opens are retried; five attempts ride out an outage.
    @Consumer(queue = "${payments.queue}", concurrency = 4, rateLimit = "100/s", circuitBreaker = "gateway",
            retry = @Retry(maxAttempts = 5, backoff = "1s"))
    void charge(Payment payment) throws InterruptedException {
        gateway.charge(payment);
    }
}
