package dev.warren.samples.notifications;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The three providers; in a real service, the clients of a push service, a mail server and an SMS gateway. */
@Configuration(proxyBeanMethods = false)
public class Providers {

    @Bean
    SimulatedProvider pushProvider() {
        return new SimulatedProvider(ChannelSenders.PUSH, false);
    }

    @Bean
    SimulatedProvider emailProvider() {
        return new SimulatedProvider(ChannelSenders.EMAIL, false);
    }

    @Bean
    SimulatedProvider smsProvider(NotificationsProperties properties) {
        return new SimulatedProvider(ChannelSenders.SMS, properties.smsFailsFirstAttempt());
    }
}
