/** Warren's Spring Boot integration internals. Not API: anything here may change without notice. */
@NullMarked
package dev.warren.spring.autoconfigure.internal;

import org.jspecify.annotations.NullMarked;
