package dev.warren.samples.video;

import java.util.List;

/**
 * The job on the queue: small, a reference to the video rather than the video itself. On the wire
 * (snake_case, see application.yml): {@code {"job":"transcode","video_id":"...","tasks":["thumbnail","720p","1080p"]}}.
 *
 * @param job what kind of job
 * @param videoId the video to process
 * @param tasks the steps to run, in order
 */
public record VideoJob(String job, String videoId, List<String> tasks) {
}
