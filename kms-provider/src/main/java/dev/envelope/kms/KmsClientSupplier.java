package dev.envelope.kms;

import dev.envelope.KeyProviderException;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Gives the keyrings a {@link KmsClient} for an AWS region. The region always comes from a key ARN
 * or from the keyring's configuration, never from a default: a keyring does not guess where a key
 * lives.
 *
 * <p>A keyring built without a supplier or client uses {@link #defaultSupplier()}. To control
 * credentials, endpoints, retries or timeouts, pass {@link #caching(Function)} a factory that
 * builds the client for a region.
 *
 * <p>Implementations must be thread-safe and should return the same client for the same region
 * (clients are expensive to build and hold connection pools).
 */
@FunctionalInterface
public interface KmsClientSupplier {
  /**
   * The client for {@code region}, e.g. {@code us-west-2}.
   *
   * <p>Must return a client configured for that region: the keyrings check the client's region
   * before each call and fail with {@link KeyProviderException.Reason#WRONG_REGION} otherwise.
   */
  KmsClient clientFor(String region);

  /**
   * A supplier that builds one client per region on first use and reuses it: the SDK's default
   * credentials chain, the URL-connection HTTP client, default retries. Each call returns a new
   * supplier with its own clients; share one supplier between keyrings to share clients.
   */
  static KmsClientSupplier defaultSupplier() {
    return caching(region -> KmsClient.builder()
        .region(Region.of(region))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build());
  }

  /**
   * A supplier that calls {@code factory} once per region, on first use, and reuses its client.
   * Concurrent first uses of one region build one client.
   */
  static KmsClientSupplier caching(Function<String, KmsClient> factory) {
    return new CachingClientSupplier(factory);
  }
}
