/** warren-test's implementation. Not API: anything here may change without notice. */
@NullMarked
package dev.warren.testing.internal;

import org.jspecify.annotations.NullMarked;
