/** Failure classes: what a handler throws to say a message can never succeed, or may later. */
@NullMarked
package dev.warren.failure;

import org.jspecify.annotations.NullMarked;
