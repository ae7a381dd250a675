package dev.warren.samples.images;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Test-only: wraps the application's {@link ImageOperations} to count each operation and to make
 * one of them fail on its first call, as a full disk or a crashing encoder would. The main code
 * knows nothing of it.
 */
final class FailureInjector implements BeanPostProcessor {

    private final String failOnce;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** @param failOnce the {@link ImageOperations} method whose first call fails */
    FailureInjector(String failOnce) {
        this.failOnce = failOnce;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof ImageOperations)) {
            return bean;
        }
        ProxyFactory proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) invocation -> {
            String operation = invocation.getMethod().getName();
            int call = calls.computeIfAbsent(operation, name -> new AtomicInteger()).incrementAndGet();
            if (operation.equals(failOnce) && call == 1) {
                throw new IOException(operation + " failed (injected by the test)");
            }
            return invocation.proceed();
        });
        return proxy.getProxy();
    }

    /** How often the operation was called, the failed call included. */
    int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }
}
