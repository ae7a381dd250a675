package dev.warren.samples.delivery;

/**
 * An order to fulfil: losing one costs a customer. On the wire:
 * {@code {"order_id":"o-1","total_cents":4999}}.
 *
 * @param orderId the order
 * @param totalCents what it costs
 */
public record OrderPlaced(String orderId, long totalCents) {
}
