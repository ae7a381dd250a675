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
import org.jspecify.annotations.Nullable;

/**
 * The broker's management HTTP API, for tests that set up policies or virtual hosts. Policies
 * created here are deleted with {@link #deletePolicy}, virtual hosts with {@link #deleteVirtualHost}.
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
    private final javax.net.ssl.@Nullable SSLContext sslContext;
    private final HttpClient http;

    RabbitManagement(URI url, String username, String password, String virtualHost) {
        this(url, username, password, virtualHost, null);
    }

    /** An API over https whose certificate is verified with {@code sslContext}'s trust material. */
    RabbitManagement(URI url, String username, String password, String virtualHost, javax.net.ssl.@Nullable SSLContext sslContext) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.virtualHost = virtualHost;
        this.sslContext = sslContext;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3));
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
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
     * Whether the API answers an authenticated request, as it does once the plugin has started.
     *
     * @return {@code true} when {@code GET /api/overview} answers 200
     */
    boolean answers() {
        try {
            return status(HttpRequest.newBuilder(url.resolve("/api/overview")).GET()) == 200;
        } catch (IllegalStateException e) {
            return false;
        }
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

    /**
     * The same API acting on another virtual host's policies.
     *
     * @param name the virtual host
     * @return an API for that virtual host, with these credentials
     */
    public RabbitManagement forVirtualHost(String name) {
        return new RabbitManagement(url, username, password, name, sslContext);
    }

    /**
     * Creates a virtual host and gives this API's user every permission in it.
     *
     * @param name the virtual host
     * @throws IllegalStateException when the API refuses, for example for a user without the
     *     administrator tag
     */
    public void createVirtualHost(String name) {
        send(HttpRequest.newBuilder(virtualHostUri(name)).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"description\":\"created by a test\",\"tags\":\"warren-test\"}")).header("Content-Type", "application/json"));
        send(HttpRequest.newBuilder(url.resolve("/api/permissions/" + encode(name) + "/" + encode(username)))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"))
                .header("Content-Type", "application/json"));
    }

    /**
     * Deletes a virtual host with everything in it (queues, exchanges, policies, permissions);
     * closes its connections. Does nothing when it does not exist.
     *
     * @param name the virtual host
     */
    public void deleteVirtualHost(String name) {
        send(HttpRequest.newBuilder(virtualHostUri(name)).DELETE());
    }

    /**
     * Whether a virtual host exists.
     *
     * @param name the virtual host
     * @return {@code true} when the API knows it
     */
    public boolean virtualHostExists(String name) {
        return status(HttpRequest.newBuilder(virtualHostUri(name)).GET()) == 200;
    }

    /**
     * Creates a user (or replaces its password and tags) and gives it every permission in this API's
     * virtual host. Delete it with {@link #deleteUser}.
     *
     * @param name the user name
     * @param password its password
     * @param tags its tags, comma-separated, e.g. {@code monitoring}; empty for none
     * @throws IllegalStateException when the API refuses, for example for a user without the
     *     administrator tag
     */
    public void createUser(String name, String password, String tags) {
        String body = "{\"password\":\"" + json(password) + "\",\"tags\":\"" + json(tags) + "\"}";
        send(HttpRequest.newBuilder(url.resolve("/api/users/" + encode(name))).PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
        send(HttpRequest.newBuilder(url.resolve("/api/permissions/" + encode(virtualHost) + "/" + encode(name)))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"))
                .header("Content-Type", "application/json"));
    }

    /**
     * Creates or replaces a user without tags, with the given permissions in one virtual host. Delete
     * it with {@link #deleteUser}.
     *
     * @param name the user
     * @param password its password
     * @param virtualHost the virtual host
     * @param configure the configure expression
     * @param write the write expression
     * @param read the read expression
     */
    public void createUser(String name, String password, String virtualHost, String configure, String write, String read) {
        send(HttpRequest.newBuilder(url.resolve("/api/users/" + encode(name))).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"password\":" + quoted(password) + ",\"tags\":\"\"}")).header("Content-Type", "application/json"));
        send(HttpRequest.newBuilder(url.resolve("/api/permissions/" + encode(virtualHost) + "/" + encode(name)))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"configure\":" + quoted(configure) + ",\"write\":" + quoted(write)
                        + ",\"read\":" + quoted(read) + "}"))
                .header("Content-Type", "application/json"));
    }

    /**
     * Deletes a user, closing its connections' access; does nothing when it does not exist.
     *
     * @param name the user name
     */
    public void deleteUser(String name) {
        send(HttpRequest.newBuilder(url.resolve("/api/users/" + encode(name))).DELETE());
    }

    /**
     * Whether a user exists.
     *
     * @param name the user name
     * @return {@code true} when the API knows it
     */
    public boolean userExists(String name) {
        return status(HttpRequest.newBuilder(url.resolve("/api/users/" + encode(name))).GET()) == 200;
    }

    /**
     * Imports RabbitMQ definitions (queues, exchanges, bindings, ...) into a virtual host, as the
     * management UI's import does.
     *
     * @param virtualHost the virtual host
     * @param definitionsJson the definitions, {@code {"queues":[...],"exchanges":[...],"bindings":[...]}}
     */
    public void importDefinitions(String virtualHost, String definitionsJson) {
        send(HttpRequest.newBuilder(url.resolve("/api/definitions/" + encode(virtualHost)))
                .POST(HttpRequest.BodyPublishers.ofString(definitionsJson)).header("Content-Type", "application/json"));
    }

    /**
     * A queue of this API's virtual host as the management API describes it: its type, arguments,
     * effective policy definition and counters. Parse it with any JSON mapper.
     *
     * @param name the queue
     * @return the JSON object of {@code GET /api/queues/<vhost>/<name>}
     * @throws IllegalStateException when the queue does not exist or the API refuses
     */
    public String queue(String name) {
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(url.resolve("/api/queues/" + encode(virtualHost) + "/"
                + encode(name))).GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The management API answered " + response.statusCode() + " for queue '" + name
                    + "' in virtual host '" + virtualHost + "': " + response.body());
        }
        return response.body();
    }

    private static String json(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String quoted(String value) {
        return "\"" + json(value) + "\"";
    }

    private URI virtualHostUri(String name) {
        return url.resolve("/api/vhosts/" + encode(name));
    }

    private URI policy(String name) {
        return url.resolve("/api/policies/" + encode(virtualHost) + "/" + encode(name));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void send(HttpRequest.Builder request) {
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() >= 300 && response.statusCode() != 404) {
            throw new IllegalStateException("The management API answered " + response.statusCode() + ": " + response.body());
        }
    }

    private int status(HttpRequest.Builder request) {
        return exchange(request).statusCode();
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        String credentials = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        try {
            return http.send(request.header("Authorization", "Basic " + credentials)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("The management API at " + url + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the management API", e);
        }
    }
}
