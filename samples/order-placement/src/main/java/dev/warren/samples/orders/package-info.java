/**
 * Sample: keep only the critical path in the request. The API checks inventory and charges the
 * payment, publishes {@code order.placed} and answers; four subscriber groups do the rest.
 */
@NullMarked
package dev.warren.samples.orders;

import org.jspecify.annotations.NullMarked;
