package dev.envelope.cache;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Test doubles shared by the cache tests. */
final class CacheFixtures {
  static final CommitmentPolicy REQUIRE = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
  static final AlgorithmSuite S0478 = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  private CacheFixtures() {}

  /** A raw AES keyring with a fixed wrapping key per name. */
  static RawAesKeyring aes(String namespace, String name) {
    byte[] key = new byte[32];
    byte[] seed = (namespace + "/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed[i % seed.length] * 31 + i);
    }
    return RawAesKeyring.builder().keyNamespace(namespace).keyName(name).wrappingKey(key).build();
  }

  static EncryptionMaterialsRequest encryptRequest(
      EncryptionContext context, CommitmentPolicy policy, AlgorithmSuite suite, long length) {
    EncryptionMaterialsRequest.Builder b = EncryptionMaterialsRequest.builder(context, policy);
    if (suite != null) {
      b.algorithmSuite(suite);
    }
    if (length >= 0) {
      b.maxPlaintextLength(length);
    }
    return b.build();
  }

  /** A 0x0478 request under the default policy for {@code length} bytes. */
  static EncryptionMaterialsRequest encryptRequest(EncryptionContext context, long length) {
    return encryptRequest(context, REQUIRE, S0478, length);
  }

  /** The decrypt request a reader of a message encrypted with {@code m} would make. */
  static DecryptionMaterialsRequest decryptRequest(
      EncryptionMaterials m, CommitmentPolicy policy, EncryptionContext reproduced) {
    EncryptionContext stored = m.encryptionContext().removeKeys(m.requiredContextKeys());
    return DecryptionMaterialsRequest.of(
        m.algorithmSuite(), policy, m.encryptedDataKeys(), stored, reproduced);
  }

  /** A monotonic clock that only moves when a test says so. */
  static final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(123_456_789L);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  /**
   * Counts calls and records every data key the wrapped keyring returns: the instance the cache
   * keeps as its own copy.
   */
  static final class CountingKeyring implements Keyring {
    final Keyring inner;
    final AtomicInteger encryptCalls = new AtomicInteger();
    final AtomicInteger decryptCalls = new AtomicInteger();
    final List<DataKey> returnedKeys = Collections.synchronizedList(new ArrayList<>());

    CountingKeyring(Keyring inner) {
      this.inner = inner;
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      encryptCalls.incrementAndGet();
      EncryptionMaterials result = inner.onEncrypt(materials);
      returnedKeys.add(result.dataKey().orElseThrow());
      return result;
    }

    @Override
    public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
      decryptCalls.incrementAndGet();
      DecryptionMaterials result = inner.onDecrypt(materials, keys);
      returnedKeys.add(result.dataKey().orElseThrow());
      return result;
    }

    int calls() {
      return encryptCalls.get() + decryptCalls.get();
    }

    DataKey key(int i) {
      return returnedKeys.get(i);
    }

    DataKey lastKey() {
      return returnedKeys.get(returnedKeys.size() - 1);
    }
  }
}
