package dev.envelope.keyring;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DataKey;
import dev.envelope.EncryptedDataKey;
import dev.envelope.internal.crypto.Jca;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Small pieces the built-in keyrings share. */
final class KeyringSupport {
  private KeyringSupport() {}

  /** A fresh random data key for {@code suite}. */
  static DataKey generateDataKey(AlgorithmSuite suite) {
    return DataKey.generate(suite.dataKeyLength(), Jca.random());
  }

  /** The distinct provider ids of a message's keys, for error messages. */
  static String providers(List<EncryptedDataKey> keys) {
    Set<String> ids = new LinkedHashSet<>();
    for (EncryptedDataKey key : keys) {
      ids.add(key.providerId());
    }
    return ids.toString();
  }

  /** Raw keyrings must not claim the namespace reserved for AWS KMS. */
  static void checkNamespace(String namespace) {
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException("the key namespace cannot be empty; give the keyring one");
    }
    if (namespace.startsWith("aws-kms")) {
      throw new IllegalArgumentException(
          "key namespace '" + namespace + "' is reserved for AWS KMS keyrings; choose another");
    }
  }
}
