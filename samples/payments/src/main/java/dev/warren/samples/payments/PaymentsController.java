package dev.warren.samples.payments;

import dev.warren.Warren;
import dev.warren.publish.PublishOptions;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Queues charges. A client that retries a request sends the same {@code Idempotency-Key}, which
 * becomes the message's {@code message_id}: the key the Redis store and the inbox remember.
 */
@RestController
public class PaymentsController {

    private final Warren warren;
    private final PaymentGateway gateway;
    private final String redisQueue;
    private final String postgresQueue;
    private final String inboxQueue;

    public PaymentsController(Warren warren, PaymentGateway gateway, @Value("${payments.redis-queue}") String redisQueue,
            @Value("${payments.postgres-queue}") String postgresQueue, @Value("${payments.inbox-queue}") String inboxQueue) {
        this.warren = warren;
        this.gateway = gateway;
        this.redisQueue = redisQueue;
        this.postgresQueue = postgresQueue;
        this.inboxQueue = inboxQueue;
    }

    /** Technique 1: deduplicated by message id in Redis. */
    @PostMapping("/charges/redis")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, String> chargeViaRedis(@RequestBody ChargeRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
        return queue(redisQueue, request, idempotencyKey);
    }

    /** Technique 2: deduplicated by the unique order id in PostgreSQL. */
    @PostMapping("/charges/postgres")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, String> chargeViaPostgres(@RequestBody ChargeRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
        return queue(postgresQueue, request, idempotencyKey);
    }

    /** Technique 3: deduplicated by message id in the inbox, in the charge's own transaction. */
    @PostMapping("/charges/inbox")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, String> chargeViaInbox(@RequestBody ChargeRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
        return queue(inboxQueue, request, idempotencyKey);
    }

    @GetMapping("/charges/{orderId}")
    public Map<String, Object> charges(@PathVariable String orderId) {
        return Map.of("order_id", orderId, "times_charged", gateway.timesCharged(orderId));
    }

    private Map<String, String> queue(String queue, ChargeRequest request, @Nullable String idempotencyKey) {
        String messageId = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
        warren.send(queue, request, PublishOptions.builder().messageId(messageId).build());
        return Map.of("status", "queued", "order_id", request.orderId(), "message_id", messageId);
    }
}
