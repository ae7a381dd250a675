/**
 * Sample: idempotent payments. A charge delivered twice, published twice or redelivered after a
 * crash, charges the card once: through Warren's Redis message-id store, or through a unique
 * constraint in the application's own database.
 */
@NullMarked
package dev.warren.samples.payments;

import org.jspecify.annotations.NullMarked;
