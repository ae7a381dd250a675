/**
 * Operating the dead-letter queues: list them, peek at their messages, group failures by cause,
 * replay messages to their queues and discard them with a recorded reason.
 */
@NullMarked
package dev.warren.deadletter;

import org.jspecify.annotations.NullMarked;
