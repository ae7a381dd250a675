package dev.warren.samples.video;

import dev.warren.MessageContext;
import dev.warren.annotation.Consumer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs the slow steps of a job. Each job goes to exactly one of the competing workers; it is
 * acknowledged when this method returns, so a worker that dies midway leaves the job to another,
 * which skips the steps already finished.
 */
@Component
public class VideoWorker {

    private static final Logger log = LoggerFactory.getLogger(VideoWorker.class);

    private final VideoRepository videos;
    private final MediaSteps media;
    private final VideoProperties properties;

    public VideoWorker(VideoRepository videos, MediaSteps media, VideoProperties properties) {
        this.videos = videos;
        this.media = media;
        this.properties = properties;
    }

    @Consumer(queue = "${video.queue}")
    void process(VideoJob job, MessageContext context) throws InterruptedException {
        log.info("Worker {} processing video {} (attempt {})", properties.workerId(), job.videoId(), context.attempt());
        videos.startedBy(job.videoId(), properties.workerId());
        List<String> done = videos.finishedSteps(job.videoId());
        for (String task : job.tasks()) {
            if (!done.contains(task)) {
                media.run(task, job.videoId());
                videos.finishStep(job.videoId(), task);
            }
        }
        media.notifyOwner(job.videoId());
        videos.finishStep(job.videoId(), "notification");
        videos.markDone(job.videoId());
    }
}
