/** Settings of the consumers behind the handlers. */
@NullMarked
package dev.warren.consumer;

import org.jspecify.annotations.NullMarked;
