package dev.warren.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** Named daemon threads and their orderly shutdown, for the executors Warren owns. */
public final class Threads {

    private Threads() {
    }

    /** A factory of daemon threads with the given name, for single-threaded executors. */
    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Lets queued work finish for up to {@code timeout}, then interrupts what is left; keeps the caller's interrupt. */
    public static void shutdown(ExecutorService executor, Duration timeout) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
