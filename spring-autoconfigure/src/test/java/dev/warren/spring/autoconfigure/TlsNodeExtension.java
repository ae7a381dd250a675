package dev.warren.spring.autoconfigure;

import dev.warren.WarrenException;
import dev.warren.test.TlsRabbitNode;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@link TlsRabbitNode} for a test class, started before its first test and stopped after its
 * last, and the {@link TlsTestApp} each test runs on it, closed after the test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TlsNodeExtension tls = new TlsNodeExtension(node -> node.managementApi(true));
 * }</pre>
 */
final class TlsNodeExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private final UnaryOperator<TlsRabbitNode.Builder> setUp;
    private TlsRabbitNode node;
    private ConfigurableApplicationContext application;

    TlsNodeExtension(UnaryOperator<TlsRabbitNode.Builder> setUp) {
        this.setUp = setUp;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        node = setUp.apply(TlsRabbitNode.builder()).start();
    }

    /** @return the running node */
    TlsRabbitNode node() {
        if (node == null) {
            throw new IllegalStateException("The TLS node starts before the test class's first test");
        }
        return node;
    }

    /** Runs the application; it is closed after the test, also when the test expected start-up to fail. */
    ConfigurableApplicationContext run(TlsTestApp.Arguments arguments) {
        application = arguments.run();
        return application;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (application != null) {
            application.close();
            application = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (node != null) {
            node.close();
        }
    }

    /**
     * The Warren failure among the causes of a refused start-up.
     *
     * @throws AssertionError when there is none
     */
    static WarrenException warrenCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WarrenException warren) {
                return warren;
            }
        }
        throw new AssertionError("No WarrenException among the causes of " + failure, failure);
    }
}
