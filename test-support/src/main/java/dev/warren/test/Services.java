package dev.warren.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** What the broker, database and Redis resolution share: the variable lookup, the port probe, the one-time resolution. */
final class Services {

    private Services() {
    }

    /** The environment variable, else the system property of that name; {@code null} when neither is set. */
    static @Nullable String configured(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            value = System.getProperty(variable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Whether something accepts connections on the port within a second. */
    static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A value resolved on first use, once per JVM. Thread-safe. */
    static final class Once<T> {

        private final Supplier<T> resolve;
        private volatile @Nullable T value;

        Once(Supplier<T> resolve) {
            this.resolve = resolve;
        }

        synchronized T resolve() {
            T current = value;
            if (current == null) {
                current = resolve.get();
                value = current;
            }
            return current;
        }

        T get() {
            T current = value;
            return current != null ? current : resolve();
        }
    }
}
