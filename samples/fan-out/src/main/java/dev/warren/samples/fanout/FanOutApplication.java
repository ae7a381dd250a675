package dev.warren.samples.fanout;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The user service and four subscribers in one application. In production each subscriber would
 * usually live in the service that owns it (the mailer, the CRM sync); the code stays the same.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FanOutApplication {

    public static void main(String[] args) {
        SpringApplication.run(FanOutApplication.class, args);
    }
}
