package dev.warren.samples.poison;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.failure.PermanentFailureException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Bills orders. What fails here never loops and never blocks the queue: a bug (an exception
 * Warren does not know) is retried, then the order waits in {@code order.billing.dlq} with the
 * reason until an operator replays it; invalid input ({@link PermanentFailureException}) goes to
 * the dead-letter queue at once, to be discarded.
 */
@Component
public class BillingWorker {

    private static final Logger log = LoggerFactory.getLogger(BillingWorker.class);

    private final Billing billing;
    /** Billed orders and their cents; a real service writes them to its database. */
    private final Map<String, Long> billed = new ConcurrentHashMap<>();

    public BillingWorker(Billing billing) {
        this.billing = billing;
    }

    // The scenario's MAX_RETRIES = 3: three attempts, 1 s then 2 s apart, then the dead-letter queue.
    // warren.queues.<queue>.retry.* overrides these without a rebuild.
    @Consumer(queue = "${orders.queue}", retry = @Retry(maxAttempts = 3, backoff = "1s"))
    void bill(Order order, MessageContext context) {
        if (order.amount().signum() <= 0) {
            throw new PermanentFailureException("order " + order.orderId() + " has amount " + order.amount()
                    + "; an amount must be positive");
        }
        long cents = billing.toCents(order.amount());
        billed.put(order.orderId(), cents);
        log.info("Billed order {}: {} cents (attempt {})", order.orderId(), cents, context.attempt());
    }

    /** The cents billed for an order, or {@code null} when it has not been billed. */
    public @Nullable Long billed(String orderId) {
        return billed.get(orderId);
    }
}
