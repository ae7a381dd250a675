package dev.warren.samples.jmsorders;

/**
 * The event, on the wire {@code {"orderId":"o-1","item":"teapot","quantity":2}}.
 *
 * @param orderId the order, also the message id
 * @param item what was ordered
 * @param quantity how many
 */
public record OrderPlaced(String orderId, String item, int quantity) {
}
