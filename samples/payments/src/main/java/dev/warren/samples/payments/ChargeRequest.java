package dev.warren.samples.payments;

/**
 * Charge an order. On the wire: {@code {"order_id":"o-1","amount_cents":4999}}.
 *
 * @param orderId the order to charge for
 * @param amountCents how much
 */
public record ChargeRequest(String orderId, long amountCents) {
}
