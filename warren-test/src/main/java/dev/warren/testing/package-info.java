/**
 * Testing Warren handlers against a real broker: {@link dev.warren.testing.WarrenTest} and
 * {@link dev.warren.testing.WarrenSpringTest} give each test class a fresh virtual host, the
 * {@link dev.warren.testing.WarrenHarness} awaits what happened to each message, and a time scale
 * shrinks backoffs and breaker waits.
 */
@NullMarked
package dev.warren.testing;

import org.jspecify.annotations.NullMarked;
