package dev.envelope.testkit.junit;

import dev.envelope.kms.KmsKeyring;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.localkms.junit.LocalKms;
import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A running local KMS endpoint ({@link LocalKmsServer}, reached through {@link LocalKms}) with a
 * fresh symmetric key: its endpoint URI, an AWS SDK v2 {@link KmsClient} configured for it (Region,
 * credentials, endpoint override; no retries, so a test sees every error once) and the key's ARN.
 * {@link KmsExtension} injects it; outside JUnit Jupiter (a jqwik container, a {@code main}) start
 * one with {@link #start()} and close it.
 *
 * <pre>{@code
 * try (KmsFixture kms = KmsFixture.start()) {
 *   Envelope envelope = Envelope.builder().keyring(kms.keyring()).build();
 * }
 * }</pre>
 *
 * <p>The endpoint keeps its keys in an ephemeral key store that is deleted when the fixture closes.
 * It is a test tool: plain HTTP on 127.0.0.1, random credentials. Thread-safe.
 */
@SuppressWarnings("exports") // AWS SDK types in the API of a test helper
public final class KmsFixture implements AutoCloseable {
  private final LocalKms kms;
  private final String keyArn;

  private KmsFixture(LocalKms kms, String keyArn) {
    this.kms = kms;
    this.keyArn = keyArn;
  }

  /** Starts an endpoint with the defaults of {@link LocalKmsServer.Builder} and creates a key. */
  public static KmsFixture start() {
    return start(b -> {});
  }

  /**
   * Starts an endpoint configured by {@code server} (Regions, credentials, clock...) and creates a
   * key in its first Region.
   */
  public static KmsFixture start(Consumer<LocalKmsServer.Builder> server) {
    Objects.requireNonNull(server, "server");
    LocalKmsServer.Builder builder = LocalKmsServer.builder();
    server.accept(builder);
    LocalKms kms = LocalKms.start(builder);
    try {
      return new KmsFixture(kms, kms.createKey());
    } catch (RuntimeException | Error e) {
      kms.close();
      throw e;
    }
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}, for an application's own client configuration. */
  public URI endpoint() {
    return kms.endpoint();
  }

  /** The endpoint's default (first) Region. */
  public String region() {
    return kms.region();
  }

  /** A client for the default Region with the endpoint's credentials, closed with the fixture. */
  public KmsClient client() {
    return kms.client();
  }

  /** The ARN of the fixture's key, a symmetric encryption key in the default Region. */
  public String keyArn() {
    return keyArn;
  }

  /** Creates another key in the default Region and returns its ARN. */
  public String createKey() {
    return kms.createKey();
  }

  /** A KMS keyring over the fixture's key and {@link #client()}. */
  public KmsKeyring keyring() {
    return KmsKeyring.builder().generatorKey(keyArn).kmsClient(client()).build();
  }

  /**
   * The endpoint's own test handle: more clients (other Regions, credentials, a retrying builder)
   * and the server (faults, call counts).
   */
  public LocalKms localKms() {
    return kms;
  }

  /** Stops the endpoint, closes its clients and deletes its ephemeral key store. */
  @Override
  public void close() {
    kms.close();
  }

  @Override
  public String toString() {
    return "KmsFixture{" + endpoint() + ", key " + keyArn + "}";
  }
}
