package dev.envelope.localkms.junit;

import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.LocalKmsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * A started {@link LocalKmsServer} and ready-made AWS SDK clients for it: what {@link LocalKmsExtension}
 * injects into tests (and what other modules' tests reuse). Clients made here
 * are closed with the handle.
 *
 * <p>{@link #client()} does not retry, so a test sees every error once and call counts are exact;
 * build a retrying client with {@link #clientBuilder(String, KmsCredentials)}.
 */
@SuppressWarnings("exports") // SDK types in the API of a test helper, on the class path
public final class LocalKms implements AutoCloseable {
  private final LocalKmsServer server;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private KmsClient defaultClient;

  LocalKms(LocalKmsServer server) {
    this.server = server;
  }

  /** A handle on a server the caller already started; closing the handle stops the server. */
  public static LocalKms of(LocalKmsServer server) {
    return new LocalKms(java.util.Objects.requireNonNull(server, "server"));
  }

  /** Starts a server from the builder; the caller closes the handle. */
  public static LocalKms start(LocalKmsServer.Builder builder) {
    try {
      return new LocalKms(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the local KMS endpoint", e);
    }
  }

  public LocalKmsServer server() {
    return server;
  }

  public URI endpoint() {
    return server.endpoint();
  }

  /** The default Region (the first configured). */
  public String region() {
    return server.regions().get(0);
  }

  /** The first configured credentials. */
  public KmsCredentials credentials() {
    return server.credentials().get(0);
  }

  /** A non-retrying client for the default Region and credentials (one per handle). */
  public synchronized KmsClient client() {
    if (defaultClient == null) {
      defaultClient = client(region());
    }
    return defaultClient;
  }

  /** A new non-retrying client for a Region, with the default credentials. */
  public KmsClient client(String region) {
    return client(region, credentials());
  }

  /** A new non-retrying client for a Region and credentials. */
  public synchronized KmsClient client(String region, KmsCredentials credentials) {
    KmsClient client =
        clientBuilder(region, credentials)
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    closeables.add(client);
    return client;
  }

  /**
   * A client builder already pointed at the endpoint, with the Region, static credentials and an
   * Apache 5 HTTP client; the caller builds and closes the client.
   */
  public KmsClientBuilder clientBuilder(String region, KmsCredentials credentials) {
    return KmsClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.of(region))
        .credentialsProvider(StaticCredentialsProvider.create(awsCredentials(credentials)))
        .httpClientBuilder(Apache5HttpClient.builder().maxConnections(64));
  }

  /** The SDK form of credentials. */
  public static AwsCredentials awsCredentials(KmsCredentials credentials) {
    return credentials.sessionToken() == null
        ? AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())
        : AwsSessionCredentials.create(
            credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken());
  }

  /** Creates a symmetric key in the default Region and returns its ARN. */
  public String createKey() {
    return client().createKey(r -> r.description("test key")).keyMetadata().arn();
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a client cannot fail in a way a test could act on
      }
    }
    closeables.clear();
    server.close();
  }

  @Override
  public String toString() {
    return "LocalKms{" + server + "}";
  }
}
