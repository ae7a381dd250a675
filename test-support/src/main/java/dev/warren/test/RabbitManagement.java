package dev.warren.test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The broker's management HTTP API, for tests that set up policies. Policies created here are
 * deleted with {@link #deletePolicy}.
 *
 * <pre>{@code
 * RabbitManagement management = RabbitBroker.get().management();
 * management.putPolicy("it-limit", "^" + queue + "$", "{\"delivery-limit\":2}");
 * }</pre>
 *
 * @since 0.1
 */
public final class RabbitManagement {

    private final URI url;
    private final String username;
    private final String password;
    private final String virtualHost;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();

    RabbitManagement(URI url, String username, String password, String virtualHost) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.virtualHost = virtualHost;
    }

    /** @return the API's base URL */
    public URI url() {
        return url;
    }

    /** @return the user */
    public String username() {
        return username;
    }

    /** @return the password; do not log it */
    public String password() {
        return password;
    }

    /** @return the virtual host */
    public String virtualHost() {
        return virtualHost;
    }

    /**
     * Creates or replaces a policy for queues.
     *
     * @param name the policy name
     * @param pattern the regular expression of queue names it applies to
     * @param definitionJson the definition, e.g. {@code {"delivery-limit":2}}
     */
    public void putPolicy(String name, String pattern, String definitionJson) {
        String body = "{\"pattern\":\"" + pattern.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"definition\":"
                + definitionJson + ",\"apply-to\":\"queues\",\"priority\":100}";
        send(HttpRequest.newBuilder(policy(name)).PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    /**
     * Deletes a policy; does nothing when it does not exist.
     *
     * @param name the policy name
     */
    public void deletePolicy(String name) {
        send(HttpRequest.newBuilder(policy(name)).DELETE());
    }

    private URI policy(String name) {
        return url.resolve("/api/policies/" + encode(virtualHost) + "/" + encode(name));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void send(HttpRequest.Builder request) {
        String credentials = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", "Basic " + credentials)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300 && response.statusCode() != 404) {
                throw new IllegalStateException("The management API answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("The management API at " + url + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the management API", e);
        }
    }
}
