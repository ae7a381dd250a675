package dev.warren.samples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The order service: the API and its four subscribers in one application. In production each
 * subscriber would usually be its own service; the queues and the code stay the same.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OrderPlacementApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrderPlacementApplication.class, args);
    }
}
