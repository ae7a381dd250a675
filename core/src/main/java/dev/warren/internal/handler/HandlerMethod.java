package dev.warren.internal.handler;

import dev.warren.MessageContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * One annotated method bound to its bean: which parameter takes the payload, which the context.
 * Called on a consumer thread, once per delivery; immutable.
 */
public final class HandlerMethod {

    private final Object bean;
    private final Method method;
    private final int payloadIndex;
    private final int contextIndex;
    private final String description;

    HandlerMethod(Object bean, Method method, int payloadIndex, int contextIndex) {
        this.bean = bean;
        this.method = method;
        this.payloadIndex = payloadIndex;
        this.contextIndex = contextIndex;
        this.description = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        method.trySetAccessible();
    }

    /** The declared type of the payload parameter, generics included. */
    public Type payloadType() {
        return method.getGenericParameterTypes()[payloadIndex];
    }

    /** Whether the payload parameter is marked {@code @jakarta.validation.Valid}; read by name, so Jakarta Validation stays optional. */
    public boolean validatesPayload() {
        for (java.lang.annotation.Annotation annotation : method.getParameterAnnotations()[payloadIndex]) {
            if (annotation.annotationType().getName().equals("jakarta.validation.Valid")) {
                return true;
            }
        }
        return false;
    }

    /** A short name for logs and dead-letter reasons: {@code VideoWorker.process}. */
    public String describe() {
        return description;
    }

    /**
     * Calls the method.
     *
     * @throws Throwable whatever the method throws, unwrapped
     */
    public void invoke(@Nullable Object payload, MessageContext context) throws Throwable {
        Object[] arguments = new Object[method.getParameterCount()];
        arguments[payloadIndex] = payload;
        if (contextIndex >= 0) {
            arguments[contextIndex] = context;
        }
        try {
            method.invoke(bean, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() != null ? e.getCause() : e;
        }
    }
}
