package dev.warren.samples.video;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The video upload service: the API and a worker in one application; run it more than once to add workers. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VideoUploadApplication {

    public static void main(String[] args) {
        SpringApplication.run(VideoUploadApplication.class, args);
    }
}
