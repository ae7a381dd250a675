/**
 * The compile-time check of Warren handlers: {@link dev.warren.annotation.processing.HandlerProcessor}
 * reports a bad handler signature or attribute as a compiler error, before the application starts.
 *
 * <p>javac runs it automatically for any code that has the Warren annotations on its class path.
 */
@NullMarked
package dev.warren.annotation.processing;

import org.jspecify.annotations.NullMarked;
