package dev.warren.cli;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The names of a virtual host's queues, from the management API, for {@code list} without a
 * topology file. Redirects are not followed, so that the credentials go to the given host only.
 */
final class ManagementQueues {

    private final ManagementApi api;
    private final JsonMapper mapper;

    ManagementQueues(ManagementApi api, JsonMapper mapper) {
        this.api = api;
        this.mapper = mapper;
    }

    /**
     * @return every queue name in the virtual host, as the API lists them
     * @throws WarrenException when the API does not answer or refuses, saying which and what to check
     */
    List<String> names() {
        String vhost = URLEncoder.encode(api.virtualHost(), StandardCharsets.UTF_8).replace("+", "%20");
        URI uri = api.url().resolve("/api/queues/" + vhost + "?columns=name");
        String credentials = Base64.getEncoder()
                .encodeToString((api.username() + ":" + api.password()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + credentials).GET().build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new WarrenException("The management API does not answer at " + api.url() + " (" + e
                    + "); give --management-url, or list the queues of a topology file with --topology", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarrenException("Interrupted while asking the management API at " + api.url(), e);
        }
        if (response.statusCode() == 401) {
            throw new WarrenException("The management API at " + api.url() + " refused user '" + api.username()
                    + "' (401); check the user and password of --uri, and that the user has the management tag");
        }
        if (response.statusCode() != 200) {
            throw new WarrenException("The management API at " + api.url() + " answered " + response.statusCode()
                    + " to GET /api/queues/" + vhost + "; check that virtual host '" + api.virtualHost() + "' exists");
        }
        List<String> names = new ArrayList<>();
        try {
            for (JsonNode queue : mapper.readTree(response.body())) {
                names.add(queue.path("name").asString());
            }
        } catch (JacksonException e) {
            throw new WarrenException("The management API at " + api.url() + " answered something else than JSON; "
                    + "check that --management-url is the API's base URL, such as http://host:15672", e);
        }
        return names;
    }
}
