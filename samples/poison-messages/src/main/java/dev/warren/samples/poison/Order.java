package dev.warren.samples.poison;

import java.math.BigDecimal;

/**
 * An order to bill, on the wire {@code {"orderId":"o-1","amount":19.99}}.
 *
 * @param orderId the order, also the message id
 * @param amount what to charge, in euros
 */
public record Order(String orderId, BigDecimal amount) {
}
