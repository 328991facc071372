package dev.envelope.kms;

import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.junit.LocalKms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * Real SDK clients for the local KMS endpoint, as the keyrings use them in production: the
 * URL-connection HTTP client, SigV4 with the endpoint's credentials, and the SDK's standard retry
 * strategy (3 attempts) with short back-off so fault tests stay fast. Closes what it built.
 */
final class TestKms implements AutoCloseable {
  private final LocalKms kms;
  private final List<KmsClient> clients = new ArrayList<>();

  TestKms(LocalKms kms) {
    this.kms = kms;
  }

  LocalKms local() {
    return kms;
  }

  /** The SDK's standard strategy: 3 attempts, retrying throttling, 5xx and I/O errors. */
  static RetryStrategy fastRetries() {
    return StandardRetryStrategy.builder()
        .maxAttempts(3)
        .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(10), Duration.ofMillis(100)))
        .throttlingBackoffStrategy(
            BackoffStrategy.exponentialDelay(Duration.ofMillis(20), Duration.ofMillis(200)))
        .circuitBreakerEnabled(false)
        .build();
  }

  KmsClient client(String region) {
    return client(region, kms.credentials(), b -> {});
  }

  synchronized KmsClient client(
      String region, KmsCredentials credentials, Consumer<KmsClientBuilder> customize) {
    KmsClientBuilder builder = kms.clientBuilder(region, credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(10)))
        .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(fastRetries()).build());
    customize.accept(builder);
    KmsClient client = builder.build();
    clients.add(client);
    return client;
  }

  /** One client per region, built on first use, with the endpoint's default credentials. */
  KmsClientSupplier supplier() {
    return supplier(kms.credentials());
  }

  KmsClientSupplier supplier(KmsCredentials credentials) {
    return KmsClientSupplier.caching(region -> client(region, credentials, b -> {}));
  }

  @Override
  public synchronized void close() {
    clients.forEach(KmsClient::close);
    clients.clear();
  }
}
