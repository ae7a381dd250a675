package dev.warren.samples.images;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The image service: the upload API and every pipeline stage in one application; run it more than once to add workers. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ImagePipelineApplication {

    public static void main(String[] args) {
        SpringApplication.run(ImagePipelineApplication.class, args);
    }
}
