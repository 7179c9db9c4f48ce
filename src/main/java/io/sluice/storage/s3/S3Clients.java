package io.sluice.storage.s3;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** S3 clients built the same way for exports and for the cluster's shared results. */
final class S3Clients {

    private S3Clients() {
    }

    static AwsCredentialsProvider credentials(S3Config config) {
        return config.accessKey().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    }

    static S3Configuration service(S3Config config) {
        return S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).chunkedEncodingEnabled(false).build();
    }

    static S3Client client(S3Config config) {
        // Checksums only where S3 requires them: many S3-compatible services reject the SDK's newer
        // default checksum headers on uploads.
        var builder = S3Client.builder().region(Region.of(config.region())).credentialsProvider(credentials(config))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(service(config)).httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)));
        if (!config.endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(config.endpoint()));
        }
        return builder.build();
    }
}
