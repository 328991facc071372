package dev.envelope.cli;

import dev.envelope.Keyring;
import dev.envelope.kms.DiscoveryFilter;
import dev.envelope.kms.KmsClientSupplier;
import dev.envelope.kms.KmsDiscoveryKeyring;
import dev.envelope.kms.KmsKeyring;
import dev.envelope.opentelemetry.EnvelopeTelemetry;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * Builds the KMS keyrings of {@link KmsKeyringOptions}, with AWS SDK clients: the only CLI class
 * that names the SDK, so its classes load only when a {@code --kms-*} option is used.
 *
 * <p>Clients: one per region (the region of each key ARN), or one for {@code --kms-region}; the
 * URL-connection HTTP client; {@code --kms-endpoint} as endpoint override; the SDK's default
 * retries, within the keyrings' per-call timeout (30 s). Credentials: {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}) from the environment, else the
 * SDK's default chain (system properties, profile files and {@code AWS_PROFILE}, SSO, web identity,
 * container and instance credentials). Every client is closed when the command ends.
 */
final class KmsKeyrings {
  private KmsKeyrings() {}

  /** Where and as whom to call KMS. */
  record Settings(URI endpoint, String region, Io io, Resources resources, Telemetry telemetry) {}

  /** The strict keyring: {@code keys.get(0)} generates, all wrap; only these decrypt. */
  static Keyring strict(Settings settings, List<String> keys) {
    KmsKeyring.Builder builder = KmsKeyring.builder();
    try {
      builder.generatorKey(keys.get(0));
      if (keys.size() > 1) {
        builder.additionalKeys(keys.subList(1, keys.size()));
      }
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, "--kms-key: " + e.getMessage(), e);
    }
    AwsCredentialsProvider credentials = credentials(settings);
    if (settings.region() != null) {
      builder.kmsClient(client(settings, credentials, settings.region()));
    } else {
      builder.clientSupplier(supplier(settings, credentials));
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, "--kms-key: " + e.getMessage(), e);
    }
  }

  /** The discovery keyring: decrypts with the key a message names, within the filter. */
  static Keyring discovery(Settings settings, String partition, List<String> accounts) {
    KmsDiscoveryKeyring.Builder builder = KmsDiscoveryKeyring.builder()
        .clientSupplier(supplier(settings, credentials(settings)));
    try {
      if (!accounts.isEmpty()) {
        builder.discoveryFilter(DiscoveryFilter.of(partition, accounts));
      }
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, "--kms-discovery-partition: " + e.getMessage(), e);
    }
    if (settings.region() != null) {
      builder.regions(settings.region());
    }
    return builder.build();
  }

  /** One client per region, built on first use, each closed with the command. */
  private static KmsClientSupplier supplier(Settings settings, AwsCredentialsProvider credentials) {
    return KmsClientSupplier.caching(region -> client(settings, credentials, region));
  }

  private static KmsClient client(Settings settings, AwsCredentialsProvider credentials, String region) {
    KmsClientBuilder builder = KmsClient.builder()
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder());
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    EnvelopeTelemetry telemetry = settings.telemetry().envelopeTelemetry();
    if (telemetry != null) { // each KMS call a span, under the keyring call's span
      builder.overrideConfiguration(o -> o.addExecutionInterceptor(telemetry.awsSdkInterceptor()));
    }
    KmsClient client = builder.build();
    synchronized (settings.resources()) { // keyrings wrap under several keys in parallel
      settings.resources().add(client);
    }
    return client;
  }

  /**
   * The credentials in the CLI's environment ({@code AWS_ACCESS_KEY_ID}, {@code
   * AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}), else the SDK's default chain.
   */
  private static AwsCredentialsProvider credentials(Settings settings) {
    Io io = settings.io();
    String accessKey = io.environment().get("AWS_ACCESS_KEY_ID");
    String secretKey = io.environment().get("AWS_SECRET_ACCESS_KEY");
    if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
      DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
      settings.resources().add(chain);
      return chain;
    }
    String token = io.environment().get("AWS_SESSION_TOKEN");
    AwsCredentials c = token == null || token.isEmpty()
        ? AwsBasicCredentials.create(accessKey, secretKey)
        : AwsSessionCredentials.create(accessKey, secretKey, token);
    return StaticCredentialsProvider.create(c);
  }
}
