/** Spring Boot auto-configuration of Warren and its {@code warren.*} properties. */
@NullMarked
package dev.warren.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
