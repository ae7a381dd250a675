package dev.warren.samples.delivery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Consumes a metrics stream at most once and an order stream at least once, side by side. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DeliveryGuaranteesApplication {

    public static void main(String[] args) {
        SpringApplication.run(DeliveryGuaranteesApplication.class, args);
    }
}
