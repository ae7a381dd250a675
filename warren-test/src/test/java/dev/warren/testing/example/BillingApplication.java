package dev.warren.testing.example;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application of the README's testing example. */
@SpringBootApplication
public class BillingApplication {
}
