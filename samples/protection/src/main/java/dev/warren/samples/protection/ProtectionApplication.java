package dev.warren.samples.protection;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The payment service: takes payments, and charges them through a gateway that may go down. */
@SpringBootApplication
public class ProtectionApplication {

    public static void main(String[] args) {
        SpringApplication.run(ProtectionApplication.class, args);
    }
}
