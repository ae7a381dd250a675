package dev.warren.samples.poison;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** The billing service: an API that takes orders, a worker that bills them, and the warren endpoint for the operator. */
@SpringBootApplication
public class PoisonMessagesApplication {

    public static void main(String[] args) {
        SpringApplication.run(PoisonMessagesApplication.class, args);
    }

    /**
     * Every request needs a user (HTTP Basic): the warren endpoint replays and discards messages, so
     * it must never be open. JSON API calls carry no CSRF token.
     */
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/actuator/**", "/orders/**"))
                .build();
    }
}
