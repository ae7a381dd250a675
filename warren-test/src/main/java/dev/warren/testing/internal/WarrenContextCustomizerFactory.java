package dev.warren.testing.internal;

import dev.warren.testing.WarrenSpringTest;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives the application context of each {@link WarrenSpringTest} class a
 * {@link VirtualHostBroker} of its own. Registered in {@code META-INF/spring.factories}; does
 * nothing for other tests.
 */
public final class WarrenContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        WarrenSpringTest test = TestContextAnnotationUtils.findMergedAnnotation(testClass, WarrenSpringTest.class);
        return test == null ? null : new BrokerCustomizer(test.timeScale());
    }

    /**
     * Opens the virtual host as the context is prepared and deletes it after the context's beans
     * are destroyed. Equal for equal time scales, as Spring's context cache requires; each
     * context still gets a virtual host of its own.
     *
     * @param timeScale what the application's waits are multiplied by
     */
    record BrokerCustomizer(double timeScale) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration configuration) {
            VirtualHostBroker broker = VirtualHostBroker.open(configuration.getTestClass().getSimpleName(), timeScale);
            if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
                // Disposable beans are destroyed newest first, and this one is registered before the
                // application's: the virtual host goes after the engine and the connection factory.
                registry.registerDisposableBean("warrenTestVirtualHost", broker::close);
            } else {
                context.addApplicationListener(event -> {
                    if (event instanceof ContextClosedEvent) {
                        broker.close();
                    }
                });
            }
            broker.configure(context);
        }
    }
}
