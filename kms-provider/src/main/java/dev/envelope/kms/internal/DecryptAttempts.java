package dev.envelope.kms.internal;

import dev.envelope.EncryptedDataKey;
import dev.envelope.EnvelopeException;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.kms.KmsProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The record of one keyring's decrypt: for each encrypted data key of the message, whether it was
 * skipped (and why) or tried (and how KMS failed). When nothing decrypts, it becomes the exception
 * that tells the user, key by key, what happened.
 *
 * <p>Not thread-safe; one per {@code onDecrypt} call.
 */
public final class DecryptAttempts {
  /** The provider id of every KMS-wrapped encrypted data key (spec: keyrings.md §6.2). */
  public static final String PROVIDER_ID = "aws-kms";

  /** A message may carry many encrypted data keys; the exception lists this many. */
  static final int MAX_LINES = 32;

  private final String keyring;
  private final int total;
  private final List<String> lines = new ArrayList<>();
  private final List<KmsProviderException> failures = new ArrayList<>();

  public DecryptAttempts(String keyring, int total) {
    this.keyring = keyring;
    this.total = total;
  }

  // spec: keyrings.md §6.2/6.3: EDKs with provider id aws-kms are kept; the provider info of each
  // kept one must be a key ARN, otherwise OnDecrypt fails rather than skipping it.
  /**
   * The key ARN of an {@code aws-kms} encrypted data key; empty for other providers (recorded as
   * skipped).
   *
   * @throws MalformedMessageException if an {@code aws-kms} key's provider info is not a key ARN
   */
  public Optional<KmsIdentifier> kmsKeyArn(int index, EncryptedDataKey key) {
    if (!PROVIDER_ID.equals(key.providerId())) {
      skipped(index, key, "not an aws-kms key");
      return Optional.empty();
    }
    String info = key.providerInfoUtf8();
    Optional<KmsIdentifier> arn = KmsIdentifier.parseArn(info);
    if (arn.isEmpty() || !arn.get().isKeyArn()) {
      throw new MalformedMessageException(
          "encrypted data key #" + (index + 1) + " has provider id aws-kms but its provider info '"
              + KmsErrors.sanitize(info) + "' is not a KMS key ARN; KMS keyrings always record the"
              + " key ARN KMS returned, so the message is malformed or was written by a"
              + " non-conforming producer");
    }
    return arn;
  }

  /** Records that encrypted data key {@code index} was not tried, and why. */
  public void skipped(int index, EncryptedDataKey key, String why) {
    lines.add(label(index, key) + ": skipped, " + why);
  }

  /** Records a failed KMS call for encrypted data key {@code index} (or -1 for a key lookup). */
  public void failed(int index, EncryptedDataKey key, KmsProviderException e) {
    failures.add(e);
    lines.add((key == null ? "key lookup" : label(index, key)) + ": tried, " + e.getMessage());
  }

  public boolean anyTried() {
    return !failures.isEmpty();
  }

  /**
   * The failure to throw: a {@link KmsProviderException} (the first KMS failure's reason, error
   * code and request id; the others suppressed) when some call failed, so callers can tell
   * "throttled" from "not my key"; a {@link NoMatchingKeyException} when no key was tried.
   *
   * @param hint appended when non-null: configuration advice, e.g. about aliases
   */
  public EnvelopeException failure(String hint) {
    StringBuilder m = new StringBuilder(keyring).append(" could not decrypt any of the message's ")
        .append(total).append(total == 1 ? " encrypted data key" : " encrypted data keys");
    for (int i = 0; i < lines.size() && i < MAX_LINES; i++) {
      m.append("; ").append(lines.get(i));
    }
    if (lines.size() > MAX_LINES) {
      m.append("; and ").append(lines.size() - MAX_LINES).append(" more");
    }
    if (hint != null) {
      m.append(". ").append(hint);
    }
    if (failures.isEmpty()) {
      return new NoMatchingKeyException(m.toString());
    }
    KmsProviderException first = failures.get(0);
    KmsProviderException e = new KmsProviderException(first.reason(), m.toString(),
        first.operation().orElse(null), first.keyId().orElse(null), first.errorCode().orElse(null),
        first.requestId().orElse(null), first);
    for (int i = 1; i < failures.size(); i++) {
      e.addSuppressed(failures.get(i));
    }
    return e;
  }

  private static String label(int index, EncryptedDataKey key) {
    String who = PROVIDER_ID.equals(key.providerId())
        ? "aws-kms " + KmsErrors.sanitize(key.providerInfoUtf8())
        : "provider " + KmsErrors.sanitize(key.providerId());
    return "#" + (index + 1) + " (" + who + ")";
  }
}
