package dev.warren.jms;

import com.rabbitmq.jms.admin.RMQDestination;
import jakarta.jms.Destination;
import jakarta.jms.Session;
import org.springframework.jms.support.destination.DestinationResolver;

/**
 * For JMS services and AMQP services on one RabbitMQ broker, with the RabbitMQ JMS client: a JMS
 * queue name is the AMQP queue of that name, reached through the default exchange, and bodies
 * travel as plain bytes instead of the JMS client's own format. A message a JMS service sends to
 * {@code orders} is then read by an AMQP {@code @Consumer(queue = "orders")}, and the other way
 * round.
 *
 * <pre>{@code
 * JmsWarrenEngine.builder(rabbitJmsConnectionFactory)
 *         .destinationResolver(new RabbitAmqpDestinations())
 * }</pre>
 *
 * <p>The JMS client does not declare these queues: the AMQP side (a {@code WarrenEngine}, or the
 * platform team) declares them. Topics stay JMS topics.
 *
 * @since 0.1
 */
public final class RabbitAmqpDestinations implements DestinationResolver {

    /** Creates the resolver. */
    public RabbitAmqpDestinations() {
    }

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSubDomain) throws jakarta.jms.JMSException {
        if (pubSubDomain) {
            return session.createTopic(name);
        }
        return new RMQDestination(name, "", name, name);
    }
}
