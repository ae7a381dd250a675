package dev.warren.samples.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.test.PostgresDatabase;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

/** Two instances of the sample against the real broker and database, as they would run in production. */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenTest
class VideoUploadIT {

    // Closed after the test's applications, which the extension closes first.
    @AutoClose
    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("video_upload");

    @Test
    void uploadAnswersAtOnceAndEachJobIsProcessedByExactlyOneWorker(TestBroker broker, WarrenHarness harness) {
        ConfigurableApplicationContext first = start(broker, "worker-a");
        start(broker, "worker-b");
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

        assertThat(harness.within(Duration.ofSeconds(60)).awaitConsumed("video.process", VideoJob.class, 6))
                .extracting(VideoJob::videoId).containsExactlyInAnyOrderElementsOf(videoIds);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> videoIds.forEach(id -> {
            Map<?, ?> video = api.get().uri("/videos/{id}", id).retrieve().body(Map.class);
            assertThat(video.get("status")).isEqualTo("done");
            assertThat((List<Object>) video.get("finished_steps"))
                    .containsExactlyInAnyOrder("thumbnail", "720p", "1080p", "notification");
        }));

        // An upload without a title is refused before anything is saved or queued.
        ResponseEntity<Map> untitled = api.post().uri("/videos").body(Map.of()).retrieve()
                .onStatus(status -> true, (request, response) -> { }).toEntity(Map.class);
        assertThat(untitled.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(400));

        JdbcClient jdbc = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(schema.jdbcUrl()));
        List<Map<String, Object>> rows = jdbc.sql("SELECT processed_by, deliveries FROM videos").query().listOfRows();
        assertThat(rows).hasSize(6).allSatisfy(row -> assertThat(row.get("deliveries")).isEqualTo(1));
        assertThat(rows).extracting(row -> row.get("processed_by")).contains("worker-a", "worker-b");
    }

    private ConfigurableApplicationContext start(TestBroker broker, String workerId) {
        // Command-line arguments, as an operator would start an instance; they override application.yml.
        return new SpringApplicationBuilder(VideoUploadApplication.class).initializers(broker.applicationInitializer()).run(
                "--server.port=0",
                "--spring.datasource.url=" + schema.jdbcUrl(),
                "--video.worker-id=" + workerId,
                // Save 20 ms, steps 50 ms to 600 ms: a job takes about a second.
                "--video.time-scale=0.01");
    }
}
