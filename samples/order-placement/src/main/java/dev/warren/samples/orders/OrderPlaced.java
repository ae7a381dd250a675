package dev.warren.samples.orders;

/**
 * The event every subscriber gets: small, references rather than the customer or the product. On
 * the wire (snake_case, see application.yml):
 * {@code {"order_id":"...","customer_id":"c-42","sku":"book-1","quantity":2}}.
 *
 * @param orderId the order
 * @param customerId who placed it
 * @param sku what was ordered
 * @param quantity how many
 */
public record OrderPlaced(String orderId, String customerId, String sku, int quantity) {
}
