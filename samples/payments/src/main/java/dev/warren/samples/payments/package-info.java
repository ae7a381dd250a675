/**
 * Sample: idempotent payments. A charge delivered twice, published twice or redelivered after a
 * crash, charges the card once: through Warren's Redis message-id store, through a unique
 * constraint in the application's own database, or through the inbox, which records the message
 * id in the transaction of the charge itself.
 */
@NullMarked
package dev.warren.samples.payments;

import org.jspecify.annotations.NullMarked;
