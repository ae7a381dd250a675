package dev.warren.samples.protection;

/**
 * A payment to charge, on the wire {@code {"paymentId":"p-1","amountCents":1999}}.
 *
 * @param paymentId the payment
 * @param amountCents what to charge
 */
public record Payment(String paymentId, long amountCents) {
}
