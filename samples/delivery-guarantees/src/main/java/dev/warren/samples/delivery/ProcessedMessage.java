package dev.warren.samples.delivery;

/**
 * A message a handler finished.
 *
 * @param stream {@code metrics} or {@code orders}
 * @param id the reading or order id
 * @param redelivered whether the broker had delivered it before (to a consumer that died)
 * @param instance the instance that processed it
 */
public record ProcessedMessage(String stream, String id, boolean redelivered, String instance) {
}
