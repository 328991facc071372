package dev.envelope.cli;

import dev.envelope.Keyring;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * AWS KMS keys (or the local KMS endpoint, {@code envelope kms-server}): the ESDK's KMS keyrings.
 * Encrypting, the first {@code --kms-key} makes the data key (GenerateDataKey) and every other one
 * also wraps it (Encrypt); decrypting, only the given keys are asked (strict), or with {@code
 * --kms-discovery} whichever key the message names, within the discovery filter.
 *
 * <p>This class holds only the option values: the AWS SDK is loaded by {@link KmsKeyrings} when a
 * KMS option is actually used, so that other commands start without it.
 */
final class KmsKeyringOptions implements KeyringChoice {
  @Option(names = "--kms-key", paramLabel = "ARN", order = 131,
      description = "A KMS key: its key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), alias ARN, or, with"
          + " --kms-region, alias/NAME or key id. Repeat for more: encrypting, the first generates the"
          + " data key and each other one also wraps it; decrypting, any of them may (messages record"
          + " key ARNs, so give key ARNs to decrypt).")
  List<String> keys;

  @Option(names = "--kms-endpoint", paramLabel = "URL", order = 132,
      description = "Send KMS calls to this endpoint instead of AWS's, e.g. the local endpoint of"
          + " 'envelope kms-server' (http://127.0.0.1:4566). Default: AWS KMS of each key's region"
          + " (or AWS_ENDPOINT_URL_KMS).")
  String endpoint;

  @Option(names = "--kms-region", paramLabel = "REGION", order = 133,
      description = "The region of keys given by alias name or key id (an ARN names its own); with"
          + " --kms-discovery, the only region asked.")
  String region;

  @Option(names = "--kms-discovery", order = 134,
      description = "Decrypt only: ask KMS to decrypt with whichever key the message names (within the"
          + " discovery filter) instead of naming keys with --kms-key.")
  boolean discovery;

  @Option(names = "--kms-discovery-account", paramLabel = "ID", order = 135,
      description = "With --kms-discovery: only keys of this AWS account; repeat for more. Recommended.")
  List<String> discoveryAccounts;

  @Option(names = "--kms-discovery-partition", paramLabel = "PARTITION", order = 136,
      description = "With --kms-discovery-account: the accounts' partition (default: aws).")
  String discoveryPartition;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    List<String> named = keys == null ? List.of() : keys;
    List<String> accounts = discoveryAccounts == null ? List.of() : discoveryAccounts;
    if (!discovery && (!accounts.isEmpty() || discoveryPartition != null)) {
      throw new CliFailure(ExitCode.USAGE,
          "--kms-discovery-account and --kms-discovery-partition are the filter of --kms-discovery: add it");
    }
    if (discoveryPartition != null && accounts.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE,
          "--kms-discovery-partition needs --kms-discovery-account ID: a filter names accounts of a partition");
    }
    if (discovery && purpose == Purpose.ENCRYPT) {
      throw new CliFailure(ExitCode.USAGE,
          "--kms-discovery only decrypts (it has no key to encrypt with): give --kms-key ARN to encrypt");
    }
    if (discovery && !named.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE,
          "give --kms-key (only these keys may decrypt) or --kms-discovery (whichever key the message"
              + " names), not both");
    }
    if (!discovery && named.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "the --kms-* options need --kms-key ARN"
          + (purpose == Purpose.DECRYPT ? " (or --kms-discovery)" : "") + ": the KMS key to "
          + (purpose == Purpose.ENCRYPT ? "encrypt under" : "decrypt with"));
    }
    if (region != null && !region.matches("[a-z]{2}(-[a-z]+)+-[0-9]+")) {
      throw new CliFailure(ExitCode.USAGE, "--kms-region '" + region + "' is not an AWS region name, e.g. us-east-1");
    }
    URI endpointUri = endpoint == null ? null : endpoint(endpoint);
    KmsKeyrings.Settings settings = new KmsKeyrings.Settings(endpointUri, region, io, resources,
        Telemetry.current());
    if (discovery) {
      for (String account : accounts) {
        if (!account.matches("[0-9]{12}")) {
          throw new CliFailure(ExitCode.USAGE, "--kms-discovery-account '" + account + "' is not a 12-digit AWS account id");
        }
      }
      return KmsKeyrings.discovery(settings, discoveryPartition == null ? "aws" : discoveryPartition, accounts);
    }
    for (String key : named) {
      if (key.isBlank()) {
        throw new CliFailure(ExitCode.USAGE, "--kms-key is empty; give a key ARN");
      }
      if (!key.startsWith("arn:") && region == null) {
        throw new CliFailure(ExitCode.USAGE, "--kms-key '" + key + "' names no region: give the key's ARN"
            + " (arn:aws:kms:REGION:ACCOUNT:key/ID) or --kms-region REGION");
      }
      String keyRegion = arnRegion(key);
      if (region != null && keyRegion != null && !keyRegion.equals(region)) {
        throw new CliFailure(ExitCode.USAGE, "--kms-key '" + key + "' is in region " + keyRegion
            + ", not --kms-region " + region + "; drop --kms-region to use keys of several regions by ARN");
      }
    }
    return KmsKeyrings.strict(settings, named);
  }

  /** The region field of an ARN ({@code arn:PARTITION:kms:REGION:...}), or null. */
  private static String arnRegion(String key) {
    String[] parts = key.split(":", 6);
    return parts.length == 6 && parts[0].equals("arn") && !parts[3].isEmpty() ? parts[3] : null;
  }

  private static URI endpoint(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new CliFailure(ExitCode.USAGE, "--kms-endpoint '" + text + "' is not an http(s) URL, e.g. http://127.0.0.1:4566");
    }
    return uri;
  }
}
