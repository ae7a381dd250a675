package dev.warren.spring.autoconfigure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.spring.autoconfigure.WarrenProperties;
import dev.warren.topology.ManagementApi;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class ManagementApisTests {

    final WarrenProperties.Management management = new WarrenProperties().getManagement();
    final RabbitProperties rabbit = new RabbitProperties();

    @Test
    void withTlsTheApiIsGuessedOnlyOverHttps() {
        // The plain API of this host may answer on 15672 (the next test makes sure something does);
        // it must not be used, or the password would travel in clear next to a TLS connection.
        rabbit.setAddresses(List.of("amqps://127.0.0.1:5671"));

        ManagementApi api = ManagementApis.resolve(management, rabbit, null, null);

        assertThat(rabbit.getSsl().determineEnabled()).isTrue();
        assertThat(api == null || api.url().equals(URI.create("https://127.0.0.1:15671"))).as("%s", api).isTrue();
    }

    @Test
    void withoutTlsTheApiIsGuessedOverHttpOnTheBrokersHost() throws IOException {
        rabbit.setHost("127.0.0.1");
        try (ServerSocket api = bindUnlessTaken(ManagementApis.HTTP_PORT)) {
            assertThat(ManagementApis.resolve(management, rabbit, null, null).url()).isEqualTo(URI.create("http://127.0.0.1:15672"));
        }
    }

    /** A listener on the port, or none when something (such as the broker's management API) already listens there. */
    private static @org.jspecify.annotations.Nullable ServerSocket bindUnlessTaken(int port) throws IOException {
        try {
            return new ServerSocket(port, 50, java.net.InetAddress.getByName("127.0.0.1"));
        } catch (java.net.BindException taken) {
            return null;
        }
    }

    @Test
    void credentialsInTheUrlAreTakenOutOfIt() {
        management.setUrl(URI.create("https://ops:Pa55-word!@rabbit.internal:15671"));

        ManagementApi api = ManagementApis.resolve(management, rabbit, null, null);

        assertThat(api.url()).isEqualTo(URI.create("https://rabbit.internal:15671"));
        assertThat(api.username()).isEqualTo("ops");
        assertThat(api.password()).isEqualTo("Pa55-word!");
        assertThat(api.toString()).doesNotContain("Pa55-word!");
    }

    @Test
    void explicitPropertiesWinOverTheUrlsCredentials() {
        management.setUrl(URI.create("https://ops:old@rabbit.internal:15671"));
        management.setUsername("warren");
        management.setPassword("new");

        ManagementApi api = ManagementApis.resolve(management, rabbit, null, null);

        assertThat(api.username()).isEqualTo("warren");
        assertThat(api.password()).isEqualTo("new");
        assertThat(api.url().getUserInfo()).isNull();
    }

    @Test
    void plainHttpApiNextToATlsConnectionIsWarnedAbout(CapturedOutput output) {
        rabbit.getSsl().setEnabled(true);
        management.setUrl(URI.create("http://rabbit.internal:15672"));

        ManagementApis.resolve(management, rabbit, null, null);

        assertThat(output).contains("warren.management.url is http://rabbit.internal:15672 (plain http) while the RabbitMQ "
                + "connection uses TLS");
    }

    @Test
    void turningTlsVerificationOffIsWarnedAbout(CapturedOutput output) {
        rabbit.getSsl().setEnabled(true);
        rabbit.getSsl().setValidateServerCertificate(false);
        rabbit.getSsl().setVerifyHostname(false);

        ManagementApis.warnAboutUnverifiedTls(rabbit, null);

        assertThat(output).contains("spring.rabbitmq.ssl.validate-server-certificate is false",
                "spring.rabbitmq.ssl.verify-hostname is false");
    }

    @Test
    void urlWithoutHttpOrHttpsNamesTheProperty() {
        management.setUrl(URI.create("rabbit.internal:15672"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManagementApis.resolve(management, rabbit, null, null))
                .hasMessage("warren.management.url must be an http or https URL, such as https://rabbit.internal:15671, "
                        + "but was rabbit.internal:15672");
    }

    @Test
    void noCheckNoApi() {
        management.setCheckPolicies(false);
        management.setUrl(URI.create("https://rabbit.internal:15671"));

        assertThat(ManagementApis.resolve(management, rabbit, null, null)).isNull();
    }
}
