package dev.warren.samples.payments;

import dev.warren.annotation.Consumer;
import org.springframework.stereotype.Component;

/**
 * Technique 1: a message id remembered in a store. With {@code idempotent = true} Warren claims the
 * message's {@code message_id} in Redis before this method runs and records it for 24 hours after
 * it returns (application.yml), so a copy published twice or redelivered after a crash is skipped
 * (counted as a duplicate) without reaching the handler. A failed attempt releases the claim, so it
 * is retried, not skipped. The handler itself stays plain.
 */
@Component
public class RedisChargeHandler {

    private final PaymentGateway gateway;

    public RedisChargeHandler(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    @Consumer(queue = "${payments.redis-queue}", idempotent = true)
    void charge(ChargeRequest request) {
        gateway.charge(request);
    }
}
