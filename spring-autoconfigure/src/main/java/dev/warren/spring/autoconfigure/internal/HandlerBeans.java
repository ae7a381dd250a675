package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenEngine;
import dev.warren.WarrenException;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Subscribe;
import dev.warren.spring.autoconfigure.WarrenProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
    private final WarrenProperties properties;

    public HandlerBeans(ConfigurableListableBeanFactory beanFactory, WarrenEngine engine, WarrenProperties properties) {
        this.beanFactory = beanFactory;
        this.engine = engine;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<String> consumerNames = new TreeSet<>();
        for (String beanName : beanFactory.getBeanDefinitionNames()) {
            if (isInfrastructure(beanName)) {
                continue;
            }
            Class<?> type = beanFactory.getType(beanName, false);
            if (type == null || !hasHandlers(ClassUtils.getUserClass(type))) {
                continue;
            }
            Object bean = beanFactory.getBean(beanName);
            Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
            consumerNames.addAll(engine.register(bean, userClass));
        }
        List<String> unknown = new ArrayList<>(properties.getConsumers().keySet());
        unknown.removeAll(consumerNames);
        if (!unknown.isEmpty()) {
            throw new WarrenException("warren.consumers." + unknown.stream().map(k -> "[" + k + "]").toList()
                    + " match no handler; the handlers' consumer names are " + consumerNames
                    + " (a @Consumer's queue, or <topic>.<group> of a @Subscribe). Fix the key or remove the entry");
        }
    }

    private boolean isInfrastructure(String beanName) {
        return beanFactory.containsBeanDefinition(beanName)
                && beanFactory.getBeanDefinition(beanName).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE;
    }

    private static boolean hasHandlers(Class<?> type) {
        return !MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<Boolean>) method ->
                AnnotatedElementUtils.hasAnnotation(method, Consumer.class)
                        || AnnotatedElementUtils.hasAnnotation(method, Subscribe.class) ? Boolean.TRUE : null).isEmpty();
    }

    @Override
    public void start() {
        engine.start();
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
