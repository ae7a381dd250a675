package dev.warren.samples.observability;

/**
 * An order event, on the wire {@code {"orderId":"o-1","amountCents":1999}}.
 *
 * @param orderId the order
 * @param amountCents its amount; negative amounts are invalid
 */
public record OrderPlaced(String orderId, long amountCents) {
}
