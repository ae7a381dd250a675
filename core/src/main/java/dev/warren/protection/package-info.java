/** Protecting consumers and their dependencies: circuit breakers that pause consumption, and rate limits. */
@NullMarked
package dev.warren.protection;

import org.jspecify.annotations.NullMarked;
