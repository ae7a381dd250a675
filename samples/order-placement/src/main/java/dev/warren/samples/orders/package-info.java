/**
 * Sample: keep only the critical path in the request. The API checks inventory, stores the order,
 * publishes {@code order.placed} through the transactional outbox, charges the payment and
 * answers; four subscriber groups do the rest.
 */
@NullMarked
package dev.warren.samples.orders;

import org.jspecify.annotations.NullMarked;
