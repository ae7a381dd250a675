package dev.warren.spring.autoconfigure.internal;

import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The operator console at {@code /warren/index.html}: a static page that reads and operates the
 * {@code warren} Actuator endpoint. Off unless {@code warren.console.enabled=true}; when on, it is
 * behind the application's security like every other request, and it shows data only when the
 * endpoint is exposed ({@code management.endpoints.web.exposure.include=health,warren}).
 *
 * <p>The page's files are in {@code META-INF/warren-console/}, which nothing serves by default. This
 * configuration maps {@code /warren/**} itself, ahead of Spring MVC's static resources but after the
 * application's controllers: to the console's files when it is enabled, and to no location at all
 * (404) when it is not.
 *
 * <p>spring-webmvc is optional for Warren and not on its compile class path, so the two Spring MVC
 * beans are declared by class name; this class only applies to servlet applications that have it.
 * Runs on the main thread while the context starts; the beans it declares are Spring MVC's own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = ConsoleConfiguration.RESOURCE_HANDLER)
@Import(ConsoleConfiguration.ConsoleMapping.class)
public class ConsoleConfiguration {

    /** The property that turns the console on. */
    static final String ENABLED_PROPERTY = "warren.console.enabled";

    static final String RESOURCE_HANDLER = "org.springframework.web.servlet.resource.ResourceHttpRequestHandler";

    static final String URL_HANDLER_MAPPING = "org.springframework.web.servlet.handler.SimpleUrlHandlerMapping";

    /** Where the console's files are in the jar. */
    static final String LOCATION = "classpath:/META-INF/warren-console/";

    static final String FILES_BEAN = "warrenConsoleFiles";

    /** The console's URLs. */
    static final String PATH_PATTERN = "/warren/**";

    /**
     * Just before Spring MVC's static resources ({@code Ordered.LOWEST_PRECEDENCE - 1}), so that
     * this mapping decides what {@code /warren/**} serves while an application's own controllers
     * still come first.
     */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 2;

    /** Declares the {@code /warren/**} mapping, with the console's files or with none. */
    static final class ConsoleMapping implements ImportBeanDefinitionRegistrar, EnvironmentAware {

        private boolean enabled;

        @Override
        public void setEnvironment(Environment environment) {
            this.enabled = environment.getProperty(ENABLED_PROPERTY, Boolean.class, false);
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            // With no location the handler finds no file and answers 404, as for any missing resource.
            BeanDefinition files = BeanDefinitionBuilder.genericBeanDefinition(RESOURCE_HANDLER)
                    .addPropertyValue("locationValues", enabled ? List.of(LOCATION) : List.of())
                    .getBeanDefinition();
            registry.registerBeanDefinition(FILES_BEAN, files);
            // SimpleUrlHandlerMapping looks a handler given as a String up by bean name.
            BeanDefinition mapping = BeanDefinitionBuilder.genericBeanDefinition(URL_HANDLER_MAPPING)
                    .addPropertyValue("urlMap", Map.of(PATH_PATTERN, FILES_BEAN))
                    .addPropertyValue("order", ORDER)
                    .getBeanDefinition();
            registry.registerBeanDefinition("warrenConsoleHandlerMapping", mapping);
        }
    }
}
