/**
 * The transactional outbox: messages sent inside a database transaction are published after it
 * commits, at least once, and never when it rolls back.
 */
@org.jspecify.annotations.NullMarked
package dev.warren.outbox;
