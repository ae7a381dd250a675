package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Subscribe;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds the beans with {@code @Consumer} and {@code @Subscribe} methods once all singletons exist,
 * registers them with the engine, and starts and stops the engine with the application context.
 *
 * <p>Starts before the web server and stops after it, so that requests in flight can still publish
 * and consumers drain before the connection closes.
 */
public final class HandlerBeans implements SmartInitializingSingleton, SmartLifecycle {

    /** Before the web server (which starts at DEFAULT_PHASE - 2048) and after it on shutdown. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final ConfigurableListableBeanFactory beanFactory;
    private final WarrenEngine engine;
    private static final Logger log = LoggerFactory.getLogger(HandlerBeans.class);

    private final PropertiesConverter converter;
    private final java.util.List<java.util.function.Consumer<WarrenEngine>> startListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public HandlerBeans(ConfigurableListableBeanFactory beanFactory, WarrenEngine engine, PropertiesConverter converter) {
        this.beanFactory = beanFactory;
        this.engine = engine;
        this.converter = converter;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<String> consumerNames = new TreeSet<>();
        List<Handler> handlers = find(beanFactory);
        handlers.forEach(handler -> consumerNames.addAll(engine.register(handler.bean(), handler.annotatedType())));
        if (converter.usesBothTransports()) {
            // The JMS engine runs the other handlers; their entries are no typos. It leaves the warning to this one.
            dev.warren.internal.handler.HandlerScanner scanner = new dev.warren.internal.handler.HandlerScanner(
                    dev.warren.consumer.ConsumerSettings.DEFAULTS, dev.warren.consumer.ConsumerCustomizer.NONE,
                    converter::resolveName);
            handlers.forEach(handler -> scanner.scan(handler.bean(), handler.annotatedType())
                    .forEach(endpoint -> consumerNames.add(endpoint.consumerName())));
        }
        warnUnmatched(converter, consumerNames);
    }

    /**
     * A bean with handler methods.
     *
     * @param bean the bean whose methods are invoked
     * @param annotatedType the class that declares the annotations: the user class behind a proxy
     */
    public record Handler(Object bean, Class<?> annotatedType) {
    }

    /**
     * The beans with {@code @Consumer} or {@code @Subscribe} methods, creating them if need be.
     *
     * @param beanFactory the bean factory to search
     * @return the handler beans, in registration order
     */
    public static List<Handler> find(ConfigurableListableBeanFactory beanFactory) {
        List<Handler> handlers = new ArrayList<>();
        for (String beanName : beanFactory.getBeanDefinitionNames()) {
            if (isInfrastructure(beanFactory, beanName)) {
                continue;
            }
            Class<?> type = beanFactory.getType(beanName, false);
            if (type == null || !hasHandlers(ClassUtils.getUserClass(type))) {
                continue;
            }
            Object bean = beanFactory.getBean(beanName);
            handlers.add(new Handler(bean, ClassUtils.getUserClass(AopUtils.getTargetClass(bean))));
        }
        return handlers;
    }

    /** Logs the {@code warren.queues} entries that name none of the handlers, which are likely typos. */
    static void warnUnmatched(PropertiesConverter converter, Set<String> consumerNames) {
        Set<String> unmatched = converter.unmatchedQueueProperties(consumerNames);
        if (!unmatched.isEmpty()) {
            log.warn("{} match no handler of this application and are ignored; the handlers' consumer names are {} "
                    + "(a @Consumer's queue, or <topic>.<group> of a @Subscribe)", unmatched, consumerNames);
        }
    }

    private static boolean isInfrastructure(ConfigurableListableBeanFactory beanFactory, String beanName) {
        return beanFactory.containsBeanDefinition(beanName)
                && beanFactory.getBeanDefinition(beanName).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE;
    }

    private static boolean hasHandlers(Class<?> type) {
        return !MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<Boolean>) method ->
                AnnotatedElementUtils.hasAnnotation(method, Consumer.class)
                        || AnnotatedElementUtils.hasAnnotation(method, Subscribe.class) ? Boolean.TRUE : null).isEmpty();
    }

    /** Called once the engine runs, e.g. to register its meters. */
    public void onStarted(java.util.function.Consumer<WarrenEngine> listener) {
        startListeners.add(listener);
    }

    @Override
    public void start() {
        engine.start();
        startListeners.forEach(listener -> listener.accept(engine));
    }

    @Override
    public void stop() {
        engine.stop();
    }

    @Override
    public boolean isRunning() {
        return engine.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
