/**
 * Idempotent consumers: the stores that remember which messages were processed, so a redelivered
 * or duplicated message runs its handler's side effect once.
 */
@NullMarked
package dev.warren.idempotency;

import org.jspecify.annotations.NullMarked;
