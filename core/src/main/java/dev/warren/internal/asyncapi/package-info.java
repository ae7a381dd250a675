/** Warren's implementation. Not API: anything here may change without notice. */
@NullMarked
package dev.warren.internal.asyncapi;

import org.jspecify.annotations.NullMarked;
