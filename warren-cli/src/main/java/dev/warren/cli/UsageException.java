package dev.warren.cli;

import dev.warren.WarrenException;

/** The command line is wrong: the tool prints the message with the command's usage and exits with 2. */
final class UsageException extends WarrenException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
