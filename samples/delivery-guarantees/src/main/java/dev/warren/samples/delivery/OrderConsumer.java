package dev.warren.samples.delivery;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import org.springframework.stereotype.Component;

/**
 * Fulfils orders, at least once (the default): the message is acknowledged only after the handler
 * returns, so a crash while an order is in hand means the broker delivers it again, to this
 * instance after a restart or to another one. The price is a possible duplicate: a real
 * fulfilment must be idempotent (see the payments sample); {@link MessageContext#redelivered()}
 * says when to be careful.
 */
@Component
public class OrderConsumer {

    private final Work work;

    public OrderConsumer(Work work) {
        this.work = work;
    }

    @Consumer(queue = "${orders.queue}")
    void fulfil(OrderPlaced order, MessageContext context) throws InterruptedException {
        work.process("orders", order.orderId(), context);
    }
}
