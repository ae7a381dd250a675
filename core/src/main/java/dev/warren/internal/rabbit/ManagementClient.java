package dev.warren.internal.rabbit;

import dev.warren.WarrenException;
import dev.warren.topology.ManagementApi;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads JSON from RabbitMQ's management API. HTTP/1.1, because the broker's server drops HTTP/2
 * upgrades. Over https the JDK's client verifies the certificate chain and the host name, with the
 * API's {@code SSLContext} when it has one; redirects are not followed, so the credentials go to
 * the configured host only.
 */
final class ManagementClient {

    private final ManagementApi api;
    private final JsonMapper mapper;
    private final HttpClient http;

    ManagementClient(ManagementApi api, JsonMapper mapper) {
        this.api = api;
        this.mapper = mapper;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(3));
        if (api.sslContext() != null) {
            builder.sslContext(api.sslContext());
        }
        this.http = builder.build();
    }

    String virtualHostPath() {
        return encode(api.virtualHost());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * GETs a path such as {@code /api/policies/%2F}.
     *
     * @throws WarrenException when the API does not answer, refuses, or answers something else than JSON
     */
    JsonNode get(String path) {
        URI uri = api.url().resolve(path);
        String credentials = Base64.getEncoder().encodeToString((api.username() + ":" + api.password()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + credentials).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (javax.net.ssl.SSLException e) {
            throw new WarrenException("The TLS handshake with the RabbitMQ management API at " + api.url() + " failed ("
                    + e.getMessage() + "), so the credentials were not sent; its certificate must be signed by a CA that "
                    + "the trust material trusts and name the host of the URL", e);
        } catch (IOException e) {
            throw new WarrenException("The RabbitMQ management API at " + api.url() + " did not answer (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarrenException("Interrupted while calling the management API at " + api.url(), e);
        }
        if (response.statusCode() != 200) {
            throw new WarrenException("The RabbitMQ management API at " + uri + " answered " + response.statusCode()
                    + "; the user '" + api.username() + "' needs the monitoring tag");
        }
        try {
            return mapper.readTree(response.body());
        } catch (JacksonException e) {
            throw new WarrenException("The RabbitMQ management API at " + uri + " answered something that is not JSON", e);
        }
    }
}
