package dev.envelope.kms;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * One client per region, built on first use by the factory and reused; what {@link
 * KmsClientSupplier#caching} returns. Package-private beside its interface, so that the two do
 * not import each other across packages. Thread-safe.
 */
final class CachingClientSupplier implements KmsClientSupplier {
  private final Function<String, KmsClient> factory;
  private final ConcurrentMap<String, KmsClient> clients = new ConcurrentHashMap<>();

  CachingClientSupplier(Function<String, KmsClient> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public KmsClient clientFor(String region) {
    Objects.requireNonNull(region, "region");
    return clients.computeIfAbsent(region, r -> Objects.requireNonNull(
        factory.apply(r), () -> "the KMS client factory returned null for region " + r));
  }

  @Override
  public String toString() {
    return "CachingKmsClientSupplier" + clients.keySet();
  }
}
