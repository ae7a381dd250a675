package dev.warren.internal.rabbit;

import org.jspecify.annotations.Nullable;

/**
 * The broker's positive confirm of one message.
 *
 * @param returnedReason {@code null} when a queue took the message; otherwise why the broker
 *     returned it (it reached no queue)
 */
record Confirmation(@Nullable String returnedReason) {

    boolean routed() {
        return returnedReason == null;
    }
}
