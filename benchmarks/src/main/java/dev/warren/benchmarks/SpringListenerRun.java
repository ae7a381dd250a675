package dev.warren.benchmarks;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.aopalliance.aop.Advice;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.MethodRabbitListenerEndpoint;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Baseline: what a {@code @RabbitListener} method becomes in a Spring Boot application, built
 * without a Spring context. A {@link SimpleRabbitListenerContainerFactory} with a
 * {@link JacksonJsonMessageConverter} creates the container for a {@link MethodRabbitListenerEndpoint}
 * on the bean's {@code handle} method, so the body is converted to the method's parameter type;
 * acknowledgement is {@link AcknowledgeMode#AUTO} (Boot's default): the container acks after the
 * method returns and rejects when it throws.
 */
final class SpringListenerRun implements Run {

    /** The name of the listener method on every bean given to this run. */
    static final String LISTENER_METHOD = "handle";

    private final CachingConnectionFactory factory;
    private final List<Queue> declared;
    private final SimpleMessageListenerContainer container;

    /**
     * @param declared the queues to declare, the consumed one first
     * @param bean an object with one method named {@value #LISTENER_METHOD}, as a {@code @RabbitListener} bean
     * @param adviceChain around each delivery, e.g. a retry interceptor; none for Boot's default
     */
    SpringListenerRun(CachingConnectionFactory factory, JsonMapper mapper, List<Queue> declared, Object bean, int concurrency,
            int prefetch, Advice... adviceChain) {
        this.factory = factory;
        this.declared = List.copyOf(declared);
        String queue = declared.get(0).getName();

        SimpleRabbitListenerContainerFactory containers = new SimpleRabbitListenerContainerFactory();
        containers.setConnectionFactory(factory);
        containers.setMessageConverter(new JacksonJsonMessageConverter(mapper));
        containers.setAcknowledgeMode(AcknowledgeMode.AUTO);
        containers.setConcurrentConsumers(concurrency);
        containers.setPrefetchCount(prefetch);
        containers.setTaskExecutor(new SimpleAsyncTaskExecutor("benchmark-listener-" + queue + "-"));
        containers.setAdviceChain(adviceChain);

        DefaultMessageHandlerMethodFactory methods = new DefaultMessageHandlerMethodFactory();
        methods.afterPropertiesSet();
        MethodRabbitListenerEndpoint endpoint = new MethodRabbitListenerEndpoint();
        endpoint.setId("benchmark-" + queue);
        endpoint.setQueueNames(queue);
        endpoint.setBean(bean);
        endpoint.setMethod(listenerMethod(bean));
        endpoint.setMessageHandlerMethodFactory(methods);

        this.container = containers.createListenerContainer(endpoint);
        container.afterPropertiesSet();
    }

    private static Method listenerMethod(Object bean) {
        List<Method> methods = Arrays.stream(bean.getClass().getDeclaredMethods())
                .filter(method -> method.getName().equals(LISTENER_METHOD))
                .toList();
        if (methods.size() != 1) {
            throw new IllegalArgumentException(bean.getClass().getName() + " must declare exactly one method named "
                    + LISTENER_METHOD + " but declares " + methods.size());
        }
        return methods.get(0);
    }

    @Override
    public List<String> queues() {
        return declared.stream().map(Queue::getName).toList();
    }

    @Override
    public void declare() {
        RabbitAdmin admin = new RabbitAdmin(factory);
        declared.forEach(admin::declareQueue);
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public void close() {
        container.stop();
        container.destroy();
    }
}
