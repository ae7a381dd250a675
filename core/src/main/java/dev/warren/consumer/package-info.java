/** Settings of the consumers behind the handlers, and the options every engine builder takes. */
@NullMarked
package dev.warren.consumer;

import org.jspecify.annotations.NullMarked;
