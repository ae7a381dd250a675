/**
 * The annotations that turn a method into a Warren message handler.
 *
 * <p>This package has no runtime dependencies: an application that only declares handlers
 * needs nothing but these types on its compile path.
 */
@NullMarked
package dev.warren.annotation;

import org.jspecify.annotations.NullMarked;
