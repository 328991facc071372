package dev.envelope.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoMaterialsManager;
import com.amazonaws.encryptionsdk.caching.CachingCryptoMaterialsManager;
import com.amazonaws.encryptionsdk.caching.LocalCryptoMaterialsCache;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
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
 * The AWS Encryption SDK for Java 3.0.2 on the same inputs: a raw AES-256 master key
 * ({@code JceMasterKey}, wire-identical to Envelope's raw AES keyring), suites 0x0478 and 0x0578,
 * uncached and through its caching materials manager. Frame size 4096 (its default).
 *
 * <p>{@link Jdk} runs on the JDK's JCE providers (SunJCE for AES-GCM and HMAC, SunEC for ECDSA);
 * {@link Accp} installs the Amazon Corretto Crypto Provider as the JVM's first provider in its fork
 * ({@code AmazonCorrettoCryptoProvider.install()}), which the ESDK's JCE calls then use: the like
 * for like peer of Envelope on ACCP.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public abstract class EsdkBenchmarks {
  @Param({"1024", "65536", "1048576"})
  public int size;

  private byte[] plaintext;
  private JceMasterKey masterKey;
  private AwsCrypto esdk0478;
  private AwsCrypto esdk0578;
  private CryptoMaterialsManager cached;
  private byte[] message0478;
  private byte[] message0578;

  @Setup
  public void setUp() {
    plaintext = Fixtures.bytes(size, 1);
    masterKey = Fixtures.esdkMasterKey();
    esdk0478 = Fixtures.esdk(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 4096);
    esdk0578 = Fixtures.esdk(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, 4096);
    cached =
        CachingCryptoMaterialsManager.newBuilder()
            .withMasterKeyProvider(masterKey)
            .withCache(new LocalCryptoMaterialsCache(100))
            .withMaxAge(5, TimeUnit.MINUTES)
            .withMessageUseLimit(1L << 32)
            .build();
    message0478 = esdk0478.encryptData(masterKey, plaintext, Fixtures.CONTEXT_MAP).getResult();
    message0578 = esdk0578.encryptData(masterKey, plaintext, Fixtures.CONTEXT_MAP).getResult();
  }

  @Benchmark
  public byte[] encrypt0478() {
    return esdk0478.encryptData(masterKey, plaintext, Fixtures.CONTEXT_MAP).getResult();
  }

  @Benchmark
  public byte[] decrypt0478() {
    return esdk0478.decryptData(masterKey, message0478).getResult();
  }

  @Benchmark
  public byte[] encrypt0478Cached() {
    return esdk0478.encryptData(cached, plaintext, Fixtures.CONTEXT_MAP).getResult();
  }

  @Benchmark
  public byte[] decrypt0478Cached() {
    return esdk0478.decryptData(cached, message0478).getResult();
  }

  @Benchmark
  public byte[] encrypt0578() {
    return esdk0578.encryptData(masterKey, plaintext, Fixtures.CONTEXT_MAP).getResult();
  }

  @Benchmark
  public byte[] decrypt0578() {
    return esdk0578.decryptData(masterKey, message0578).getResult();
  }

  /** On the JDK's providers. */
  @Fork(1)
  public static class Jdk extends EsdkBenchmarks {}

  /** With ACCP installed as the first JCE provider of this fork. */
  @Fork(1)
  public static class Accp extends EsdkBenchmarks {
    static {
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.install();
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
    }
  }
}
