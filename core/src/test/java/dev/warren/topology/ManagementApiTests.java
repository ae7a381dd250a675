package dev.warren.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class ManagementApiTests {

    @Test
    void toStringLeavesThePasswordOut() throws Exception {
        ManagementApi api = new ManagementApi(URI.create("https://rabbit.internal:15671"), "warren", "Pa55-word!", "orders")
                .withSslContext(SSLContext.getDefault());

        assertThat(api.toString()).contains("https://rabbit.internal:15671", "warren", "orders").doesNotContain("Pa55-word!");
    }

    @Test
    void urlWithCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> new ManagementApi(URI.create("https://warren:Pa55-word!@rabbit.internal:15671"), "warren",
                "Pa55-word!", "/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not carry credentials")
                .hasMessageNotContaining("Pa55-word!");
    }

    @Test
    void onlyHttpAndHttpsAreAccepted() {
        assertThatThrownBy(() -> new ManagementApi(URI.create("ftp://rabbit.internal"), "guest", "guest", "/"))
                .hasMessageContaining("must be http or https but was ftp://rabbit.internal");
        assertThat(new ManagementApi(URI.create("HTTPS://rabbit.internal:15671"), "guest", "guest", "/").sslContext()).isNull();
    }
}
