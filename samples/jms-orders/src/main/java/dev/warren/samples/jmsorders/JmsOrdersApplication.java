package dev.warren.samples.jmsorders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The order service and its two subscribers in one application, on the embedded ActiveMQ Artemis.
 * Nothing here names JMS: {@code warren.transport} in application.yml does.
 */
@SpringBootApplication
public class JmsOrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(JmsOrdersApplication.class, args);
    }
}
