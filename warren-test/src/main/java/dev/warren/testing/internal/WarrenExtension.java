package dev.warren.testing.internal;

import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenTest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit extension behind {@link WarrenTest}: opens a {@link VirtualHostBroker} for the test
 * class (a {@code @Nested} class shares its enclosing class's), closes what each test started
 * after it, and closes the broker, deleting its virtual host, after the class. Resolves
 * {@link TestBroker} and {@link WarrenHarness} parameters.
 *
 * <p>JUnit calls it on the test thread; the broker lives in the class's extension store.
 */
public final class WarrenExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WarrenExtension.class);
    private static final String BROKER = "broker";
    private static final String OWNER = "owner";

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (context.getUniqueId().equals(store.get(OWNER, String.class))) {
            VirtualHostBroker broker = store.remove(BROKER, VirtualHostBroker.class);
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        broker(context).beginTest();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        broker(context).endTest();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestBroker.class || type == WarrenHarness.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        VirtualHostBroker broker = broker(context);
        return parameter.getParameter().getType() == TestBroker.class ? broker : broker.harness();
    }

    /**
     * The broker of the test class, opened on first use: a class with a per-class test instance
     * resolves its constructor's parameters before {@code beforeAll}.
     */
    private static VirtualHostBroker broker(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        VirtualHostBroker broker = store.get(BROKER, VirtualHostBroker.class);
        if (broker != null) {
            return broker;
        }
        ExtensionContext classContext = classContext(context);
        Class<?> testClass = classContext.getRequiredTestClass();
        double timeScale = AnnotationSupport.findAnnotation(testClass, WarrenTest.class).map(WarrenTest::timeScale).orElse(1.0);
        VirtualHostBroker opened = VirtualHostBroker.open(testClass.getSimpleName(), timeScale);
        ExtensionContext.Store classStore = classContext.getStore(NAMESPACE);
        classStore.put(BROKER, opened);
        classStore.put(OWNER, classContext.getUniqueId());
        return opened;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        @Nullable ExtensionContext current = context;
        while (current != null) {
            if (current.getTestMethod().isEmpty() && current.getTestClass().isPresent()) {
                return current;
            }
            current = current.getParent().orElse(null);
        }
        throw new IllegalStateException("@WarrenTest works on test classes; " + context.getDisplayName() + " is not in one");
    }
}
