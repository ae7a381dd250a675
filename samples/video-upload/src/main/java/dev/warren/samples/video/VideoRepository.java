package dev.warren.samples.video;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Videos and their finished steps, shared by the API and every worker instance. */
@Repository
public class VideoRepository {

    private final JdbcClient jdbc;

    public VideoRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void create(String videoId, String title) {
        jdbc.sql("INSERT INTO videos (id, title, status) VALUES (?, ?, 'processing')").params(videoId, title).update();
    }

    public Optional<Video> find(String videoId) {
        List<String> steps = finishedSteps(videoId);
        return jdbc.sql("SELECT id, title, status, processed_by FROM videos WHERE id = ?").param(videoId)
                .query((rs, row) -> new Video(rs.getString("id"), rs.getString("title"), rs.getString("status"), steps,
                        rs.getString("processed_by")))
                .optional();
    }

    /** Records which worker took the job, counting deliveries so a duplicate shows. */
    public void startedBy(String videoId, String workerId) {
        jdbc.sql("UPDATE videos SET processed_by = ?, deliveries = deliveries + 1 WHERE id = ?").params(workerId, videoId).update();
    }

    public List<String> finishedSteps(String videoId) {
        return jdbc.sql("SELECT step FROM video_steps WHERE video_id = ? ORDER BY finished_at, step").param(videoId)
                .query(String.class).list();
    }

    /** Idempotent: a step finished before a redelivery is recorded once. */
    public void finishStep(String videoId, String step) {
        jdbc.sql("INSERT INTO video_steps (video_id, step) VALUES (?, ?) ON CONFLICT DO NOTHING").params(videoId, step).update();
    }

    public void markDone(String videoId) {
        jdbc.sql("UPDATE videos SET status = 'done' WHERE id = ?").param(videoId).update();
    }
}
