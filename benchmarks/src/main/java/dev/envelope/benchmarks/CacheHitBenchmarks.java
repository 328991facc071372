package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Envelope;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.keyring.RawAesKeyring;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a data-key cache hit costs next to what it saves, for 0x0478 with the JDK's providers and a
 * local raw AES-256 keyring (the cheapest keyring there is, so the hardest one for a cache to beat).
 *
 * <ul>
 *   <li>{@code encryptCached} / {@code decryptCached} against {@code encryptUncached} / {@code
 *       decryptUncached}: whole messages of {@code size} bytes through a {@link
 *       CachingMaterialsManager} (every call a hit) and straight through the keyring (a fresh data
 *       key wrapped, or unwrapped, per message).
 *   <li>{@code lookupEncryptHit} / {@code lookupDecryptHit} against {@code keyringOnEncrypt} /
 *       {@code keyringOnDecrypt}: the materials lookup alone (one hit, handing out its own copy of
 *       the data key) against one raw AES keyring call (generate and wrap a data key, or unwrap
 *       it). The request objects are reused across calls, as the keyring's input is; the
 *       whole-message rows above include what building a fresh request per message costs.
 * </ul>
 *
 * Every data key handed out is closed, as the Envelope does. Bytes per operation from {@code -prof
 * gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Ddev.envelope.crypto.provider=jdk")
public class CacheHitBenchmarks {
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  private static final CommitmentPolicy POLICY = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;

  @Param({"1024"})
  public int size;

  private byte[] plaintext;
  private Envelope uncached;
  private Envelope cached;
  private byte[] message;

  private RawAesKeyring keyring;
  private CachingMaterialsManager cache;
  private EncryptionMaterialsRequest encryptRequest;
  private DecryptionMaterialsRequest decryptRequest;
  private EncryptionMaterials keyringEncryptInput;
  private DecryptionMaterials keyringDecryptInput;
  private List<EncryptedDataKey> encryptedDataKeys;

  @Setup
  public void setUp() {
    plaintext = Fixtures.bytes(size, 1);
    uncached = Envelope.builder().keyring(Fixtures.rawAesKeyring()).algorithmSuite(SUITE).build();
    cached =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(Fixtures.rawAesKeyring())
                    .maxAge(Duration.ofMinutes(5))
                    .build())
            .algorithmSuite(SUITE)
            .build();
    message = uncached.encrypt(plaintext, Fixtures.CONTEXT);

    keyring = Fixtures.rawAesKeyring();
    cache = CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(5)).build();
    encryptRequest =
        EncryptionMaterialsRequest.builder(Fixtures.CONTEXT, POLICY)
            .algorithmSuite(SUITE)
            .maxPlaintextLength(size)
            .build();
    EncryptionMaterials first = cache.getEncryptionMaterials(encryptRequest);
    first.dataKey().orElseThrow().close();
    encryptedDataKeys = first.encryptedDataKeys();
    decryptRequest =
        DecryptionMaterialsRequest.of(
            SUITE, POLICY, encryptedDataKeys, Fixtures.CONTEXT, Fixtures.CONTEXT);
    cache.getDecryptionMaterials(decryptRequest).dataKey().orElseThrow().close();

    keyringEncryptInput = EncryptionMaterials.builder(SUITE, Fixtures.CONTEXT).build();
    keyringDecryptInput = DecryptionMaterials.of(SUITE, Fixtures.CONTEXT, Set.of(), null);
  }

  @Benchmark
  public byte[] encryptUncached() {
    return uncached.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] encryptCached() {
    return cached.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] decryptUncached() {
    return uncached.decrypt(message, Fixtures.CONTEXT).plaintext();
  }

  @Benchmark
  public byte[] decryptCached() {
    return cached.decrypt(message, Fixtures.CONTEXT).plaintext();
  }

  /** One cache hit: the entry's materials with a fresh copy of its data key. */
  @Benchmark
  public EncryptionMaterials lookupEncryptHit() {
    EncryptionMaterials m = cache.getEncryptionMaterials(encryptRequest);
    m.dataKey().orElseThrow().close();
    return m;
  }

  /** One cache hit: the entry's materials with a fresh copy of its data key. */
  @Benchmark
  public DecryptionMaterials lookupDecryptHit() {
    DecryptionMaterials m = cache.getDecryptionMaterials(decryptRequest);
    m.dataKey().orElseThrow().close();
    return m;
  }

  /** One raw AES keyring call: generate a data key and wrap it (AES-GCM). */
  @Benchmark
  public EncryptionMaterials keyringOnEncrypt() {
    EncryptionMaterials m = keyring.onEncrypt(keyringEncryptInput);
    m.dataKey().orElseThrow().close();
    return m;
  }

  /** One raw AES keyring call: unwrap the data key (AES-GCM). */
  @Benchmark
  public DecryptionMaterials keyringOnDecrypt() {
    DecryptionMaterials m = keyring.onDecrypt(keyringDecryptInput, encryptedDataKeys);
    m.dataKey().orElseThrow().close();
    return m;
  }
}
