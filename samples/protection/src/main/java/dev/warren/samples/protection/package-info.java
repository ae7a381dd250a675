/**
 * Sample: protecting consumers and dependencies. A rate-limited consumer charges payments through a
 * gateway behind a circuit breaker; while the gateway is down the breaker pauses consumption and
 * the queue holds the backlog.
 */
@NullMarked
package dev.warren.samples.protection;

import org.jspecify.annotations.NullMarked;
