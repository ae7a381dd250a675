/**
 * Warren's command-line tool for operators: {@link dev.warren.cli.WarrenCli}. Everything else in
 * this package is package-private.
 */
@NullMarked
package dev.warren.cli;

import org.jspecify.annotations.NullMarked;
