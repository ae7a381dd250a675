package dev.warren.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command such as {@code rabbitmqctl} or {@code openssl} to completion, with a deadline.
 * Output goes to a temporary file rather than a pipe, so that a daemon the command leaves behind (as
 * {@code rabbitmq-server -detached} does) cannot hold the caller up.
 *
 * <pre>{@code
 * String queues = ExternalCommand.succeed(Duration.ofSeconds(30), directory, "rabbitmqctl", "-q", "list_queues").output();
 * }</pre>
 *
 * <p>Blocks the calling thread until the command ends or the deadline passes.
 *
 * @since 0.1
 */
public final class ExternalCommand {

    /**
     * A finished command.
     *
     * @param exitCode its exit status
     * @param output standard output and error, interleaved
     */
    public record Result(int exitCode, String output) {

        /**
         * Fails unless the command exited with 0.
         *
         * @param command the command, for the message
         * @return this
         * @throws IllegalStateException with the exit status and output otherwise
         */
        public Result requireSuccess(List<String> command) {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + ": " + output);
            }
            return this;
        }
    }

    private ExternalCommand() {
    }

    /**
     * Runs a command in a directory and fails unless it exits with 0.
     *
     * @param timeout how long it may run
     * @param directory its working directory
     * @param command the program and its arguments
     * @return its output
     * @throws IllegalStateException when it exits with another status or does not finish in time
     */
    public static Result succeed(Duration timeout, Path directory, String... command) {
        return run(timeout, directory, Map.of(), command).requireSuccess(List.of(command));
    }

    /**
     * Runs a command in a directory with extra environment variables and returns its status and output.
     *
     * @param timeout how long it may run
     * @param directory its working directory
     * @param environment variables added to this process's environment
     * @param command the program and its arguments
     * @return its exit status and output, whatever the status
     * @throws IllegalStateException when it does not finish in time
     */
    public static Result run(Duration timeout, Path directory, Map<String, String> environment, String... command) {
        Path output = null;
        try {
            output = Files.createTempFile("warren-command", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).directory(directory.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // A leftover temporary file is harmless; the command's result matters more.
                }
            }
        }
    }
}
