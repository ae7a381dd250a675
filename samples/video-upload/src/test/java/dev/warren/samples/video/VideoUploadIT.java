package dev.warren.samples.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

/** Two instances of the sample against the real broker and database, as they would run in production. */
@SuppressWarnings({"unchecked", "rawtypes"})
class VideoUploadIT {

    record Accepted(String status, String videoId) {
    }

    final String queue = RabbitBroker.uniqueName("sample.video.process");
    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("video_upload");
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory).workQueue(queue)
            .queues(List.of(queue + ".retry.1s", queue + ".retry.2s"));
    final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
        cleanup.close();
        connectionFactory.destroy();
        schema.close();
    }

    @Test
    void uploadAnswersAtOnceAndEachJobIsProcessedByExactlyOneWorker() {
        ConfigurableApplicationContext first = start("worker-a");
        start("worker-b");
        RestClient api = RestClient.create("http://localhost:" + first.getEnvironment().getProperty("local.server.port"));

        List<String> videoIds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ResponseEntity<Map> response = api.post().uri("/videos").body(Map.of("title", "holiday " + i))
                    .retrieve().toEntity(Map.class);
            assertThat(response.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(202));
            assertThat(response.getBody()).containsEntry("status", "processing").containsKey("video_id");
            String videoId = (String) response.getBody().get("video_id");
            videoIds.add(videoId);
            if (i == 0) {
                // The answer came before the work: the transcoding steps are not finished yet.
                Map<?, ?> video = api.get().uri("/videos/{id}", videoId).retrieve().body(Map.class);
                assertThat(video.get("status")).isEqualTo("processing");
                assertThat((List<Object>) video.get("finished_steps")).doesNotContain("1080p");
            }
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> videoIds.forEach(id -> {
            Map<?, ?> video = api.get().uri("/videos/{id}", id).retrieve().body(Map.class);
            assertThat(video.get("status")).isEqualTo("done");
            assertThat((List<Object>) video.get("finished_steps"))
                    .containsExactlyInAnyOrder("thumbnail", "720p", "1080p", "notification");
        }));

        JdbcClient jdbc = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(schema.jdbcUrl()));
        List<Map<String, Object>> rows = jdbc.sql("SELECT processed_by, deliveries FROM videos").query().listOfRows();
        assertThat(rows).hasSize(6).allSatisfy(row -> assertThat(row.get("deliveries")).isEqualTo(1));
        assertThat(rows).extracting(row -> row.get("processed_by")).contains("worker-a", "worker-b");
    }

    private ConfigurableApplicationContext start(String workerId) {
        // Command-line arguments, as an operator would start an instance; they override application.yml.
        ConfigurableApplicationContext context = new SpringApplicationBuilder(VideoUploadApplication.class).run(
                "--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(),
                "--spring.datasource.url=" + schema.jdbcUrl(),
                "--video.queue=" + queue,
                "--video.worker-id=" + workerId,
                // Save 20 ms, steps 50 ms to 600 ms: a job takes about a second.
                "--video.time-scale=0.01");
        instances.add(context);
        return context;
    }
}
